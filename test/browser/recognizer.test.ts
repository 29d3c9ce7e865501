/**
 * Speech recognition as the page drives it.
 *
 * - The worker's load path, for real (transformers.js in its worker), against the local stand-in
 *   hub. Whisper's weights cannot be downloaded here, so the test follows the load up to its clear
 *   error.
 * - Recovery: the real worker, with its load answered as a loaded Whisper answers it (as
 *   leaks.test.ts does) and its transcriptions answered, held or failed as each test needs.
 * - Decoding: the installed transformers.js's own Whisper `generate` loop, with a scripted forward
 *   pass instead of weights, so language detection, prompts, token budgets, loops and phantoms are
 *   tested through the code that runs with the real model.
 */
import { expect } from '@open-wc/testing';
import { PretrainedConfig, Tensor, WhisperForConditionalGeneration } from '@huggingface/transformers';
import { ModuleWorker } from '../../src/engine/module-worker.js';
import { WhisperRecognizer, type RecognizerError } from '../../src/translate/recognizer.js';
import { maxNewTokens } from '../../src/translate/transcript-filters.js';
import { transcribeWithWhisper, whisperTokens, type WhisperParts } from '../../src/translate/whisper-transcriber.js';

describe('speech recognition worker', () => {
  it('asks the hub for Whisper and reports a clear download error when the model is not there', async () => {
    await fetch('/hub/__reset');
    const recognizer = new WhisperRecognizer(undefined, new URL('/hub/', location.href).href);

    const error = await recognizer.load('whisper-tiny', { device: 'wasm' }).then(
      () => undefined,
      (e: RecognizerError) => e,
    );
    recognizer.dispose();

    expect(error, 'the load must fail').to.exist;
    expect(error!.code).to.equal('recognizer-download-failed');
    expect(error!.message).to.equal('The speech recognition model could not be downloaded.');
    expect(error!.hint).to.include('typed text still works');
    const log: string[] = await (await fetch('/hub/__log')).json();
    expect(log.some((line) => line.startsWith('GET /hub/onnx-community/whisper-tiny/resolve/main/'))).to.equal(true);
  });
});

// ——— Recovery ———

type Request = { kind: string; id: number; payload?: { model?: string; audio?: Float32Array } };
/** What a stand-in does with a transcription once its model is "loaded". */
type Behaviour = 'real' | 'hang' | 'crash' | 'hold-until-cancelled' | { text: string; language?: string };

interface StartedWorker {
  loads: string[];
  transcriptions: number;
  cancels: number[];
  terminated: boolean;
}

/**
 * The real speech worker, with its load answered as a loaded Whisper answers it (CI has no
 * weights). Before a load, and for `real`, requests go to the real worker, which fails them as
 * it fails a transcription without a model ("not loaded"). Each new worker takes the next
 * behaviour from the list.
 */
function standIns(behaviours: Behaviour[]): { createWorker: () => ModuleWorker; started: StartedWorker[] } {
  const started: StartedWorker[] = [];
  class StandInWorker extends ModuleWorker {
    private readonly record: StartedWorker = { loads: [], transcriptions: 0, cancels: [], terminated: false };
    private readonly behaviour = behaviours[started.length] ?? 'real';
    private loaded = false;
    private held?: Request;

    constructor() {
      super(new URL('../../workers/asr.worker.ts', import.meta.url), { type: 'module', name: 'aperto-asr' });
      started.push(this.record);
    }

    override terminate(): void {
      this.record.terminated = true;
      super.terminate();
    }

    override postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
      const request = message as Request;
      if (request.kind === 'load') {
        this.record.loads.push(request.payload?.model ?? '');
        this.loaded = true;
        return this.answer({ kind: 'reply', id: request.id, payload: { device: 'wasm' } });
      }
      if (request.kind === 'cancel') {
        this.record.cancels.push(request.id);
        if (this.held?.id === request.id) this.answer({ kind: 'reply', id: request.id, payload: { text: 'cut short' } });
        return;
      }
      if (request.kind === 'transcribe') this.record.transcriptions++;
      const behaviour = this.behaviour;
      if (request.kind !== 'transcribe' || !this.loaded || behaviour === 'real') return super.postMessage(message, transfer as Transferable[]);
      if (behaviour === 'hang') return;
      if (behaviour === 'hold-until-cancelled') {
        this.held = request;
        return;
      }
      if (behaviour === 'crash') {
        setTimeout(() => this.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught RuntimeError: memory access out of bounds' })), 10);
        return;
      }
      this.answer({ kind: 'reply', id: request.id, payload: behaviour });
    }

    private answer(data: unknown): void {
      setTimeout(() => this.dispatchEvent(new MessageEvent('message', { data })), 10);
    }
  }
  return { createWorker: () => new StandInWorker(), started };
}

const oneSecond = () => new Float32Array(16_000);

/** The promise's outcome, or 'still waiting' after `ms`: a recogniser that hangs fails the test instead of stalling it. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  return Promise.race([promise, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms))]);
}

async function loadedRecognizer(behaviours: Behaviour[], timeoutMs?: number) {
  const { createWorker, started } = standIns(behaviours);
  const recognizer = new WhisperRecognizer(createWorker, 'https://hub.invalid/', timeoutMs ? { timeoutMs: () => timeoutMs } : {});
  await recognizer.load('whisper-base', { device: 'wasm' });
  return { recognizer, started };
}

describe('speech recognition after a failure', () => {
  it('transcribes the next utterance in a fresh worker with the model reloaded, after a transcription failed', async function () {
    this.timeout(30_000);
    const { recognizer, started } = await loadedRecognizer(['real', { text: 'Hallo Welt', language: 'de' }]);

    const failed = await recognizer.transcribe(oneSecond()).then(
      () => undefined,
      (e: RecognizerError) => e,
    );
    const next = await within(recognizer.transcribe(oneSecond(), 'de'), 10_000);
    recognizer.dispose();

    expect(failed?.code, 'the first transcription fails (the real worker has no model)').to.equal('recognizer-failed');
    expect(next).to.deep.equal({ text: 'Hallo Welt', language: 'de' });
    expect(started).to.have.length(2);
    expect(started[0].terminated, 'the failed worker is ended').to.equal(true);
    expect(started[1].loads, 'the fresh worker reloads the same model').to.deep.equal(['whisper-base']);
  });

  it('gives up on a transcription that hangs, and transcribes the next in a fresh worker', async function () {
    this.timeout(30_000);
    const { recognizer, started } = await loadedRecognizer(['hang', { text: 'still here' }], 500);

    const hung = await within(
      recognizer.transcribe(oneSecond()).then(
        () => 'answered',
        (e: RecognizerError) => e,
      ),
      5000,
    );
    const next = await within(recognizer.transcribe(oneSecond()), 5000);
    recognizer.dispose();

    expect(hung, 'the hung transcription must end with an error').to.include({ code: 'recognizer-failed' });
    expect((hung as RecognizerError).detail).to.include('did not answer');
    expect(next).to.deep.equal({ text: 'still here' });
    expect(started[0].terminated).to.equal(true);
    expect(started[1].loads).to.deep.equal(['whisper-base']);
  });

  it('lets a failed partial not break the final: the final, already waiting, runs in the fresh worker', async function () {
    this.timeout(30_000);
    const { recognizer, started } = await loadedRecognizer(['hang', { text: 'the whole sentence' }], 500);

    const partial = recognizer.transcribe(oneSecond()).catch(() => 'partial failed');
    const final = recognizer.transcribe(new Float32Array(32_000));

    expect(await within(partial, 5000)).to.equal('partial failed');
    expect(await within(final, 5000)).to.deep.equal({ text: 'the whole sentence' });
    expect(started.map((w) => w.transcriptions), 'transcriptions per worker').to.deep.equal([1, 1]);
    recognizer.dispose();
  });

  it('recovers from a worker that crashes mid-transcription', async function () {
    this.timeout(30_000);
    const { recognizer, started } = await loadedRecognizer(['crash', { text: 'after the crash' }]);

    const crashed = await recognizer.transcribe(oneSecond()).then(
      () => undefined,
      (e: RecognizerError) => e,
    );
    const next = await within(recognizer.transcribe(oneSecond()), 10_000);
    recognizer.dispose();

    expect(crashed?.detail).to.include('memory access out of bounds');
    expect(next).to.deep.equal({ text: 'after the crash' });
    expect(started[1].loads).to.deep.equal(['whisper-base']);
  });

  it('stops a transcription the caller gives up on, without restarting, and runs the next after it', async function () {
    this.timeout(30_000);
    const { recognizer, started } = await loadedRecognizer(['hold-until-cancelled']);
    const controller = new AbortController();

    const partial = recognizer.transcribe(oneSecond(), { signal: controller.signal }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();

    expect(await within(partial, 1000)).to.equal('AbortError');
    expect(started[0].cancels, 'the worker is asked to stop that transcription').to.have.length(1);
    expect(started, 'no restart for a cancelled transcription').to.have.length(1);
    expect(started[0].terminated).to.equal(false);
    recognizer.dispose();
  });
});

// ——— Decoding through transformers.js's own Whisper generate loop ———

const VOCAB = 51_865;
const EOT = 50_257;
const SOT = 50_258;
const LANGUAGE = { en: 50_259, de: 50_261, es: 50_262, fr: 50_265, ja: 50_266 } as const;
const TRANSCRIBE = 50_359;
const START_OF_PREVIOUS = 50_361;
const NO_SPEECH = 50_362;
const NO_TIMESTAMPS = 50_363;
const WORDS = ['Hallo', 'Welt', 'Danke', 'schön', 'Thank', 'you.', 'Wir', 'gehen', 'nach', 'Hause', 'eins', 'zwei', 'Bonjour'];
const wordId = (word: string) => 1000 + Math.max(0, WORDS.indexOf(word));

interface DecodeContext {
  /** Tokens the decode started from (prompt and <|startoftranscript|>). */
  prefix: number[];
  /** Tokens generated so far: language, <|transcribe|>, <|notimestamps|>, then text. */
  generated: number[];
  /** Which 30 s window of the audio this is. */
  window: number;
}

/**
 * A Whisper whose forward pass returns scripted scores, inside the real WhisperForConditionalGeneration
 * (its generate loop, generation config merging and logits processing are transformers.js's own).
 */
function scriptedWhisper(script: (context: DecodeContext) => Record<number, number>) {
  const config = new PretrainedConfig({ model_type: 'whisper', is_encoder_decoder: true, max_target_positions: 448 } as never);
  const generationConfig = {
    decoder_start_token_id: SOT,
    eos_token_id: EOT,
    no_timestamps_token_id: NO_TIMESTAMPS,
    prev_sot_token_id: START_OF_PREVIOUS,
    is_multilingual: true,
    lang_to_id: Object.fromEntries(Object.entries(LANGUAGE).map(([code, id]) => [`<|${code}|>`, id])),
    task_to_id: { transcribe: TRANSCRIBE, translate: 50_358 },
    // As Whisper's own list ends: the task, <|startofprev|> and <|nospeech|> tokens among the symbols.
    suppress_tokens: [1, 2, 7, 50_358, 50_359, 50_360, 50_361, 50_362],
    begin_suppress_tokens: [220, EOT],
    max_length: 448,
  };
  const model = new WhisperForConditionalGeneration(config, {}, { generation_config: generationConfig } as never) as unknown as Record<string, unknown>;
  const decodes: DecodeContext[] = [];
  let current: DecodeContext | undefined;
  let forwardPasses = 0;
  model._prepare_encoder_decoder_kwargs_for_generation = async ({ model_inputs }: { model_inputs: object }) => {
    current = { prefix: [], generated: [], window: decodes.length };
    decodes.push(current);
    return { ...model_inputs, encoder_outputs: new Tensor('float32', new Float32Array(4), [1, 1, 4]) };
  };
  model.forward = async (inputs: { decoder_input_ids: Tensor }) => {
    forwardPasses++;
    const given = (inputs.decoder_input_ids.tolist() as bigint[][])[0].map(Number);
    if (!current!.prefix.length) current!.prefix = given;
    else current!.generated.push(given.at(-1)!);
    const scores = new Float32Array(VOCAB);
    for (const [token, score] of Object.entries(script(current!))) scores[Number(token)] = score;
    return { logits: new Tensor('float32', scores, [1, 1, VOCAB]) };
  };
  const parts: WhisperParts = {
    processor: async () => ({ input_features: new Tensor('float32', new Float32Array(4), [1, 1, 4]) }),
    model: model as unknown as WhisperParts['model'],
    tokenizer: {
      encode: (text) => text.trim().split(/\s+/).map(wordId),
      decode: (ids) => ids.map((id) => WORDS[id - 1000] ?? '?').join(' '),
      convert_tokens_to_ids: (token) => ({ '<|startofprev|>': START_OF_PREVIOUS, '<|nospeech|>': NO_SPEECH })[token],
    },
  };
  return {
    transcribe: (audio: Float32Array, request = {}) => transcribeWithWhisper(parts, whisperTokens(parts), audio, request),
    decodes,
    forwardPasses: () => forwardPasses,
  };
}

/** Text position in a decode: after the language, <|transcribe|> and <|notimestamps|>. */
const textPosition = (context: DecodeContext) => context.generated.length - 3;
/** Say these words, then stop; at the language position, prefer these scores. */
function says(words: string[], languages: Record<number, number> = { [LANGUAGE.en]: 5 }) {
  return (context: DecodeContext): Record<number, number> => {
    if (!context.generated.length) return languages;
    const at = textPosition(context);
    return at >= 0 && at < words.length ? { [wordId(words[at])]: 5 } : { [EOT]: 5 };
  };
}

/** A 220 Hz tone standing in for speech. */
function speech(seconds: number, pauseAt?: number): Float32Array {
  return Float32Array.from({ length: seconds * 16_000 }, (_, i) => {
    const t = i / 16_000;
    return pauseAt !== undefined && t >= pauseAt && t < pauseAt + 0.5 ? 0 : 0.1 * Math.sin(2 * Math.PI * 220 * t);
  });
}

describe("Whisper decoding with the installed transformers.js's generate loop", () => {
  it("reports the language Whisper hears, from its language token, and transcribes in it", async () => {
    const whisper = scriptedWhisper(says(['Hallo', 'Welt'], { [LANGUAGE.en]: 2, [LANGUAGE.de]: 6, [LANGUAGE.fr]: 1 }));

    const reply = await whisper.transcribe(speech(2));

    expect(reply.text).to.equal('Hallo Welt');
    expect(reply.language).to.equal('de');
    expect(reply.languageProbability).to.be.above(0.9);
    expect(whisper.decodes[0].generated.slice(0, 3)).to.deep.equal([LANGUAGE.de, TRANSCRIBE, NO_TIMESTAMPS]);
  });

  it("chooses between a conversation's two languages only", async () => {
    const whisper = scriptedWhisper(says(['Bonjour'], { [LANGUAGE.de]: 9, [LANGUAGE.en]: 2, [LANGUAGE.fr]: 4 }));

    const reply = await whisper.transcribe(speech(1), { languages: ['en', 'fr'] });

    expect(reply).to.include({ text: 'Bonjour', language: 'fr' });
  });

  it('refuses a language Whisper does not know, before decoding', async () => {
    const whisper = scriptedWhisper(says(['Hallo']));

    const error = await whisper.transcribe(speech(1), { language: 'tlh' }).catch((e: Error) => e);

    expect((error as Error).name).to.equal('LanguageNotSupportedError');
    expect(whisper.forwardPasses()).to.equal(0);
  });

  it('ends a hallucination loop early and keeps one copy', async () => {
    const loop = (context: DecodeContext) =>
      !context.generated.length ? { [LANGUAGE.de]: 5 } : { [wordId(textPosition(context) % 2 ? 'schön' : 'Danke')]: 5 };
    const whisper = scriptedWhisper(loop);

    const reply = await whisper.transcribe(speech(10));

    expect(reply).to.include({ text: 'Danke schön', loopCut: true });
    expect(whisper.forwardPasses(), 'decoding steps').to.be.below(30);
  });

  it("stops at the token budget set by the audio's length", async () => {
    const endless = (context: DecodeContext) => (!context.generated.length ? { [LANGUAGE.de]: 5 } : { [1000 + (textPosition(context) % WORDS.length)]: 5 });
    const whisper = scriptedWhisper(endless);

    const reply = await whisper.transcribe(speech(2));

    expect(reply.text.split(' ')).to.have.length(maxNewTokens(2));
    expect(whisper.forwardPasses(), 'one decoding step per token: language, two control tokens, text').to.equal(maxNewTokens(2) + 3);
  });

  it('continues a prompt of the text said before', async () => {
    const whisper = scriptedWhisper(says(['nach', 'Hause'], { [LANGUAGE.de]: 5 }));

    const reply = await whisper.transcribe(speech(2), { prompt: 'Wir gehen' });

    expect(whisper.decodes[0].prefix).to.deep.equal([START_OF_PREVIOUS, wordId('Wir'), wordId('gehen'), SOT]);
    expect(reply.text).to.equal('nach Hause');
  });

  it('reads the words already agreed on in one pass and decodes only the rest', async () => {
    const rest = ['nach', 'Hause'];
    const whisper = scriptedWhisper((context) => (context.generated.length < rest.length ? { [wordId(rest[context.generated.length])]: 5 } : { [EOT]: 5 }));

    const reply = await whisper.transcribe(speech(3), { language: 'de', known: 'Wir gehen' });

    expect(whisper.decodes[0].prefix).to.deep.equal([SOT, LANGUAGE.de, TRANSCRIBE, NO_TIMESTAMPS, wordId('Wir'), wordId('gehen')]);
    expect(reply).to.include({ text: 'Wir gehen nach Hause', language: 'de' });
    expect(whisper.forwardPasses(), 'the known words in one pass, then a step per new token and the end').to.equal(1 + rest.length);
  });

  it('decodes everything when the language is to be detected, known words or not', async () => {
    const whisper = scriptedWhisper(says(['Wir', 'gehen'], { [LANGUAGE.de]: 5 }));

    const reply = await whisper.transcribe(speech(2), { known: 'Wir' });

    expect(whisper.decodes[0].prefix).to.deep.equal([SOT]);
    expect(reply.text).to.equal('Wir gehen');
  });

  it('drops "Thank you." heard in silence, and keeps it when spoken', async () => {
    const silent = await scriptedWhisper(says(['Thank', 'you.'])).transcribe(new Float32Array(48_000));
    const spoken = await scriptedWhisper(says(['Thank', 'you.'])).transcribe(speech(1));

    expect(silent).to.include({ text: '', droppedPhantom: 'Thank you.' });
    expect(spoken.text).to.equal('Thank you.');
  });

  it("reads Whisper's no-speech probability although its suppress list hides that token", async () => {
    const noise = (context: DecodeContext) => (!context.generated.length ? { [NO_SPEECH]: 20, [LANGUAGE.en]: 4 } : says(['Thank', 'you.'])(context));

    const reply = await scriptedWhisper(noise).transcribe(speech(2));

    expect(reply.noSpeechProbability).to.be.above(0.9);
    expect(reply.text, 'a phantom in what Whisper judges not to be speech').to.equal('');
  });

  it('hears all of 45 s of speech, in two windows, the second continuing the first', async () => {
    const byWindow = (context: DecodeContext) => says([context.window === 0 ? 'eins' : 'zwei'], { [LANGUAGE.de]: 5 })(context);
    const whisper = scriptedWhisper(byWindow);

    const reply = await whisper.transcribe(speech(45, 27));

    expect(reply.text).to.equal('eins zwei');
    expect(whisper.decodes).to.have.length(2);
    expect(whisper.decodes[1].prefix).to.deep.equal([START_OF_PREVIOUS, wordId('eins'), SOT]);
    expect(whisper.decodes[1].generated[0], 'the second window keeps the language of the first').to.equal(LANGUAGE.de);
  });
});
