/**
 * node bench/cpu.mjs: the CPU engine, two paths over the same synthetic GGUF in the same page —
 * wllama called directly (its own worker, nothing of ours) and the whole app (the CPU engine
 * client, the chat session, <aperto-chat> rendering every token to the screen) — run interleaved,
 * direct / app / direct / app …, greedy, the same number of tokens each.
 * Figures are for reading, never asserted in tests; report.mjs refuses impossible ones.
 */
import { BenchReport, interleave, median } from './report.mjs';
import { openBench } from './serve.mjs';

/** The synthetic model's context is 512 tokens: the prompt and 400 generated tokens fit. */
const MAX_TOKENS = 400;
const ROUNDS = 7;

const report = new BenchReport('cpuEngineSynthetic');
const bench = await openBench();
try {
  const page = await bench.browser.newPage();
  await page.goto(`${bench.origin}/bench/cpu-bench.html`);
  await page.waitForFunction(() => typeof window.benchApp === 'function');
  await page.evaluate(() => window.benchReady);
  // Load and warm up both paths once.
  await page.evaluate((n) => window.benchDirect(n), 50);
  await page.evaluate((n) => window.benchApp(n), 50);

  const run = (path) => async () => {
    const result = await page.evaluate((name, n) => window[name](n), path, MAX_TOKENS);
    report.tokens(`${path} run`, { asked: MAX_TOKENS, produced: result.tokens });
    return result;
  };
  const runs = await interleave(ROUNDS, { direct: run('benchDirect'), app: run('benchApp') });
  const directRate = report.figure('wllamaDirect.decodeTokensPerSecond', median(runs.direct.map((r) => r.tokensPerSecond)));
  const appRate = report.figure('wholeApp.tokensPerSecondOnScreen', median(runs.app.map((r) => r.tokensPerSecond)));
  const ratio = report.ratio('appOverDirect', appRate, directRate, [runs.app, runs.direct]);

  const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : String(n));
  console.log(`\n| Engine path (synthetic GGUF, ${MAX_TOKENS}-token replies, median of ${ROUNDS}, interleaved) | Tokens/s |`);
  console.log('| --- | ---: |');
  console.log(`| wllama called directly (its worker only) | ${fmt(directRate)} |`);
  console.log(`| whole app: CPU engine → chat session → <aperto-chat> on screen | ${fmt(appRate)} |`);
  console.log(`\nratio app / direct: ${fmt(ratio, 2)} (target ≥ 0.95)`);
} finally {
  await bench.close();
  report.finish({ rounds: ROUNDS, maxTokens: MAX_TOKENS, model: 'synthetic GGUF (test/support/make-synthetic-gguf.mjs)' });
}
