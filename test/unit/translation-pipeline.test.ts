/**
 * The audio path of the translation pipeline with a scripted recogniser (Whisper's weights cannot
 * be downloaded here) and the scripted engine: partial hypotheses → LocalAgreement-2 → translation
 * of the committed source → final recognition → final translation, with figures.
 */
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/engine/chat-engine.js';
import { TranslationPipeline, type RecognitionOptions, type Recognizer } from '../../src/translate/pipeline.js';
import { guessLanguage } from '../../src/translate/language-guess.js';
import type { SourceListener, SpeechSource } from '../../src/translate/types.js';
import { ScriptedEngine, tokensOf } from '../support/scripted-engine.js';
import { normalizedErasure } from '../../src/translate/commit-policy.js';

class ScriptedSource implements SpeechSource {
  readonly kind = 'microphone' as const;
  listener!: SourceListener;
  async start(listener: SourceListener) {
    this.listener = listener;
  }
  async stop() {}
}

/** Answers each transcription with the next scripted hypothesis (the last one is the final). */
function scriptedRecognizer(hypotheses: string[], fail?: Error): Recognizer & { calls: number } {
  const recognizer = {
    calls: 0,
    async transcribe() {
      const text = hypotheses[Math.min(recognizer.calls, hypotheses.length - 1)];
      recognizer.calls++;
      if (fail && recognizer.calls === hypotheses.length) throw fail;
      return { text, language: 'en' };
    },
  };
  return recognizer;
}

interface RecognitionCall {
  seconds: number;
  options: string | RecognitionOptions | undefined;
}

/** A recogniser answering each call as `answer` says (possibly after a while), recording how it was asked. */
function recognizerBy(
  answer: (call: RecognitionCall, index: number) => { text: string; language?: string; afterMs?: number },
): Recognizer & { calls: RecognitionCall[] } {
  const calls: RecognitionCall[] = [];
  return {
    calls,
    async transcribe(audio, options) {
      const call = { seconds: audio.length / 16000, options };
      calls.push(call);
      const { afterMs, ...result } = answer(call, calls.length - 1);
      if (afterMs) await new Promise((resolve) => setTimeout(resolve, afterMs));
      const signal = typeof options === 'object' ? options.signal : undefined;
      if (signal?.aborted) throw new DOMException('Transcription stopped', 'AbortError');
      return result;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const segment = (seconds: number, lastVoicedAgoMs = 0) => {
  const detectedAt = performance.now();
  return { id: 1, startMs: 0, endMs: seconds * 1000, audio: new Float32Array(16000 * seconds), detectedAt, lastVoicedAt: detectedAt - lastVoicedAgoMs };
};

/** Speech begins, and its growing audio is heard at these lengths (seconds), one partial each. */
async function startSpeaking(source: ScriptedSource, seconds: readonly number[], segmentId = 1) {
  source.listener.speechStart?.(0);
  for (const length of seconds) {
    source.listener.partialAudio?.(new Float32Array(16000 * length), segmentId);
    await settle();
  }
}

/** Partials of 1, 2, … s, then the end of speech a second after the last: the final recognition has the last words. */
async function speak(source: ScriptedSource, partials: number) {
  source.listener.speechStart?.(0);
  for (let i = 0; i < partials; i++) {
    source.listener.partialAudio?.(new Float32Array(16000 * (i + 1)), 1);
    await settle();
  }
  source.listener.speechEnd?.(segment(Math.max(3, partials + 1)));
  await settle();
  await settle();
}

/** The text a translation request asks to translate (between the prompt's <text> tags). */
function sourceOf(request: ChatRequest): string {
  const ask = request.messages.at(-1)!.content;
  if (!ask.includes('</text>')) return ask;
  return ask.slice(ask.lastIndexOf('<text>') + '<text>'.length, ask.lastIndexOf('</text>'));
}

describe('translation pipeline, audio path', () => {
  it('commits the agreed prefix of partials, translates it, and finishes with the final recognition', async () => {
    const engine = new ScriptedEngine((req) => ({ tokens: [`[it] ${sourceOf(req)}`] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.to = 'it';
    pipeline.recognizer = scriptedRecognizer(['I want', 'I want to go', 'I want to go home', 'I want to go home.']);
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 3);

    const [utterance] = pipeline.utterances;
    expect(utterance.source).toEqual({ committed: 'I want to go home.', tail: '' });
    expect(utterance.status).toBe('done');
    expect(utterance.translation.committed + utterance.translation.tail).toBe('[it] I want to go home.');
    expect(engine.requests.map(sourceOf)).toEqual(['I want', 'I want to go', 'I want to go home.']);
    expect(utterance.figures.speechEndToFinalMs).toBeGreaterThanOrEqual(0);
    expect(utterance.figures.finalToCompleteMs).toBeGreaterThanOrEqual(0);
    expect(utterance.figures.translationErasure).toBeLessThanOrEqual(0.2);
  });

  it('never shrinks the translation caption while re-translations stream in, and reports the erasure seen on it', async () => {
    // Each re-translation streams word by word from its first word, as a model does.
    const engine = new ScriptedEngine((req) => ({ tokens: `[it] ${sourceOf(req)}`.split(/(?= )/) })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.to = 'it';
    pipeline.recognizer = scriptedRecognizer([
      'I want', 'I want to go', 'I want to go home', 'I want to go home now', 'I want to go home now please', 'I want to go home now please.',
    ]);
    const screen: string[] = [];
    pipeline.addEventListener('change', () => {
      const caption = pipeline.utterances[0]?.translation;
      const text = caption ? caption.committed + caption.tail : '';
      if (text !== screen.at(-1)) screen.push(text);
    });
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 5);

    const [utterance] = pipeline.utterances;
    expect(utterance.status).toBe('done');
    expect(screen.at(-1)).toBe('[it] I want to go home now please.');
    // Every caption shown goes on from the one before it: no tail cut back and written again.
    expect(screen.every((text, i) => i === 0 || text.startsWith(screen[i - 1])), screen.join(' | ')).toBe(true);
    expect(utterance.figures.translationErasure).toBe(normalizedErasure(screen));
  });

  it('keeps the recognised text and says so when no model is loaded', async () => {
    const pipeline = new TranslationPipeline(new ScriptedEngine());
    pipeline.recognizer = scriptedRecognizer(['Hello there']);
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 0);

    const [utterance] = pipeline.utterances;
    expect(utterance.source.committed).toBe('Hello there');
    expect(utterance.status).toBe('error');
    expect(utterance.error).toContain('No model is loaded');
  });

  it('reports a recognition failure at the end of speech on the utterance, keeping earlier captions', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['ok'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.recognizer = scriptedRecognizer(['first', 'first words'], Object.assign(new Error('Speech recognition failed on this utterance.'), { hint: 'Try speaking again.' }));
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 1);

    const [utterance] = pipeline.utterances;
    expect(utterance.status).toBe('error');
    expect(utterance.error).toBe('Speech recognition failed on this utterance. Try speaking again.');
  });

  it('drops an utterance in which nothing was recognised', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['x'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.recognizer = scriptedRecognizer(['']);
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 0);

    expect(pipeline.utterances).toEqual([]);
    expect(engine.requests).toEqual([]);
  });
});

describe('translation pipeline, one sentence after another', () => {
  it('finishes the first sentence, with its figures, although the second one’s partials arrive while its translation streams', async () => {
    const first = 'Uno due tre quattro cinque sei sette otto nove dieci.';
    const engine = new ScriptedEngine((req) =>
      sourceOf(req).startsWith('One') ? { tokens: tokensOf(first), tokensPerSecond: 40 } : { tokens: tokensOf(`[it] ${sourceOf(req)}`) },
    ).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.to = 'it';
    // The first sentence is short (no partial); the second grows over three partials.
    const script = ['One two three four five six seven eight nine ten.', 'Where is', 'Where is the', 'Where is the station', 'Where is the station.'];
    pipeline.recognizer = recognizerBy((_call, index) => ({ text: script[index], language: 'en' }));
    const source = new ScriptedSource();
    await pipeline.start(source);

    source.listener.speechStart?.(0);
    source.listener.speechEnd?.(segment(3));
    await until(() => engine.store.state.status === 'generating', 'the first sentence’s translation to stream');
    await startSpeaking(source, [1, 2, 3], 2);
    expect(engine.store.state.status, 'the first translation was still streaming').toBe('generating');
    await until(() => pipeline.utterances[0].status !== 'translating', 'the first sentence to finish');
    await settle();
    source.listener.speechEnd?.(segment(4));
    await until(() => pipeline.utterances.every((u) => u.status !== 'translating' && u.status !== 'listening'), 'both sentences to finish', 10_000);

    const [one, two] = pipeline.utterances;
    expect(one.status).toBe('done');
    expect(one.translation).toEqual({ committed: first, tail: '' });
    expect(one.figures.speechEndToFirstTokenMs).toBeGreaterThan(0);
    expect(one.figures.finalToCompleteMs).toBeGreaterThan(0);
    expect(two.status).toBe('done');
    expect(two.translation.committed).toBe('[it] Where is the station.');
    // The second sentence's partial translations waited their turn, and only the newest of them was
    // still waiting when the engine was free: it reached the model, the older one never did.
    expect(engine.requests.map(sourceOf)).toEqual([script[0], 'Where is the', 'Where is the station.']);
    expect(two.figures.speechEndToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });
});

/** An English → Italian pipeline whose recogniser answers `script` in turn, each after its delay in ms. */
async function italianPipeline(script: string[], delaysMs: number[]) {
  const engine = new ScriptedEngine((req) => ({ tokens: [`[it] ${sourceOf(req)}`] })).ready();
  const pipeline = new TranslationPipeline(engine);
  pipeline.to = 'it';
  pipeline.recognizer = recognizerBy((_call, index) => ({ text: script[index], language: 'en', afterMs: delaysMs[index] ?? 0 }));
  const source = new ScriptedSource();
  await pipeline.start(source);
  return { engine, pipeline, source };
}

describe('translation pipeline, end of speech', () => {
  it('translates what the partials heard as soon as the person stops, and keeps it when the final recognition agrees', async () => {
    // The final pass takes 300 ms.
    const { engine, pipeline, source } = await italianPipeline(['Good morning', 'Good morning to all', 'Good morning to all.'], [0, 0, 300]);

    await startSpeaking(source, [1, 2]);
    // The second partial's audio held all of the speech.
    source.listener.speechEnd?.(segment(2));
    await until(() => pipeline.utterances[0].translation.tail.includes('to all'), 'the translation of what was heard');
    const sourceShown = pipeline.utterances[0].source;
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    expect(sourceShown, 'the final recognition had not arrived yet').toEqual({ committed: 'Good morning', tail: ' to all' });
    const [utterance] = pipeline.utterances;
    expect(utterance.source.committed).toBe('Good morning to all.');
    expect(utterance.translation).toEqual({ committed: '[it] Good morning to all', tail: '' });
    expect(engine.requests.map(sourceOf)).toEqual(['Good morning', 'Good morning to all']);
    // The first translated token was on screen before the final recognition (about 300 ms) arrived.
    expect(utterance.figures.speechEndToFirstTokenMs).toBeLessThan(utterance.figures.speechEndToFinalMs!);
    expect(utterance.figures.finalToFirstTokenMs).toBe(0);
  });

  it('translates again from the final text when the final recognition has other words', async () => {
    const { engine, pipeline, source } = await italianPipeline(['Good morning', 'Good morning to all', 'Good morning to you all.'], [0, 0, 100]);

    await startSpeaking(source, [1, 2]);
    source.listener.speechEnd?.(segment(2));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    const [utterance] = pipeline.utterances;
    expect(utterance.translation).toEqual({ committed: '[it] Good morning to you all.', tail: '' });
    expect(engine.requests.map(sourceOf)).toEqual(['Good morning', 'Good morning to all', 'Good morning to you all.']);
    expect(utterance.figures.speechEndToFirstTokenMs).toBeGreaterThanOrEqual(utterance.figures.speechEndToFinalMs!);
  });

  it('waits for the final recognition when the partials did not hear the last words', async () => {
    const { engine, pipeline, source } = await italianPipeline(['Good morning', 'Good morning to all', 'Good morning to all of you.'], [0, 0, 100]);

    // Partials of 1 and 2 s; the speech went on for a third second.
    await speak(source, 2);
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    expect(pipeline.utterances[0].translation).toEqual({ committed: '[it] Good morning to all of you.', tail: '' });
    // Nothing was translated between the end of speech and the final recognition.
    expect(engine.requests.map(sourceOf)).toEqual(['Good morning', 'Good morning to all of you.']);
    const { figures } = pipeline.utterances[0];
    expect(figures.speechEndToFirstTokenMs).toBeGreaterThanOrEqual(figures.speechEndToFinalMs!);
  });

  it('translates a partial taken in the silence that ended the speech, instead of stopping it', async () => {
    // The second partial is still being recognised when the speech ends; the final pass takes 300 ms.
    const { engine, pipeline, source } = await italianPipeline(['Good morning', 'Good morning to all', 'Good morning to all.'], [0, 100, 300]);

    source.listener.speechStart?.(0);
    source.listener.partialAudio?.(new Float32Array(16000), 1);
    await settle();
    source.listener.partialAudio?.(new Float32Array(32000), 1);
    source.listener.speechEnd?.(segment(2));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    const [utterance] = pipeline.utterances;
    expect(engine.requests.map(sourceOf)).toEqual(['Good morning to all']);
    expect(utterance.translation).toEqual({ committed: '[it] Good morning to all', tail: '' });
    expect(utterance.figures.speechEndToFirstTokenMs).toBeLessThan(utterance.figures.speechEndToFinalMs!);
  });

  it('measures every figure from the last voiced frame, not from when voice detection noticed the silence', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['Ciao.'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.recognizer = scriptedRecognizer(['Hello.']);
    const source = new ScriptedSource();
    await pipeline.start(source);

    source.listener.speechStart?.(0);
    // The person went quiet 400 ms before the VAD decided the speech had ended.
    source.listener.speechEnd?.(segment(2, 400));
    await until(() => pipeline.utterances[0]?.status === 'done', 'the translation');

    const { figures } = pipeline.utterances[0];
    expect(figures.speechEndToFinalMs).toBeGreaterThanOrEqual(400);
    expect(figures.speechEndToFirstTokenMs).toBeGreaterThanOrEqual(400);
    expect(figures.speechEndToFirstTokenMs).toBeGreaterThanOrEqual(figures.speechEndToFinalMs!);
    expect(figures.speechEndToCompleteMs).toBeGreaterThanOrEqual(figures.speechEndToFirstTokenMs!);
    expect(figures.finalToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('stops a partial recognition still running when the speech ends, so the final one need not wait for it', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['Ciao.'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.recognizer = recognizerBy((call) => (call.seconds < 3 ? { text: 'Hello', language: 'en', afterMs: 500 } : { text: 'Hello there.', language: 'en' }));
    const source = new ScriptedSource();
    await pipeline.start(source);

    source.listener.speechStart?.(0);
    source.listener.partialAudio?.(new Float32Array(16000), 1);
    await settle();
    source.listener.speechEnd?.(segment(3));
    await until(() => pipeline.utterances[0]?.status === 'done', 'the translation');

    const partial = pipeline.recognizer as ReturnType<typeof recognizerBy>;
    const options = partial.calls[0].options;
    expect(typeof options === 'object' && options.signal?.aborted, 'the partial pass was told to stop').toBe(true);
    expect(pipeline.utterances[0].source.committed).toBe('Hello there.');
  });
});

/** Audio whose samples say which stretch it is (so a pause's audio and a segment's can be told apart). */
const audioOf = (seconds: number, mark = 1) => new Float32Array(16000 * seconds).fill(mark);
const segmentOf = (audio: Float32Array, lastVoicedAgoMs: number) => {
  const detectedAt = performance.now();
  return { id: 1, startMs: 0, endMs: (audio.length / 16000) * 1000, audio, detectedAt, lastVoicedAt: detectedAt - lastVoicedAgoMs };
};

describe('translation pipeline, a pause before voice detection decides', () => {
  it('recognises and translates the pause at once, and takes that recognition as the final one when the speech ends there', async () => {
    const { engine, pipeline, source } = await italianPipeline(['Good morning to all.'], []);
    const recognizer = pipeline.recognizer as ReturnType<typeof recognizerBy>;

    source.listener.speechStart?.(0);
    const audio = audioOf(2);
    source.listener.pause?.(audio, 1, new AbortController().signal);
    await until(() => pipeline.utterances[0].translation.tail.includes('Good morning'), 'the translation of the pause');
    // Voice detection decides 256 ms after the pause: the translation was already on screen.
    const shownBeforeTheDecision = pipeline.utterances[0].status;
    source.listener.speechEnd?.(segmentOf(audio.slice(), 384));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    expect(shownBeforeTheDecision).toBe('listening');
    expect(recognizer.calls, 'one recognition of that audio, not a second final pass').toHaveLength(1);
    expect(engine.requests.map(sourceOf)).toEqual(['Good morning to all.']);
    const [utterance] = pipeline.utterances;
    expect(utterance.translation).toEqual({ committed: '[it] Good morning to all.', tail: '' });
    // Figures still start at the last voiced frame, and the final text arrived before the decision.
    expect(utterance.figures.speechEndToFinalMs).toBeLessThan(384);
    expect(utterance.figures.speechEndToFirstTokenMs).toBeLessThan(384);
  });

  it('stops the pause’s recognition and translation when speech resumes, and ends with the final recognition', async () => {
    const { engine, pipeline, source } = await italianPipeline(['Good morning', 'Good morning to all of you.'], [0, 0]);
    const recognizer = pipeline.recognizer as ReturnType<typeof recognizerBy>;
    engine.script = (req) => ({ tokens: [`[it] ${sourceOf(req)}`], delayMs: 200 });

    source.listener.speechStart?.(0);
    const resumed = new AbortController();
    source.listener.pause?.(audioOf(1), 1, resumed.signal);
    await until(() => engine.requests.length === 1, 'the translation of the pause');
    resumed.abort();
    source.listener.speechEnd?.(segmentOf(audioOf(3, 2), 384));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    expect(recognizer.calls, 'the pause, then the final pass of the whole segment').toHaveLength(2);
    expect(engine.requests.map(sourceOf)).toEqual(['Good morning', 'Good morning to all of you.']);
    expect(pipeline.utterances[0].translation).toEqual({ committed: '[it] Good morning to all of you.', tail: '' });
  });

  it('does not recognise a partial that comes during the pause: the pause’s pass heard it all', async () => {
    const { engine, pipeline, source } = await italianPipeline(['Good morning to all.'], []);
    const recognizer = pipeline.recognizer as ReturnType<typeof recognizerBy>;

    source.listener.speechStart?.(0);
    const audio = audioOf(2);
    source.listener.pause?.(audio, 1, new AbortController().signal);
    await settle();
    source.listener.partialAudio?.(audioOf(2.1), 1);
    await settle();
    source.listener.speechEnd?.(segmentOf(audio.slice(), 384));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    expect(recognizer.calls).toHaveLength(1);
    expect(engine.requests.map(sourceOf)).toEqual(['Good morning to all.']);
  });

  it('recognises the segment again when its audio is not what the pause heard', async () => {
    const { pipeline, source } = await italianPipeline(['Good morning', 'Good morning to all.'], [0, 0]);
    const recognizer = pipeline.recognizer as ReturnType<typeof recognizerBy>;

    source.listener.speechStart?.(0);
    source.listener.pause?.(audioOf(1), 1, new AbortController().signal);
    await settle();
    source.listener.speechEnd?.(segmentOf(audioOf(1, 2), 384));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    expect(recognizer.calls).toHaveLength(2);
    expect(pipeline.utterances[0].translation.committed).toBe('[it] Good morning to all.');
  });

  it('finishes the sentence when the segment differs from the pause’s audio but says the same words', async () => {
    const { engine, pipeline, source } = await italianPipeline(['Good morning.', 'Good morning.'], [0, 0]);
    engine.script = (req) => ({ tokens: [`[it] ${sourceOf(req)}`], delayMs: 200 });

    source.listener.speechStart?.(0);
    source.listener.pause?.(audioOf(1), 1, new AbortController().signal);
    await until(() => engine.requests.length === 1, 'the translation of the pause');
    source.listener.speechEnd?.(segmentOf(audioOf(1, 2), 384));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    expect(pipeline.utterances[0].translation.committed).toBe('[it] Good morning.');
  });

  it('waits with the pause’s translation while an earlier sentence’s is still to finish, so they stay in order', async () => {
    const engine = new ScriptedEngine((req) => ({ tokens: [`[it] ${sourceOf(req)}`], delayMs: 100 })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.to = 'it';
    pipeline.recognizer = recognizerBy((call) => ({ text: call.seconds === 2 ? 'First one.' : 'Second one.', language: 'en' }));
    const source = new ScriptedSource();
    await pipeline.start(source);

    source.listener.speechStart?.(0);
    source.listener.speechEnd?.(segmentOf(audioOf(2), 384));
    source.listener.speechStart?.(0);
    source.listener.pause?.(audioOf(1), 1, new AbortController().signal);
    await settle();
    const second = audioOf(1);
    source.listener.speechEnd?.(segmentOf(second, 384));
    await until(() => pipeline.utterances.every((u) => u.status === 'done'), 'both sentences');

    expect(engine.requests.map(sourceOf)).toEqual(['First one.', 'Second one.']);
    // The second was translated with the first as its context.
    expect(engine.requests[1].messages.map((m) => m.content).join(' ')).toContain('[it] First one.');
  });
});

describe('translation pipeline, what the recogniser need not decode again', () => {
  it('hands the words already agreed on to the recogniser, so only the rest is decoded', async () => {
    const { pipeline, source } = await italianPipeline(['Good morning', 'Good morning to', 'Good morning to all.'], []);
    pipeline.from = 'en';
    const recognizer = pipeline.recognizer as ReturnType<typeof recognizerBy>;

    await startSpeaking(source, [1, 2]);
    source.listener.speechEnd?.(segment(3));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    const known = recognizer.calls.map((call) => (typeof call.options === 'object' ? call.options.known : undefined));
    // Two partials must agree before a word counts as agreed: the final pass is the first to start from them.
    expect(known).toEqual([undefined, undefined, 'Good morning']);
  });

  it('with From not set, in the language the utterance was heard in so far', async () => {
    const { pipeline, source } = await italianPipeline(['Good morning', 'Good morning to', 'Good morning to all.'], []);
    const recognizer = pipeline.recognizer as ReturnType<typeof recognizerBy>;

    await startSpeaking(source, [1, 2]);
    source.listener.speechEnd?.(segment(3));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    const asked = recognizer.calls.map((call) => (typeof call.options === 'object' ? { language: call.options.language, known: call.options.known } : {}));
    // Detected at first; once words are agreed on, in the language they were heard in.
    expect(asked).toEqual([{}, {}, { language: 'en', known: 'Good morning' }]);
  });

  it('never in conversation mode, where the language is detected', async () => {
    const { pipeline, source } = await italianPipeline(['Good morning', 'Good morning to', 'Good morning to all.'], []);
    pipeline.conversation = { a: 'en', b: 'it' };
    const recognizer = pipeline.recognizer as ReturnType<typeof recognizerBy>;

    await startSpeaking(source, [1, 2]);
    source.listener.speechEnd?.(segment(3));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    expect(recognizer.calls.every((call) => typeof call.options === 'object' && call.options.known === undefined)).toBe(true);
  });
});

describe('translation pipeline, a long utterance cut at a sentence end', () => {
  it('hears only the audio after a pause that followed a finished sentence 20 s in, with the text before as the prompt', async () => {
    const before = 'We met on a long walk through the hills and talked about everything.';
    const engine = new ScriptedEngine((req) => ({ tokens: [`[it] ${sourceOf(req)}`] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.from = 'en';
    pipeline.to = 'it';
    pipeline.recognizer = recognizerBy((call) => {
      if (call.seconds >= 21) return { text: before, language: 'en' };
      return { text: call.seconds < 3 ? 'Then we' : 'Then we went home.', language: 'en' };
    });
    const source = new ScriptedSource();
    await pipeline.start(source);

    source.listener.speechStart?.(0);
    const resumed = new AbortController();
    source.listener.pause?.(audioOf(21), 1, resumed.signal);
    resumed.abort();
    await settle();
    source.listener.partialAudio?.(audioOf(23), 1);
    await settle();
    source.listener.speechEnd?.(segmentOf(audioOf(25), 384));
    await until(() => pipeline.utterances[0]?.status === 'done', 'the end of the utterance');

    const calls = (pipeline.recognizer as ReturnType<typeof recognizerBy>).calls;
    expect(calls.map((call) => call.seconds)).toEqual([21, 2, 4]);
    expect(calls.slice(1).every((call) => typeof call.options === 'object' && call.options.prompt === before)).toBe(true);
    expect(pipeline.utterances[0].source.committed).toBe(`${before} Then we went home.`);
  });

  it('is not cut before 20 s, nor where no sentence has ended', async () => {
    const { pipeline, source } = await italianPipeline(['One two three four', 'One two three four five six'], []);
    const recognizer = pipeline.recognizer as ReturnType<typeof recognizerBy>;

    source.listener.speechStart?.(0);
    const resumed = new AbortController();
    source.listener.pause?.(audioOf(22), 1, resumed.signal);
    resumed.abort();
    await settle();
    source.listener.speechEnd?.(segmentOf(audioOf(25), 384));
    await until(() => pipeline.utterances[0]?.status === 'done', 'the end of the utterance');

    expect(recognizer.calls.map((call) => call.seconds)).toEqual([22, 25]);
  });
});

describe('translation pipeline, a long utterance sentence by sentence', () => {
  const first = 'The meeting has been moved to Friday.';
  it('settles a finished sentence, then translates only what follows it, with the settled pair as context', async () => {
    const partials = [first, `${first} Could you`, `${first} Could you tell the others`, `${first} Could you tell the others?`];
    const { engine, pipeline, source } = await italianPipeline(partials, []);

    await startSpeaking(source, [1, 2, 3]);
    source.listener.speechEnd?.(segment(4));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    const asked = engine.requests.map(sourceOf);
    expect(asked).toContain(first);
    // The end of speech asked for the last sentence alone, the settled one as the pair before it.
    const last = engine.requests.at(-1)!;
    expect(sourceOf(last)).toBe('Could you tell the others?');
    expect(last.messages.at(-2)).toEqual({ role: 'assistant', content: `[it] ${first}` });
    expect(pipeline.utterances[0].translation).toEqual({ committed: `[it] ${first} [it] Could you tell the others?`, tail: '' });
    expect(pipeline.utterances[0].source.committed).toBe(`${first} Could you tell the others?`);
  });

  it('translates the whole utterance again when the final recognition heard the settled sentence otherwise', async () => {
    const partials = [first, `${first} Could you`, `${first} Could you tell`, 'The meeting was moved to Friday. Could you tell them?'];
    const { engine, pipeline, source } = await italianPipeline(partials, []);

    await startSpeaking(source, [1, 2, 3]);
    source.listener.speechEnd?.(segment(4));
    await until(() => pipeline.utterances[0].status === 'done', 'the end of the sentence');

    expect(sourceOf(engine.requests.at(-1)!)).toBe('The meeting was moved to Friday. Could you tell them?');
    expect(pipeline.utterances[0].translation.committed).toBe('[it] The meeting was moved to Friday. Could you tell them?');
  });
});

describe('translation pipeline, conversation mode', () => {
  it('translates each utterance into the other person’s language, by the language it was spoken in', async () => {
    const engine = new ScriptedEngine((req) => ({ tokens: [req.messages.at(-1)!.content] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.conversation = { a: 'en', b: 'it' };
    const spoken = ['Where is the station?', 'Dov’è la stazione?'];
    const languages = ['en', 'it'];
    let call = 0;
    pipeline.recognizer = {
      async transcribe() {
        return { text: spoken[Math.floor(call / 1)], language: languages[call++] };
      },
    };
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 0);
    await speak(source, 0);

    expect(pipeline.utterances.map((u) => [u.sourceLanguage, u.targetLanguage])).toEqual([
      ['en', 'it'],
      ['it', 'en'],
    ]);
    expect(engine.requests[0].messages.at(-1)!.content).toContain('into Italian');
    expect(engine.requests[1].messages.at(-1)!.content).toContain('into English');
  });

  it('never forces From’s language on the recogniser, and sends the other person’s partials their way too', async () => {
    const engine = new ScriptedEngine((req) => ({ tokens: [`[${/into (\w+)/.exec(req.messages.at(-1)!.content)![1]}] ${sourceOf(req)}`] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.from = 'en';
    pipeline.to = 'it';
    pipeline.conversation = { a: 'en', b: 'it' };
    // The Italian speaker: what Whisper hears when it is free to detect the language.
    const heard = ['Dove', 'Dove è la', 'Dove è la stazione', 'Dove è la stazione?'];
    pipeline.recognizer = recognizerBy((_call, index) => ({ text: heard[index], language: 'it' }));
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 3);

    const recognizer = pipeline.recognizer as ReturnType<typeof recognizerBy>;
    for (const { options } of recognizer.calls) {
      expect(typeof options === 'string' ? options : options?.language, 'no language forced').toBeUndefined();
      expect(typeof options === 'object' && options.languages).toEqual(['en', 'it']);
    }
    const [utterance] = pipeline.utterances;
    expect([utterance.sourceLanguage, utterance.targetLanguage]).toEqual(['it', 'en']);
    expect(utterance.translation.committed).toBe('[English] Dove è la stazione?');
    expect(engine.requests.length).toBeGreaterThan(1);
    expect(engine.requests.map((r) => /into (\w+)/.exec(r.messages.at(-1)!.content)![1])).toEqual(engine.requests.map(() => 'English'));
  });

  it('chooses between the two languages by the words, partials included, when the recogniser reports none', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['ok'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.from = 'en';
    pipeline.conversation = { a: 'en', b: 'es' };
    const heard = ['¿Dónde está', '¿Dónde está la', '¿Dónde está la estación', '¿Dónde está la estación?'];
    pipeline.recognizer = recognizerBy((_call, index) => ({ text: heard[index] }));
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 3);

    expect([pipeline.utterances[0].sourceLanguage, pipeline.utterances[0].targetLanguage]).toEqual(['es', 'en']);
    expect(engine.requests.length).toBeGreaterThan(1);
    for (const request of engine.requests) expect(request.messages.at(-1)!.content).toContain('from Spanish into English.');
  });

  it('sends typed text the other way when the second person types it', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['ok'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.conversation = { a: 'en', b: 'ja' };
    let listener!: SourceListener;
    await pipeline.start({ kind: 'text', start: async (l) => void (listener = l), stop: async () => {} });

    listener.text?.({ text: 'こんにちは', final: true, language: 'ja', detectedAt: performance.now() });
    await settle();

    expect(pipeline.utterances[0].targetLanguage).toBe('en');
    expect(engine.requests[0].messages.at(-1)!.content).toContain('from Japanese into English.');
    expect(sourceOf(engine.requests[0])).toBe('こんにちは');
  });
});

describe('translation pipeline, read-aloud', () => {
  it('does not translate its own voice heard through the microphone while reading aloud, nor just after', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['Where is the station?'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.echoMarginMs = 100;
    const recognizer = recognizerBy(() => ({ text: 'Dov’è la stazione?', language: 'it' }));
    pipeline.recognizer = recognizer;
    const source = new ScriptedSource();
    await pipeline.start(source);

    const release = pipeline.holdListening();
    await speak(source, 1);
    release();
    await speak(source, 1);
    const duringTheDevice = { utterances: pipeline.utterances.length, recognitions: recognizer.calls.length };
    await new Promise((resolve) => setTimeout(resolve, 120));
    await speak(source, 0);

    expect(duringTheDevice).toEqual({ utterances: 0, recognitions: 0 });
    expect(pipeline.utterances).toHaveLength(1);
    expect(pipeline.utterances[0].status).toBe('done');
  });

  it('ignores the browser’s own recogniser while reading aloud', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['ok'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    let listener!: SourceListener;
    await pipeline.start({ kind: 'web-speech', start: async (l) => void (listener = l), stop: async () => {} });

    const release = pipeline.holdListening();
    listener.text?.({ text: 'Dov’è', final: false, language: 'it', detectedAt: 0 });
    listener.text?.({ text: 'Dov’è la stazione?', final: true, language: 'it', detectedAt: performance.now() });
    release();
    await settle();

    expect(pipeline.utterances).toEqual([]);
    expect(engine.requests).toEqual([]);
  });
});

describe('translation pipeline, interim text (Web Speech)', () => {
  it('shows interim words dimmed without translating them, then translates the final text once', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['Hello'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    let listener!: SourceListener;
    await pipeline.start({ kind: 'web-speech', start: async (l) => void (listener = l), stop: async () => {} });

    listener.text?.({ text: 'Buon', final: false, language: 'it', detectedAt: 0 });
    listener.text?.({ text: 'Buongior', final: false, language: 'it', detectedAt: 0 });
    const interim = pipeline.utterances.map((u) => [u.source.tail, u.status]);
    listener.text?.({ text: 'Buongiorno', final: true, language: 'it', detectedAt: performance.now() });
    await settle();

    expect(interim).toEqual([['Buongior', 'listening']]);
    expect(pipeline.utterances).toHaveLength(1);
    expect(pipeline.utterances[0].source.committed).toBe('Buongiorno');
    expect(engine.requests).toHaveLength(1);
  });
});

describe('guessLanguage', () => {
  it.each([
    ['Where is the station, please?', 'en'],
    ['Dove è la stazione, per favore?', 'it'],
    ['¿Dónde está la estación, por favor?', 'es'],
    ['Où est la gare, s’il vous plaît ?', 'fr'],
    ['Wo ist der Bahnhof, bitte?', 'de'],
    ['駅はどこですか', 'ja'],
    ['역이 어디에 있어요?', 'ko'],
    ['火车站在哪里？', 'zh'],
    ['أين المحطة؟', 'ar'],
  ])('takes "%s" for %s', (text, language) => {
    expect(guessLanguage(text)).toBe(language);
  });

  it('chooses only between the two languages of a conversation', () => {
    expect(guessLanguage('la casa de mi madre', ['en', 'es'])).toBe('es');
  });
});
