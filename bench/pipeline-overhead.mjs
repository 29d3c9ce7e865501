/**
 * node bench/pipeline-overhead.mjs: the translation pipeline's own overhead from the end of speech
 * (VAD) to the LLM request being sent, with recognition taken out: an instant scripted recogniser
 * and the scripted engine, so what is timed is our code between the two. Plain node through Vite's
 * runnerImport; figures are for reading, never asserted in tests.
 */
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { BenchReport } from './report.mjs';

const load = async (path) =>
  (await runnerImport(fileURLToPath(new URL(path, import.meta.url)), { configFile: false, logLevel: 'silent' })).module;
const { TranslationPipeline } = await load('../src/translate/pipeline.ts');
const { ScriptedEngine } = await load('../test/support/scripted-engine.ts');

const UTTERANCES = 50;
let requestAt = 0;
const engine = new ScriptedEngine(() => {
  requestAt = performance.now();
  return { tokens: ['Hola', ' a', ' todos.'] };
}).ready();
const pipeline = new TranslationPipeline(engine);
pipeline.to = 'es';
pipeline.recognizer = { transcribe: async () => ({ text: 'Hello everyone.', language: 'en' }) };
let listener;
await pipeline.start({ kind: 'microphone', start: async (l) => void (listener = l), stop: async () => {} });

const overheads = [];
for (let i = 0; i < UTTERANCES; i++) {
  listener.speechStart(0);
  const detectedAt = performance.now();
  requestAt = 0;
  listener.speechEnd({ id: i, startMs: 0, endMs: 1000, audio: new Float32Array(16000), detectedAt });
  while (!requestAt) await new Promise((resolve) => setImmediate(resolve));
  overheads.push(requestAt - detectedAt);
  while (pipeline.utterances.at(-1).status !== 'done') await new Promise((resolve) => setImmediate(resolve));
}
overheads.sort((a, b) => a - b);
const at = (q) => overheads[Math.min(overheads.length - 1, Math.floor(q * overheads.length))];
const report = new BenchReport('pipelineOverhead');
if (overheads.length !== UTTERANCES) report.problems.push(`timed ${overheads.length} utterances, not ${UTTERANCES}`);
const medianMs = report.figure('endOfSpeechToRequest.medianMs', at(0.5));
const p95Ms = report.figure('endOfSpeechToRequest.p95Ms', at(0.95));
const maxMs = report.figure('endOfSpeechToRequest.maxMs', overheads.at(-1));
const fmt = (n) => (Number.isFinite(n) ? `${n.toFixed(2)} ms` : String(n));
console.log(`\n| Pipeline overhead, end of speech → LLM request sent (${UTTERANCES} utterances) | median | p95 | max |`);
console.log('| --- | ---: | ---: | ---: |');
console.log(`| recognition excluded (instant scripted recogniser) | ${fmt(medianMs)} | ${fmt(p95Ms)} | ${fmt(maxMs)} |`);
console.log(`\ntarget: ≤ 30 ms`);
report.finish({ utterances: UTTERANCES });
