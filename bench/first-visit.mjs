/**
 * node bench/first-visit.mjs: a first visit, as a visitor with nothing cached gets it. Builds the app
 * for production, serves the build with the app's headers and gzip (bench/serve-build.mjs), and opens
 * `#/chat` in headless Chromium, each visit in a fresh browser context (empty cache, no service
 * worker). Per visit: the JavaScript fetched before the message box exists (gzip bytes as
 * transferred, from Resource Timing on the first frame that has the box) and the time from the
 * start of navigation to that frame. Medians of 5 visits, on the local network and with Chromium's
 * emulated Fast 4G and Slow 4G connections, the rows interleaved visit by visit.
 *
 * It refuses impossible figures (bench/report.mjs): none missing or NaN, at least the entry script,
 * the bytes Chromium received equal to the served files' gzip sizes, a throttled visit no faster
 * than its connection can carry those bytes; and it fails when the JavaScript is over the first
 * view's budget (120 kB gzip, scripts/first-view-budget.mjs).
 */
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import puppeteer, { PredefinedNetworkConditions } from 'puppeteer-core';
import { chromiumArgs, findBrowser } from '../scripts/find-browser.mjs';
import { FIRST_VIEW_BUDGET_BYTES } from '../scripts/first-view-budget.mjs';
import { BenchReport, interleave, median } from './report.mjs';
import { buildApp, serveBuild } from './serve-build.mjs';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

const VISITS = 5;
const CONNECTIONS = {
  local: { label: 'local network (no throttling)' },
  fast4g: { label: 'Fast 4G (Chromium’s preset: 9 Mbit/s × 0.9, 165 ms latency)', conditions: PredefinedNetworkConditions['Fast 4G'] },
  slow4g: { label: 'Slow 4G (Chromium’s preset: 1.6 Mbit/s × 0.9, 562.5 ms latency)', conditions: PredefinedNetworkConditions['Slow 4G'] },
};
/** Measured by the author on WebLLM Chat (chat.webllm.ai), not here: the figure to beat. */
const ANCHOR = { jsBytesGzip: 2_321_055, messageBoxSeconds: '3.3–3.7' };

const report = new BenchReport('firstVisit');
const outDir = await buildApp();
const server = await serveBuild(outDir);
const browser = await puppeteer.launch({
  executablePath: findBrowser(),
  headless: true,
  args: chromiumArgs({ webgpu: false }).filter((flag) => !flag.startsWith('--headless')),
});

/** In the page, from its first script on: the first frame with the chat's message box, and the scripts fetched by then. */
function watchForMessageBox() {
  const probe = window;
  const messageBox = () =>
    document.querySelector('aperto-app')?.shadowRoot?.querySelector('aperto-chat')?.shadowRoot?.querySelector('textarea[aria-label="Message"]');
  const look = () => {
    if (!messageBox()) return void requestAnimationFrame(look);
    probe.__firstView = {
      messageBoxMs: performance.now(),
      scripts: performance
        .getEntriesByType('resource')
        .filter((entry) => new URL(entry.name).origin === location.origin && new URL(entry.name).pathname.endsWith('.js'))
        .map((entry) => ({ path: new URL(entry.name).pathname, encodedBytes: entry.encodedBodySize, transferBytes: entry.transferSize })),
    };
  };
  requestAnimationFrame(look);
}

async function visit(connection) {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    await page.setCacheEnabled(false);
    if (connection.conditions) await page.emulateNetworkConditions(connection.conditions);
    await page.evaluateOnNewDocument(watchForMessageBox);
    await page.goto(`${server.origin}/#/chat`);
    const started = Date.now();
    for (;;) {
      const seen = await page.evaluate(() => window.__firstView ?? null);
      if (seen) return { ...seen, jsBytes: seen.scripts.reduce((sum, s) => sum + s.encodedBytes, 0) };
      if (Date.now() - started > 60_000) return { messageBoxMs: NaN, scripts: [], jsBytes: NaN };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await context.close();
  }
}

/** What the build's files weigh gzipped (zlib's default level): what Chromium must have received. */
async function servedGzipBytes(paths) {
  let total = 0;
  for (const path of paths) total += gzipSync(await readFile(join(outDir, path))).length;
  return total;
}

try {
  const runs = await interleave(VISITS, Object.fromEntries(Object.entries(CONNECTIONS).map(([key, connection]) => [key, () => visit(connection)])));
  const rows = [];
  for (const [key, connection] of Object.entries(CONNECTIONS)) {
    const own = runs[key];
    const jsBytes = report.figure(`${key}.jsBytesGzipBeforeMessageBox`, median(own.map((r) => r.jsBytes)), 'B');
    const messageBoxMs = report.figure(`${key}.messageBoxMs`, median(own.map((r) => r.messageBoxMs)), 'ms');
    const scripts = report.figure(`${key}.scriptsBeforeMessageBox`, median(own.map((r) => r.scripts.length)));
    for (const [i, run] of own.entries()) {
      const label = `${key} visit ${i + 1}`;
      if (!run.scripts.some((s) => /\/assets\/main-[\w-]+\.js$/.test(s.path))) report.problems.push(`${label}: the entry script was not among those fetched (${run.scripts.map((s) => s.path).join(', ') || 'none'})`);
      const expected = await servedGzipBytes(run.scripts.map((s) => s.path));
      if (run.jsBytes !== expected) report.problems.push(`${label}: Chromium received ${run.jsBytes} B of script bodies, the served files are ${expected} B gzipped`);
      if (run.jsBytes > FIRST_VIEW_BUDGET_BYTES) report.problems.push(`${label}: ${run.jsBytes} B of JavaScript before the message box, over the first view's budget of ${FIRST_VIEW_BUDGET_BYTES} B`);
      if (connection.conditions) {
        // The scripts alone cannot arrive sooner than their bytes at the connection's rate, after one round trip.
        const shortest = connection.conditions.latency + (run.jsBytes / connection.conditions.download) * 1000;
        if (!(run.messageBoxMs >= shortest)) report.problems.push(`${label}: message box after ${run.messageBoxMs} ms, sooner than ${Math.round(shortest)} ms the connection allows`);
      } else if (!(run.messageBoxMs > 0)) report.problems.push(`${label}: message box after ${run.messageBoxMs} ms`);
    }
    rows.push({ label: connection.label, jsBytes, messageBoxMs, scripts, runs: own.map((r) => Math.round(r.messageBoxMs)) });
  }

  const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
  console.log(`\n| First visit to \`#/chat\`, empty cache (median of ${VISITS} fresh browser contexts, connections interleaved) | JS before the message box (gzip, as transferred) | Scripts | Message box on screen (ms) | Each visit (ms) |`);
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const row of rows) console.log(`| ${row.label} | ${kB(row.jsBytes)} | ${row.scripts} | ${Math.round(row.messageBoxMs)} | ${row.runs.join(', ')} |`);
  console.log(`| *WebLLM Chat, measured by the issue's author (not here)* | *${kB(ANCHOR.jsBytesGzip)}* | | *${ANCHOR.messageBoxSeconds} s* | |`);
  console.log(`\n- budget: ${kB(FIRST_VIEW_BUDGET_BYTES)} gzip; JS before the message box is ${(rows[0].jsBytes / ANCHOR.jsBytesGzip * 100).toFixed(1)} % of WebLLM Chat's.`);
  report.finish({ anchor: { note: "WebLLM Chat, measured by the issue's author, not here", ...ANCHOR }, visits: VISITS });
} finally {
  await browser.close();
  await server.close();
}
