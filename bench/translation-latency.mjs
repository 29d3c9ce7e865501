/**
 * node bench/translation-latency.mjs: how long after a person stops speaking the first translated
 * word appears, through the real translation pipeline, with Whisper and the LLM replaced by
 * stand-ins that take the time the model in bench/latency-model.mjs says they take.
 *
 * What is real: TranslationPipeline, Translator, the commit policy, the engine's reply queue and
 * store, and the audio path's own decisions: vad-web's frame processor (with the captions' tuning)
 * and our UtteranceTracker turn 32 ms frames into speech start, partials about once a second and
 * trimmed segments stamped with the last voiced frame. Only Silero's score per frame is scripted
 * (speech or silence, as the script says).
 *
 * Time is simulated (bench/virtual-clock.mjs): the minutes of speech run in about a second, and
 * every run gives the same figures. Nothing here is a measurement of a GPU; it is what the model
 * implies for the pipeline as it is now. The goal: real end of speech → first translated token on
 * screen ≤ 0.7 s (median).
 *
 * Per utterance it finds the first translated token on screen after the real end of speech (the
 * end of the last voiced frame): the first change of that utterance's caption made by a
 * translation of the whole utterance (a request, issued after the person stopped speaking, whose
 * source has the utterance's last word). A translation of the words heard so far, made during the
 * speech, was on screen before; what a listener waits for is the rest of it. Its wait is split along
 * the path that token took: the VAD deciding speech had ended, waiting for the recogniser (busy
 * with a partial), the final recognition, waiting for the LLM (busy with a partial translation of
 * the same sentence, or with another sentence), prefill, and the decoding steps until the caption
 * changed (a caption that keeps what it shows until the new translation passes it changes later
 * than the first token arrives). "Any translation" is the same for any request issued after the
 * end of speech, even one without the last words (a partial's, recognised during the silence).
 */
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { Gpu, MODEL, ModelledEngine, ModelledRecognizer, SpeechScript } from './latency-model.mjs';
import { BenchReport } from './report.mjs';
import { VirtualClock } from './virtual-clock.mjs';

const load = async (path) =>
  (await runnerImport(fileURLToPath(new URL(path, import.meta.url)), { configFile: false, logLevel: 'silent' })).module;
const { TranslationPipeline } = await load('../src/translate/pipeline.ts');
const { UtteranceTracker, trackFrameEvent } = await load('../src/translate/audio/utterance-tracker.ts');
const { CAPTION_VAD_TUNING, FRAME_SAMPLES, MS_PER_FRAME, PRE_SPEECH_PAD_FRAMES } = await load('../src/translate/audio/vad-tuning.ts');
const { safeListener } = await load('../src/translate/audio/safe-listener.ts');
const { ReplyQueue } = await load('../src/engine/reply-queue.ts');
const { EngineStore } = await load('../src/engine/store.ts');
const { FrameProcessor } = await import('@ricky0123/vad-web');

const GOAL_MS = 700;
const LENGTHS = [2, 5, 10, 20];
const ROUNDS = 8;
/** Silence between one utterance's last word and the next one's first (seconds): people in conversation. */
const PAUSES = [0.7, 1.2, 0.9, 1.6, 2.5];
const REDEMPTION_MS = Math.floor(CAPTION_VAD_TUNING.redemptionMs / MS_PER_FRAME) * MS_PER_FRAME;

/** Every utterance length in every round, the order turning round by round, with varied pauses. */
const plan = [];
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < LENGTHS.length; i++) {
    plan.push({ seconds: LENGTHS[(i + round) % LENGTHS.length], pauseBefore: PAUSES[plan.length % PAUSES.length] });
  }
}

/**
 * The microphone, simulated: a 32 ms frame of the session every 32 ms of simulated time, through
 * vad-web's frame processor and our tracker, as MicrophoneSource wires them.
 */
class SimulatedMicrophone {
  kind = 'microphone';
  /** Every segment it reported. */
  segments = [];

  constructor(clock, script) {
    this.clock = clock;
    this.script = script;
  }

  async start(listener) {
    const notify = safeListener(listener);
    const tracker = new UtteranceTracker(
      {
        ...notify,
        speechEnd: (segment) => {
          this.segments.push(segment);
          notify.speechEnd(segment);
        },
      },
      PRE_SPEECH_PAD_FRAMES,
    );
    const speaking = (frame) => this.script.speaking(((frame[0] + FRAME_SAMPLES / 2) / 16000));
    const model = async (frame) => (speaking(frame) ? { isSpeech: 0.95, notSpeech: 0.05 } : { isSpeech: 0.02, notSpeech: 0.98 });
    const frames = new FrameProcessor(model, () => undefined, CAPTION_VAD_TUNING, MS_PER_FRAME);
    frames.resume();
    const startedAt = this.clock.now;
    const total = Math.floor((this.script.durationSeconds * 16000) / FRAME_SAMPLES);
    const handle = (event) => trackFrameEvent(tracker, event);
    const next = (index) => {
      if (index >= total) return;
      // Frame `index` has been heard in full at the end of its 32 ms.
      this.clock.at(startedAt + (index + 1) * MS_PER_FRAME, () => {
        const frame = new Float32Array(FRAME_SAMPLES);
        for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = index * FRAME_SAMPLES + i;
        void frames.process(frame, handle).then(() => next(index + 1));
      });
    };
    this.origin = startedAt;
    next(0);
  }

  async stop() {}

  /** Simulated time (ms) of a moment of the session (seconds). */
  timeOf(seconds) {
    return this.origin + seconds * 1000;
  }
}

// ——— Run ———

const report = new BenchReport('translationLatency');
const clock = new VirtualClock().install();
const script = new SpeechScript(plan);
const gpu = new Gpu(clock, { shared: true });
/** Engine tokens and caption changes, in the order they happened. */
const timeline = [];
const recognizer = new ModelledRecognizer(clock, gpu, script);
const engine = new ModelledEngine({ ReplyQueue, EngineStore }, clock, gpu, script, timeline);
const pipeline = new TranslationPipeline(engine);
pipeline.from = 'en';
pipeline.to = 'es';
pipeline.recognizer = recognizer;

// What the captions show: every change of an utterance's translation, with the script utterance it belongs to.
const shown = new Map();
const owner = new Map();
pipeline.addEventListener('change', () => {
  for (const u of pipeline.utterances) {
    if (!owner.has(u.id)) {
      const word = script.wordsIn(u.source.committed + u.source.tail)[0];
      if (word) owner.set(u.id, word.utterance);
    }
    const text = u.translation.committed + u.translation.tail;
    if (shown.get(u.id) === text) continue;
    shown.set(u.id, text);
    if (text.trim()) timeline.push({ kind: 'screen', utterance: owner.get(u.id), pipelineId: u.id, at: clock.now });
  }
});

const microphone = new SimulatedMicrophone(clock, script);
const wallStart = process.hrtime.bigint();
await pipeline.start(microphone);
const endedAt = await clock.run();
clock.uninstall();
const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;

// ——— Measure ———

const WAITS = [
  ['pause', 'silence until the pause counts'],
  ['vad', 'VAD decision'],
  ['recogniserBusy', 'recogniser busy (partial)'],
  ['finalRecognitionGpuBusy', 'final recognition: GPU busy with the LLM'],
  ['finalRecognition', 'final recognition'],
  ['llmBusySameSentence', 'LLM busy: partial of this sentence'],
  ['llmBusyOtherSentence', 'LLM busy: other sentence'],
  ['prefill', 'prefill'],
  ['toScreen', 'first token → screen'],
  ['pipeline', 'pipeline (other)'],
];

/**
 * Add the time from `from` to `to` to `waits`, split between kinds of wait: each instant goes to the
 * first kind (in the order given) with an interval covering it, else to "pipeline". So every wait
 * is 0 or more, and together they grow by exactly `to − from`.
 */
function attribute(waits, from, to, kinds) {
  const points = [from, to, ...kinds.flatMap(([, intervals]) => intervals.flat())].filter((p) => p >= from && p <= to).sort((a, b) => a - b);
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    if (b <= a) continue;
    const middle = (a + b) / 2;
    const kind = kinds.find(([, intervals]) => intervals.some(([x, y]) => x <= middle && middle < y))?.[0] ?? 'pipeline';
    waits[kind] += b - a;
  }
}

/** The request whose token the caption change at timeline position `at` showed: the last token before it. */
function requestBehind(position) {
  for (let i = position - 1; i >= 0; i--) if (timeline[i].kind === 'token') return timeline[i].request;
  return undefined;
}

/** First caption change for utterance `index` showing a token of a request issued at/after `since` (and matching `accept`). */
function firstShown(index, since, accept = () => true) {
  for (let i = 0; i < timeline.length; i++) {
    const entry = timeline[i];
    if (entry.kind !== 'screen' || entry.utterance !== index || entry.at < since) continue;
    const request = requestBehind(i);
    if (request && request.utterance === index && request.issuedAt >= since && accept(request)) return { at: entry.at, request };
  }
  return undefined;
}

const segmentFor = (utterance) =>
  microphone.segments.find((s) => {
    const from = s.audio[0] / 16000;
    const to = s.audio.at(-1) / 16000;
    return from <= utterance.start && to >= utterance.end - 0.05;
  });

const measured = [];
const lost = [];
const notDone = [];
for (const utterance of script.utterances) {
  const segment = segmentFor(utterance);
  if (!segment) {
    report.problems.push(`utterance ${utterance.index} (${utterance.seconds} s) was not found whole in any segment: the simulated VAD cut it otherwise`);
    continue;
  }
  // The stamps must be where the script put the end of speech: within one frame, and the VAD's wait after it.
  const scriptedEnd = microphone.timeOf(utterance.end);
  // (A frame counts as speech when its middle is: the stamp is within half a frame of the script's.)
  if (!(Math.abs(segment.lastVoicedAt - scriptedEnd) <= MS_PER_FRAME / 2 + 1e-6)) {
    report.problems.push(`utterance ${utterance.index}: lastVoicedAt is ${(segment.lastVoicedAt - scriptedEnd).toFixed(1)} ms from the scripted end of speech`);
  }
  if (segment.detectedAt - segment.lastVoicedAt !== REDEMPTION_MS) {
    report.problems.push(`utterance ${utterance.index}: the VAD decided ${segment.detectedAt - segment.lastVoicedAt} ms after the last voiced frame, not ${REDEMPTION_MS}`);
  }
  const pipelineIds = [...owner].filter(([, index]) => index === utterance.index).map(([id]) => id);
  if (!pipelineIds.some((id) => pipeline.utterances.find((u) => u.id === id)?.status === 'done')) notDone.push(utterance);

  const t0 = segment.lastVoicedAt;
  const whole = firstShown(utterance.index, t0, (request) => request.coversLastWord);
  const any = firstShown(utterance.index, t0);
  if (!whole) {
    lost.push(utterance);
    continue;
  }
  const { request } = whole;
  const t1 = segment.detectedAt;
  const t2 = request.issuedAt;
  const t3 = request.startedAt;
  const t4 = request.firstTokenAt;
  const t5 = whole.at;
  // The recognition whose text the request translated: of the segment's audio (at the pause that
  // turned out to end the speech, or after the VAD's decision), the last one done before the request.
  const segmentEnd = (segment.audio.at(-1) + 1) / 16000;
  const finalCall = recognizer.calls.findLast(
    // (A long utterance's passes after its cut hear only the audio since.)
    (c) => c.calledAt >= t0 && c.outcome === 'done' && c.endedAt <= t2 && c.from >= segment.audio[0] / 16000 - 1e-6 && Math.abs(c.to - segmentEnd) < 1e-6,
  );
  const atPause = finalCall !== undefined && finalCall.calledAt < t1;
  const running = (which) =>
    engine.requests.filter((r) => r !== request && r.startedAt !== undefined && which(r)).map((r) => [r.startedAt, r.endedAt ?? t5]);
  const waits = Object.fromEntries(WAITS.map(([key]) => [key, 0]));
  // From the end of speech to the request's turn: the pause's silence (or the VAD's wait), the final
  // recognition if the pipeline waited for it, and whatever the engine was busy with meanwhile (the
  // pipeline's own queue waits for it too).
  const finalRun = finalCall?.startedAt !== undefined ? [finalCall.startedAt, finalCall.endedAt ?? t5] : undefined;
  // While the final recognition ran, the GPU took turns with the LLM (translations of partials).
  const llmStepsDuringFinal = finalRun && gpu.shared
    ? gpu.steps.filter((step) => step.user === 'llm' && step.end > finalRun[0] && step.start < finalRun[1]).map((step) => [Math.max(step.start, finalRun[0]), Math.min(step.end, finalRun[1])])
    : [];
  attribute(waits, t0, t3, [
    ['recogniserBusy', finalRun ? [[finalCall.calledAt, finalRun[0]]] : []],
    ['finalRecognitionGpuBusy', llmStepsDuringFinal],
    ['finalRecognition', finalRun ? [finalRun] : []],
    ['pause', atPause ? [[t0, finalCall.calledAt]] : []],
    ['vad', atPause ? [] : [[t0, t1]]],
    ['llmBusySameSentence', running((r) => r.utterance === utterance.index)],
    ['llmBusyOtherSentence', running((r) => r.utterance !== utterance.index)],
  ]);
  waits.prefill = t4 - t3;
  waits.toScreen = t5 - t4;
  const totalMs = t5 - t0;
  const parts = Object.values(waits).reduce((sum, ms) => sum + ms, 0);
  for (const [key, ms] of Object.entries(waits)) {
    if (!Number.isFinite(ms) || ms < -1e-6) report.problems.push(`utterance ${utterance.index}: the "${key}" wait is ${ms} ms`);
  }
  if (Math.abs(parts - totalMs) > 1e-6) report.problems.push(`utterance ${utterance.index}: its waits add up to ${parts} ms, not ${totalMs} ms`);
  measured.push({ utterance, totalMs, anyMs: any.at - t0, waits, request, finalCall, atPause, t: [t0, t1, t2, t3, t4, t5] });
}

// ——— Report ———

function percentile(values, q) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const fmtMs = (ms) => (Number.isFinite(ms) ? `${Math.round(ms)}` : '—');
const fmtShare = (share) => (Number.isFinite(share) ? `${(share * 100).toFixed(0)} %` : '—');

function summarise(key, rows) {
  const total = rows.reduce((sum, r) => sum + r.totalMs, 0);
  const shares = Object.fromEntries(WAITS.map(([wait]) => [wait, rows.reduce((sum, r) => sum + r.waits[wait], 0) / total]));
  const sum = Object.values(shares).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 0.005) report.problems.push(`${key}: the shares of the waits add up to ${(sum * 100).toFixed(2)} %, not 100 %`);
  const median = report.figure(`${key}.medianMs`, percentile(rows.map((r) => r.totalMs), 0.5));
  const p90 = report.figure(`${key}.p90Ms`, percentile(rows.map((r) => r.totalMs), 0.9));
  const anyMedian = report.figure(`${key}.anyTranslationMedianMs`, percentile(rows.map((r) => r.anyMs), 0.5));
  for (const [wait] of WAITS) report.figure(`${key}.share.${wait}`, shares[wait]);
  return { median, p90, anyMedian, shares, n: rows.length };
}

const rowsByLength = LENGTHS.map((seconds) => [seconds, measured.filter((m) => m.utterance.seconds === seconds)]);
const summaries = rowsByLength.map(([seconds, rows]) => [`${seconds} s`, summarise(`utterance${seconds}s`, rows)]);
const overall = summarise('all', measured);

console.log(
  `\nModel: ${MODEL.whisper.name} (encoder ${MODEL.whisper.encoderMsPerWindow} ms per 30 s window, ${MODEL.whisper.decoderMsPerToken} ms per token); ` +
    `${MODEL.llm.name} (prefill ${MODEL.llm.prefillTokensPerSecond} tok/s, decode ${MODEL.llm.decodeTokensPerSecond} tok/s, ${MODEL.llm.requestOverheadMs} ms per request); ` +
    `one GPU shared step by step; speech ${MODEL.speech.wordsPerSecond} words/s. Sources and assumptions: bench/latency-model.mjs.`,
);
console.log(
  `Simulated: ${script.utterances.length} utterances (${LENGTHS.join(', ')} s × ${ROUNDS}, pauses ${PAUSES.join('/')} s), ` +
    `${((endedAt - microphone.origin) / 1000).toFixed(0)} s of simulated time in ${(wallMs / 1000).toFixed(1)} s.`,
);
console.log(
  `\n| Real end of speech → first translated token of the whole sentence on screen (ms) | n | median | p90 | any translation: median | ${WAITS.map(([, label]) => `${label} (share)`).join(' | ')} |`,
);
console.log(`| --- | ---: | ---: | ---: | ---: | ${WAITS.map(() => '---:').join(' | ')} |`);
for (const [label, s] of [...summaries, ['all', overall]]) {
  console.log(
    `| ${label === 'all' ? '**all**' : `${label} utterances`} | ${s.n} | ${fmtMs(s.median)} | ${fmtMs(s.p90)} | ${fmtMs(s.anyMedian)} | ${WAITS.map(([wait]) => fmtShare(s.shares[wait])).join(' | ')} |`,
  );
}

if (process.argv.includes('--verbose')) {
  console.log('\nPer utterance (ms from the real end of speech): VAD decision, request issued, its turn, first token, on screen; prompt tokens; final recognition call');
  for (const m of measured) {
    const [t0, ...rest] = m.t;
    const call = m.finalCall
      ? `${m.atPause ? 'at the pause' : 'after the VAD'}, called +${fmtMs(m.finalCall.calledAt - t0)}, ran +${fmtMs(m.finalCall.startedAt - t0)}…+${fmtMs(m.finalCall.endedAt - t0)}${m.finalCall.knownWords ? `, ${m.finalCall.knownWords} words known` : ''}`
      : 'none';
    console.log(`#${m.utterance.index} ${m.utterance.seconds} s: ${rest.map((t) => `+${fmtMs(t - t0)}`).join(' ')}; prompt ${m.request.promptTokens} tokens; final recognition ${call}`);
  }
}

const appFigures = {};
for (const u of pipeline.utterances) {
  for (const [name, value] of Object.entries(u.figures ?? {})) if (typeof value === 'number' && name.endsWith('Ms')) (appFigures[name] ??= []).push(value);
}
console.log(
  `\nThe app's own figures for the same utterances (median): ${
    Object.entries(appFigures)
      .map(([name, values]) => `${name} ${fmtMs(percentile(values, 0.5))} ms`)
      .join(', ') || 'none'
  }.`,
);
console.log(
  `Sentences whose whole translation never reached the screen: ${lost.length}${lost.length ? ` (${lost.map((u) => `#${u.index}, ${u.seconds} s`).join('; ')})` : ''}. ` +
    `Sentences never marked done: ${notDone.length}${notDone.length ? ` (${notDone.map((u) => `#${u.index}`).join(', ')})` : ''}.`,
);
const meets = overall.median <= GOAL_MS;
console.log(`\nGoal: median ≤ ${GOAL_MS} ms from the real end of speech. This pipeline, in this model: ${fmtMs(overall.median)} ms — ${meets ? 'MEETS the goal' : 'does NOT meet the goal'}.`);

report.figure('goalMs', GOAL_MS);
report.figure('sentencesWithoutWholeTranslation', lost.length);
report.figure('sentencesNeverDone', notDone.length);
if (endedAt - microphone.origin < script.durationSeconds * 1000 - MS_PER_FRAME) report.problems.push('the simulated clock stopped before the speech did');
if (measured.length + lost.length !== script.utterances.length) report.problems.push(`${script.utterances.length - measured.length - lost.length} utterances could not be measured`);
report.finish({
  utterances: script.utterances.length,
  meetsGoal: meets,
  model: MODEL,
  plan: { lengthsSeconds: LENGTHS, rounds: ROUNDS, pausesSeconds: PAUSES },
});
