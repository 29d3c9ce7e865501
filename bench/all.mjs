/**
 * npm run bench: every bench, one after the other, each in its own process (a crash in one does
 * not hide the others' tables). Exits non-zero, naming them, when any bench failed or refused one
 * of its own figures (bench/report.mjs). Results: bench/results.json.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = [
  ['first visit: JavaScript and time until the message box (production build, cold cache)', 'first-visit.mjs'],
  ['chat rendering', 'chat.mjs'],
  ['CPU engine paths (synthetic model)', 'cpu.mjs'],
  ['erasure on screen (simulated: the real pipeline)', 'erasure.mjs'],
  ['translation latency (simulated: the real pipeline, modelled Whisper and LLM)', 'translation-latency.mjs'],
  ['real model: native llama.cpp / wllama / app, erasure, chrF (SmolLM2-135M)', 'real-model.mjs'],
];

const failed = [];
for (const [name, file] of BENCHES) {
  console.log(`\n## ${name} (bench/${file})`);
  const run = spawnSync(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], { stdio: 'inherit' });
  if (run.status !== 0) failed.push(`${name} (bench/${file}: exit ${run.status ?? run.signal})`);
}
if (failed.length) {
  console.error(`\nnpm run bench FAILED — invalid or crashed: ${failed.join('; ')}`);
  process.exit(1);
}
console.log('\nAll benches ran and every figure passed its checks; see bench/results.json.');
