/**
 * node bench/erasure.mjs: normalized erasure of the captions for one scripted, realistic utterance,
 * with and without the commit policy. Runs in plain node (Vite's runnerImport compiles the
 * TypeScript module); no browser, no model. Figures are for reading, never asserted in tests.
 *
 * The stream imitates Whisper re-recognising the growing audio about once a second: a misheard
 * word that is corrected ("Thirsty" → "Thursday"), a word cut mid-way ("after" → "afternoon"), a
 * partial ending at a pause between sentences, an early comma that a re-decoding inserts and the
 * final text drops, and a final that adds the last words. Translations imitate a small LLM
 * re-translating the committed English into Spanish: a gender revised once the noun arrives, a
 * rewording, a literal guess for an unfinished clause, and one result that arrives late.
 */
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { finalText, partials } from './erasure-scenario.mjs';
import { BenchReport } from './report.mjs';

const policyPath = fileURLToPath(new URL('../src/translate/commit-policy.ts', import.meta.url));
const { module: policy } = await runnerImport(policyPath, { configFile: false, logLevel: 'silent' });
const { LocalAgreement, TranslationCommitter, captionTokens, normalizedErasure } = policy;

/** What the translator answers for each committed source text. */
const spanish = new Map([
  ['So the', 'Así que el'],
  ['So the meeting on', 'Así que la reunión del'],
  ['So the meeting on Thursday has been moved', 'Así que la reunión del jueves ha sido trasladada'],
  ['So the meeting on Thursday has been moved to Friday', 'Así que la reunión del jueves se ha trasladado al viernes'],
  ['So the meeting on Thursday has been moved to Friday afternoon.', 'Así que la reunión del jueves se ha trasladado al viernes por la tarde.'],
  [
    'So the meeting on Thursday has been moved to Friday afternoon. Could you let the',
    'Así que la reunión del jueves se ha trasladado al viernes por la tarde. ¿Podrías dejar que los',
  ],
  [
    'So the meeting on Thursday has been moved to Friday afternoon. Could you let the others know',
    'Así que la reunión del jueves se ha trasladado al viernes por la tarde. ¿Podrías avisar a los demás',
  ],
  [
    finalText,
    'Así que la reunión del jueves se ha trasladado al viernes por la tarde. ¿Podrías avisar a los demás antes del final del día?',
  ],
]);
/** This source's translation is slow: it arrives after the next one's. */
const lateSource = 'So the meeting on Thursday has been moved';

function translate(source) {
  const text = spanish.get(source);
  if (text === undefined) throw new Error(`The script has no translation for "${source}": add one.`);
  return text;
}

const speech = new LocalAgreement();
const translation = new TranslationCommitter();
const arrivals = []; // translation results in the order they arrive, as a caption without the policy would show them
let held; // the late result, waiting for the next one to overtake it

function deliver(seq, source) {
  const text = translate(source);
  arrivals.push(text);
  translation.apply(seq, text);
}

function requestTranslation(source, endOfSpeech = false) {
  const seq = translation.request(source, { endOfSpeech });
  if (source === lateSource) {
    held = { seq, source };
    return;
  }
  deliver(seq, source);
  if (held) {
    deliver(held.seq, held.source); // stale: the committer ignores it
    held = undefined;
  }
}

// Recognition: every partial, then the final.
let committedSource = '';
for (const partial of partials) {
  speech.update(partial);
  // Re-translate whenever the committed source grows.
  if (speech.committed !== committedSource) {
    committedSource = speech.committed;
    requestTranslation(committedSource);
  }
}
speech.finalize(finalText);
requestTranslation(speech.committed, true);

const report = new BenchReport('erasureScripted');
const raw = report.figure('recognition.rawPartials', normalizedErasure([...partials, finalText]));
const committedSpeech = report.figure('recognition.localAgreement2', speech.erasure.normalized);
const rawTranslation = report.figure('translation.asItArrives', normalizedErasure(arrivals));
const committedTranslation = report.figure('translation.translationCommitter', translation.erasure.normalized);
const fmt = (n) => (Number.isFinite(n) ? n.toFixed(3) : String(n));
console.log('\n| Utterance | Partials | Translations | Recognition erasure: raw partials | Recognition erasure: LocalAgreement-2 | Translation erasure: shown as it arrives | Translation erasure: TranslationCommitter |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(
  `| ${captionTokens(finalText).length}-token English → Spanish | ${partials.length} + final | ${arrivals.length} (1 late) | ${fmt(raw)} | ${fmt(committedSpeech)} | ${fmt(rawTranslation)} | ${fmt(committedTranslation)} |`,
);
console.log(`\ntarget ≤ 0.200 for both committed columns; committed translation: "${translation.committed}"`);
report.finish({ source: 'scripted recognition partials and scripted translations (no model)' });
