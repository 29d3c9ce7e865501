/**
 * npm run bench: measures the chat's rendering path in headless Chromium and prints a table.
 * Not part of npm test: timings are for reading, never asserted in tests.
 */
import { createServer } from 'vite';
import puppeteer from 'puppeteer-core';
import { chromiumArgs, findBrowser } from '../scripts/find-browser.mjs';
import { createLocalHub } from '../test/support/local-hub.mjs';

const hub = createLocalHub();
const server = await createServer({
  logLevel: 'warn',
  server: { host: '127.0.0.1', port: 0 },
  plugins: [
    {
      name: 'aperto-local-hub',
      configureServer(dev) {
        dev.middlewares.use((req, res, next) => {
          if (!hub.handle(req, res)) next();
        });
      },
    },
  ],
});
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
  for (const tokens of [100, 1000, 4000]) rows.push({ label: `${tokens} tokens at 500 tokens/s`, ...(await measure(tokens, 500)) });

  const fmt = (n, d = 1) => n.toFixed(d);
  console.log('\n| Reply | Tokens/s rendered | Main-thread ms per token | Longest task (ms, ≥50 only) | Tasks ≥ 50 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.label} | ${fmt(r.tokensPerSecond, 0)} | ${fmt(r.msPerToken, 3)} | ${r.longestTaskMs ? fmt(r.longestTaskMs, 0) : '—'} | ${r.longTasks} |`);
  }
  const ratio = rows[2].msPerToken / rows[0].msPerToken;
  console.log(`\nms per token at 4 000 / at 100, full speed: ${fmt(ratio, 2)} (target ≤ 1.20)`);
  console.log(
    `ms per token at 500 tokens/s: 4 000 / 100 = ${fmt(rows[5].msPerToken / rows[3].msPerToken, 2)}, ` +
      `4 000 / 1 000 = ${fmt(rows[5].msPerToken / rows[4].msPerToken, 2)} (a 100-token reply never overflows the view, so it never scrolls)`,
  );
  console.log(`tasks over 50 ms while streaming at 500 tokens/s: ${rows[3].longTasks + rows[4].longTasks + rows[5].longTasks} (target 0)`);

  // CPU engine: wllama directly vs the whole app, same model, same page, alternating runs.
  const cpu = await browser.newPage();
  await cpu.goto(`http://127.0.0.1:${port}/bench/cpu-bench.html`);
  await cpu.waitForFunction(() => typeof window.benchApp === 'function');
  await cpu.evaluate(() => window.benchReady);
  const maxTokens = 800;
  await cpu.evaluate((n) => window.benchDirect(n), 50); // load + warm up
  await cpu.evaluate((n) => window.benchApp(n), 50);
  const direct = [];
  const app = [];
  for (let i = 0; i < 7; i++) {
    direct.push(await cpu.evaluate((n) => window.benchDirect(n), maxTokens));
    app.push(await cpu.evaluate((n) => window.benchApp(n), maxTokens));
  }
  const median = (runs) => runs.map((r) => r.tokensPerSecond).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  const directRate = median(direct);
  const appRate = median(app);
  console.log('\n| Engine path (synthetic GGUF, replies of ~480 tokens: its context is 512; median of 7) | Tokens/s |');
  console.log('| --- | ---: |');
  console.log(`| wllama called directly (its worker only) | ${fmt(directRate, 0)} |`);
  console.log(`| whole app: CPU engine → chat session → <aperto-chat> on screen | ${fmt(appRate, 0)} |`);
  console.log(`\nratio app / direct: ${fmt(appRate / directRate, 2)} (target ≥ 0.95)`);
} finally {
  await browser.close();
  await server.close();
}
