/**
 * npm run bench: measures the chat's rendering path in headless Chromium and prints a table.
 * Not part of npm test: timings are for reading, never asserted in tests.
 */
import { createServer } from 'vite';
import puppeteer from 'puppeteer-core';
import { chromiumArgs, findBrowser } from '../scripts/find-browser.mjs';

const server = await createServer({ logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
await server.listen();
const { port } = server.httpServer.address();
const browser = await puppeteer.launch({
  executablePath: findBrowser(),
  headless: true,
  args: chromiumArgs({ webgpu: false }).filter((f) => !f.startsWith('--headless')),
});

try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(`http://127.0.0.1:${port}/bench/chat-bench.html`);
  await page.waitForFunction(() => typeof window.runReply === 'function');
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  // Warm up the JIT and the markdown parser once.
  await page.evaluate(() => window.runReply(200, 0));

  async function measure(tokens, delayMs) {
    await page.evaluate(() => (window.__longTasks = []));
    const before = await page.metrics();
    const result = await page.evaluate((n, d) => window.runReply(n, d), tokens, delayMs);
    const after = await page.metrics();
    const longTasks = await page.evaluate(() => window.__longTasks);
    const taskMs = (after.TaskDuration - before.TaskDuration) * 1000;
    return {
      tokens,
      tokensPerSecond: (tokens / result.elapsedMs) * 1000,
      msPerToken: taskMs / tokens,
      longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
      longTasks: longTasks.length,
    };
  }

  const rows = [];
  for (const tokens of [100, 1000, 4000]) rows.push({ label: `${tokens} tokens, full speed`, ...(await measure(tokens, 0)) });
  for (const tokens of [100, 4000]) rows.push({ label: `${tokens} tokens at 500 tokens/s`, ...(await measure(tokens, 500)) });

  const fmt = (n, d = 1) => n.toFixed(d);
  console.log('\n| Reply | Tokens/s rendered | Main-thread ms per token | Longest task (ms, ≥50 only) | Tasks ≥ 50 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.label} | ${fmt(r.tokensPerSecond, 0)} | ${fmt(r.msPerToken, 3)} | ${r.longestTaskMs ? fmt(r.longestTaskMs, 0) : '—'} | ${r.longTasks} |`);
  }
  const ratio = rows[2].msPerToken / rows[0].msPerToken;
  const pacedRatio = rows[4].msPerToken / rows[3].msPerToken;
  console.log(`\nms per token at 4 000 / at 100: ${fmt(ratio, 2)} at full speed, ${fmt(pacedRatio, 2)} at 500 tokens/s (target ≤ 1.20)`);
  console.log(`tasks over 50 ms while streaming at 500 tokens/s: ${rows[3].longTasks + rows[4].longTasks} (target 0)`);
} finally {
  await browser.close();
  await server.close();
}
