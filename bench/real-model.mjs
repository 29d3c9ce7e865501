/**
 * node bench/real-model.mjs: SmolLM2-135M-Instruct (the real test model: `npm run fetch-test-model`)
 * three ways, interleaved round by round in this one process, the same prompt, greedy, the same
 * thread count:
 *   - native llama.cpp (node-llama-cpp's prebuilt binary: bench/native-llama.mjs),
 *   - wllama called directly in Chromium (llama.cpp in WebAssembly, nothing of ours),
 *   - the whole app: CPU engine client → chat session → <aperto-chat> on screen.
 * Then the app's translator with this model: normalized erasure on the scripted stream of growing
 * recognition partials (bench/erasure-scenario.mjs), and chrF on 20 everyday sentences
 * (bench/translation-set.mjs) into Italian, French and Spanish. Figures are reported, never asserted;
 * bench/report.mjs refuses impossible ones.
 */
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { corpusChrF } from './chrf.mjs';
import { finalText, partials } from './erasure-scenario.mjs';
import { benchNativeLlama, browserDefaultThreads, DEFAULT_MAX_TOKENS, DEFAULT_PROMPT } from './native-llama.mjs';
import { BenchReport, interleave, median } from './report.mjs';
import { openBench } from './serve.mjs';
import { TRANSLATION_SET } from './translation-set.mjs';
import { TEST_MODEL, testModelPath, testModelPresent } from '../test/support/test-model.mjs';

const ROUNDS = 5;
const LANGUAGES = [
  ['it', 'Italian'],
  ['fr', 'French'],
  ['es', 'Spanish'],
];

if (!testModelPresent()) {
  console.error(`${TEST_MODEL.file} is not at ${testModelPath()}: run \`npm run fetch-test-model\` first.`);
  process.exit(1);
}

const report = new BenchReport('realModelSmolLM2');
/** What results.json keeps beside the figures: sample translations and the re-translations as they arrived. */
const extra = {};
const bench = await openBench();
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
try {
  const page = await bench.browser.newPage();
  await page.goto(`${bench.origin}/bench/real-model-bench.html`);
  await page.waitForFunction(() => typeof window.realApp === 'function');

  // The browser gives llama.cpp one thread per core but one (wllama-assets.ts); native gets the same.
  const threads = browserDefaultThreads();
  const check = (path) => (run) => {
    report.tokens(`${path} run`, { asked: DEFAULT_MAX_TOKENS, produced: run.tokens });
    if (run.threads !== threads) report.problems.push(`${path} ran on ${run.threads} threads, not ${threads}`);
    return run;
  };
  const runs = await interleave(ROUNDS, {
    native: async () => {
      const r = await benchNativeLlama({ threads, maxTokens: DEFAULT_MAX_TOKENS, prompt: DEFAULT_PROMPT });
      return check('native')({
        coldLoadMs: r.loadMs.cold,
        cachedLoadMs: r.loadMs.cached,
        promptTokens: r.promptTokens,
        tokens: r.completionTokens,
        prefillTokensPerSecond: r.prefillTokensPerSecond,
        decodeTokensPerSecond: r.decodeTokensPerSecond,
        threads: r.threads,
      });
    },
    wllama: async () => check('wllama')(await page.evaluate((p, n) => window.realDirect(p, n), DEFAULT_PROMPT, DEFAULT_MAX_TOKENS)),
    app: async () => check('app')(await page.evaluate((p, n) => window.realApp(p, n), DEFAULT_PROMPT, DEFAULT_MAX_TOKENS)),
  });

  const paths = [
    ['native', 'native llama.cpp (node-llama-cpp, x86-64)'],
    ['wllama', 'wllama called directly in Chromium (WebAssembly)'],
    ['app', 'whole app: CPU engine → chat session → <aperto-chat> on screen'],
  ];
  const figures = {};
  for (const [key] of paths) {
    const own = runs[key];
    figures[key] = {
      prefill: report.figure(`${key}.prefillTokensPerSecond`, median(own.map((r) => r.prefillTokensPerSecond))),
      decode: report.figure(`${key}.decodeTokensPerSecond`, median(own.map((r) => r.decodeTokensPerSecond))),
      cold: report.figure(`${key}.coldLoadMs`, median(own.map((r) => r.coldLoadMs))),
      cached: report.figure(`${key}.cachedLoadMs`, median(own.map((r) => r.cachedLoadMs))),
      promptTokens: own[0].promptTokens,
    };
  }
  const appOverWllama = report.ratio('decode.appOverWllama', figures.app.decode, figures.wllama.decode, [runs.app, runs.wllama]);
  const wllamaOverNative = report.ratio('decode.wllamaOverNative', figures.wllama.decode, figures.native.decode, [runs.wllama, runs.native]);
  const prefillWllamaOverNative = report.ratio('prefill.wllamaOverNative', figures.wllama.prefill, figures.native.prefill, [runs.wllama, runs.native]);

  console.log(
    `\n| SmolLM2-135M-Instruct Q4_1, "${DEFAULT_PROMPT}" (${figures.native.promptTokens} prompt tokens), ${DEFAULT_MAX_TOKENS} tokens, greedy, ${threads} thread(s), median of ${ROUNDS} interleaved | Prefill tok/s | Decode tok/s | Load, cold (ms) | Load, cached (ms) |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [key, label] of paths) {
    const f = figures[key];
    console.log(`| ${label} | ${fmt(f.prefill, 1)} | ${fmt(f.decode, 1)} | ${fmt(f.cold)} | ${fmt(f.cached)} |`);
  }
  console.log(`\nratio app ÷ wllama (decode): ${fmt(appOverWllama, 2)} (goal ≥ 0.97)`);
  console.log(`ratio wllama ÷ native: decode ${fmt(wllamaOverNative, 2)}, prefill ${fmt(prefillWllamaOverNative, 2)} (the cost of WebAssembly on this CPU)`);
  console.log(
    'Cold load: wllama and the app download the 98 MB file from the local hub (and the app checks its SHA-256); native reads it from disk (the OS cache, after the first round).',
  );

  // Erasure with the real model: the same recognition stream as bench/erasure.mjs, translated into
  // Spanish by the app's translator whenever the committed source grows, results in arrival order.
  const policyPath = fileURLToPath(new URL('../src/translate/commit-policy.ts', import.meta.url));
  const { module: policy } = await runnerImport(policyPath, { configFile: false, logLevel: 'silent' });
  const speech = new policy.LocalAgreement();
  const committer = new policy.TranslationCommitter();
  const arrivals = [];
  const translate = (source, to) => page.evaluate((s, t) => window.realTranslate(s, t), source, to);
  let committedSource = '';
  const requestTranslation = async (source, endOfSpeech = false) => {
    const seq = committer.request(source, { endOfSpeech });
    const text = await translate(source, 'es');
    arrivals.push(text);
    committer.apply(seq, text);
  };
  for (const partial of partials) {
    speech.update(partial);
    if (speech.committed !== committedSource) {
      committedSource = speech.committed;
      await requestTranslation(committedSource);
    }
  }
  speech.finalize(finalText);
  await requestTranslation(speech.committed, true);
  const rawErasure = report.figure('erasure.translationAsItArrives', policy.normalizedErasure(arrivals));
  const committedErasure = report.figure('erasure.translationCommitter', committer.erasure.normalized);
  console.log('\n| Utterance (scripted recognition, real translations) | Translations | Translation erasure: shown as it arrives | Translation erasure: TranslationCommitter |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| ${policy.captionTokens(finalText).length}-token English → Spanish, SmolLM2-135M | ${arrivals.length} | ${fmt(rawErasure, 3)} | ${fmt(committedErasure, 3)} |`);
  console.log(`committed translation: "${committer.committed}"`);
  console.log(`translations as they arrived: ${arrivals.map((text) => JSON.stringify(text)).join(' → ')}`);
  extra.erasureArrivals = arrivals;

  // chrF of the app's translator with this model on 20 sentences written for this project.
  console.log(`\n| chrF (0–100) of SmolLM2-135M through the app's translator, ${TRANSLATION_SET.length} sentences | chrF |`);
  console.log('| --- | ---: |');
  const samples = {};
  for (const [code, name] of LANGUAGES) {
    const hypotheses = [];
    for (const sentence of TRANSLATION_SET) hypotheses.push(await translate(sentence.en, code));
    const score = report.figure(`chrF.en-${code}`, corpusChrF(hypotheses, TRANSLATION_SET.map((sentence) => sentence[code])));
    samples[code] = hypotheses.slice(0, 3).map((hypothesis, i) => ({ source: TRANSLATION_SET[i].en, hypothesis, reference: TRANSLATION_SET[i][code] }));
    console.log(`| English → ${name} | ${fmt(score, 1)} |`);
  }
  for (const [code] of LANGUAGES) {
    for (const sample of samples[code]) console.log(`  ${code}: "${sample.source}" → "${sample.hypothesis}" (reference: "${sample.reference}")`);
  }
  extra.samples = samples;
} finally {
  await bench.close();
  report.finish({ rounds: ROUNDS, model: `${TEST_MODEL.file} (${TEST_MODEL.package} ${TEST_MODEL.version})`, prompt: DEFAULT_PROMPT, maxTokens: DEFAULT_MAX_TOKENS, ...extra });
}
