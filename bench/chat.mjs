/**
 * node bench/chat.mjs: the chat's rendering path in headless Chromium — <aperto-chat> fed by the
 * scripted engine, at full speed and paced like a model, 100 / 1 000 / 4 000-token replies.
 * Timed from the first token the engine sends to the frame after the last one is on screen.
 * Sizes run interleaved in rounds (100, 1 000, 4 000, 100, …) so the ratios compare like with like.
 * Figures are for reading, never asserted in tests; report.mjs refuses impossible ones.
 */
import { BenchReport, interleave, median } from './report.mjs';
import { openBench } from './serve.mjs';

const SIZES = [100, 1000, 4000];
const PACE = 500; // tokens per second, a fast GPU
const ROUNDS = 5;

const report = new BenchReport('chatRendering');
const bench = await openBench();
try {
  const page = await bench.browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(`${bench.origin}/bench/chat-bench.html`);
  await page.waitForFunction(() => typeof window.runReply === 'function');
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  // Warm up the JIT and the markdown parser once.
  await page.evaluate(() => window.runReply(200, 0));

  async function measure(tokens, tokensPerSecond) {
    await page.evaluate(() => (window.__longTasks = []));
    const before = await page.metrics();
    const run = await page.evaluate((n, rate) => window.runReply(n, rate), tokens, tokensPerSecond);
    const after = await page.metrics();
    const longTasks = await page.evaluate(() => window.__longTasks);
    const label = `${tokens} tokens ${tokensPerSecond ? `at ${tokensPerSecond} tokens/s` : 'at full speed'}`;
    report.tokens(label, { asked: tokens, produced: run.tokens });
    if (run.status !== 'complete' || run.renderedChars === 0) report.problems.push(`${label}: the reply ended "${run.status}" with ${run.renderedChars} characters on screen`);
    if (tokensPerSecond) report.paced(label, { tokens, tokensPerSecond, elapsedMs: run.elapsedMs });
    return {
      elapsedMs: run.elapsedMs,
      msPerToken: ((after.TaskDuration - before.TaskDuration) * 1000) / tokens,
      longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
      longTasks: longTasks.length,
    };
  }

  const rows = [];
  for (const pace of [0, PACE]) {
    const runs = await interleave(
      ROUNDS,
      Object.fromEntries(SIZES.map((tokens) => [tokens, () => measure(tokens, pace)])),
    );
    for (const tokens of SIZES) {
      const key = `${tokens}tokens_${pace ? `${pace}tps` : 'fullSpeed'}`;
      const own = runs[tokens];
      const elapsedMs = median(own.map((r) => r.elapsedMs));
      rows.push({
        key,
        tokens,
        pace,
        runs: own,
        label: `${tokens} tokens, ${pace ? `paced at ${pace} tokens/s` : 'full speed'}`,
        // n tokens: the first is sent at 0, so n − 1 intervals until the last is on screen.
        tokensPerSecond: report.figure(`${key}.tokensPerSecondOnScreen`, ((tokens - 1) * 1000) / elapsedMs),
        msPerToken: report.figure(`${key}.mainThreadMsPerToken`, median(own.map((r) => r.msPerToken))),
        longestTaskMs: report.figure(`${key}.longestTaskMs`, Math.max(...own.map((r) => r.longestTaskMs))),
        longTasks: report.figure(`${key}.tasksOver50ms`, own.reduce((n, r) => n + r.longTasks, 0)),
      });
    }
  }

  const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : String(n));
  console.log(`\n| Reply (median of ${ROUNDS}, sizes interleaved) | Tokens/s on screen | Main-thread ms per token | Longest task (ms, ≥50 only) | Tasks ≥ 50 ms (all runs) |`);
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.label} | ${fmt(r.tokensPerSecond, 0)} | ${fmt(r.msPerToken, 3)} | ${r.longestTaskMs ? fmt(r.longestTaskMs, 0) : '—'} | ${r.longTasks} |`);
  }
  const row = (tokens, pace) => rows.find((r) => r.tokens === tokens && r.pace === pace);
  const full = report.ratio('msPerToken.4000over100.fullSpeed', row(4000, 0).msPerToken, row(100, 0).msPerToken, [row(4000, 0).runs, row(100, 0).runs]);
  const paced100 = report.ratio('msPerToken.4000over100.paced', row(4000, PACE).msPerToken, row(100, PACE).msPerToken, [row(4000, PACE).runs, row(100, PACE).runs]);
  const paced1000 = report.ratio('msPerToken.4000over1000.paced', row(4000, PACE).msPerToken, row(1000, PACE).msPerToken, [row(4000, PACE).runs, row(1000, PACE).runs]);
  const pacedLongTasks = SIZES.reduce((n, tokens) => n + row(tokens, PACE).longTasks, 0);
  console.log(`\nms per token at 4 000 / at 100, full speed: ${fmt(full, 2)} (target ≤ 1.20)`);
  console.log(`ms per token at ${PACE} tokens/s: 4 000 / 100 = ${fmt(paced100, 2)}, 4 000 / 1 000 = ${fmt(paced1000, 2)} (a 100-token reply never overflows the view, so it never scrolls)`);
  console.log(`tasks over 50 ms while streaming at ${PACE} tokens/s: ${pacedLongTasks} (target 0)`);
} finally {
  await bench.close();
  report.finish({ rounds: ROUNDS, paceTokensPerSecond: PACE });
}
