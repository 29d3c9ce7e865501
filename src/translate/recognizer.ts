/**
 * The page's side of speech recognition: starts the worker, loads Whisper with download progress,
 * and transcribes segments one at a time. Failures come back as clear, human errors, and never
 * leave the recogniser broken: a transcription that fails, times out or crashes the worker ends
 * that worker, and a fresh one reloads the model (from this device's cache) for the next.
 */
import type { AsrCall, AsrErrorCode, AsrMessage, AsrReplies, LoadPayload, TranscribePayload, WhisperModel } from './asr-protocol.js';
import { transcribeTimeoutMs } from './transcript-filters.js';
// Named Worker so Vite still sees `new Worker(new URL(…))` and bundles the script (see module-worker.ts).
import { ModuleWorker as Worker } from '../engine/module-worker.js';

export interface RecognizerError {
  code: AsrErrorCode;
  message: string;
  hint: string;
  detail: string;
}

const MESSAGES: Record<AsrErrorCode, Omit<RecognizerError, 'code' | 'detail'>> = {
  'recognizer-download-failed': {
    message: 'The speech recognition model could not be downloaded.',
    hint: 'Check your connection and try again; typed text still works meanwhile.',
  },
  'recognizer-failed': {
    message: 'Speech recognition failed on this utterance.',
    hint: 'Try speaking again: the recogniser restarts by itself.',
  },
  'language-not-supported': {
    message: 'The recogniser does not support that language.',
    hint: 'Choose another source language, or let it detect the language.',
  },
};

/** Our own copies of onnxruntime-web's runtime files for transformers.js (Vite emits them as assets). */
export const ASR_WASM_PATHS = {
  mjs: new URL('../../node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url).href,
  wasm: new URL('../../node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url).href,
};

export const HUGGING_FACE_HUB = 'https://huggingface.co/';

const SAMPLE_RATE = 16_000;

export function createAsrWorker(): Worker {
  return new Worker(new URL('../../workers/asr.worker.ts', import.meta.url), { type: 'module', name: 'aperto-asr' });
}

export interface TranscribeOptions {
  /** Language to transcribe in (ISO 639-1); none to let Whisper detect it. */
  language?: string;
  /** Let Whisper detect the language, but only among these (conversation mode). */
  languages?: readonly string[];
  /** Text said just before this audio (the committed text): Whisper continues it. */
  prompt?: string;
  /**
   * Text agreed on at the start of this audio: the transcript starts with it and only the rest is
   * decoded (with one language given; see `TranscribeRequest.known`).
   */
  known?: string;
  /** Gives up on the transcription: the promise rejects with an AbortError at once, the decoder stops at its next step. */
  signal?: AbortSignal;
}

export type TranscribeResult = AsrReplies['transcribe'];

export interface RecognizerOptions {
  /** How long a transcription of this many seconds may take before the worker is taken to be stuck. */
  timeoutMs?: (audioSeconds: number) => number;
}

interface Pending {
  kind: AsrCall['kind'];
  worker: Worker;
  resolve: (value: never) => void;
  reject: (error: RecognizerError) => void;
  onEvent?: (message: AsrMessage) => void;
  timer?: ReturnType<typeof setTimeout>;
}

export class WhisperRecognizer {
  private worker?: Worker;
  /** Whether the current worker has a model loaded (a failure then reloads it in a fresh worker). */
  private workerLoaded = false;
  /** The model this recogniser serves, and how it was loaded: kept across worker restarts. */
  private loaded?: { model: WhisperModel; payload: LoadPayload };
  /** A reload into a fresh worker, under way after a failure. */
  private reloading?: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Transcriptions run one after another; each waits for the worker to finish the one before. */
  private transcriptions: Promise<unknown> = Promise.resolve();
  /** Counts disposals: a transcription queued before one must not start a worker after it. */
  private generation = 0;

  constructor(
    private readonly createWorker: () => Worker = createAsrWorker,
    private readonly remoteHost = HUGGING_FACE_HUB,
    private readonly options: RecognizerOptions = {},
  ) {}

  /** Download (or read from cache) and warm up the model. */
  load(
    model: WhisperModel,
    options: { device?: 'webgpu' | 'wasm'; onProgress?: (loaded: number, total: number) => void } = {},
  ): Promise<AsrReplies['load']> {
    const files = new Map<string, { loaded: number; total: number }>();
    const payload: LoadPayload = {
      model,
      device: options.device ?? ('gpu' in navigator ? 'webgpu' : 'wasm'),
      remoteHost: this.remoteHost,
      wasmPaths: ASR_WASM_PATHS,
    };
    const worker = this.ensureWorker();
    return this.call('load', payload, {
      onEvent: (message) => {
        if (message.kind !== 'progress') return;
        files.set(message.payload.file, message.payload);
        let loaded = 0;
        let total = 0;
        for (const file of files.values()) {
          loaded += file.loaded;
          total += file.total;
        }
        options.onProgress?.(loaded, total);
      },
    }).then((reply) => {
      if (this.worker === worker) {
        this.workerLoaded = true;
        this.loaded = { model, payload };
      }
      return reply;
    });
  }

  /** The model ready to transcribe with, if any (reloaded by itself after a failure). */
  get model(): WhisperModel | undefined {
    return this.loaded?.model;
  }

  /**
   * Transcribe 16 kHz mono audio. The audio's memory is handed to the worker: keep a copy if you
   * need it afterwards. `options` may be just the language, as before.
   */
  transcribe(audio: Float32Array, options: string | TranscribeOptions = {}): Promise<TranscribeResult> {
    const { language, languages, prompt, known, signal } = typeof options === 'string' ? { language: options } : options;
    const payload: TranscribePayload = {
      audio: transferable(audio),
      ...(language ? { language } : {}),
      ...(languages?.length ? { languages: [...languages] } : {}),
      ...(prompt?.trim() ? { prompt } : {}),
      ...(known?.trim() ? { known } : {}),
    };
    const generation = this.generation;
    const job = this.transcriptions.then(() => {
      if (generation !== this.generation) throw recognizerError('recognizer-failed', 'disposed');
      return this.runTranscription(payload, signal);
    });
    this.transcriptions = job.catch(() => undefined);
    return abortable(job, signal);
  }

  /** Terminate the worker (freeing the model's memory) and fail whatever was still asked of it. */
  dispose(): void {
    this.generation++;
    this.loaded = undefined;
    this.reloading = undefined;
    const worker = this.worker;
    this.worker = undefined;
    this.workerLoaded = false;
    worker?.terminate();
    this.rejectPending(recognizerError('recognizer-failed', 'disposed'));
  }

  private async runTranscription(payload: TranscribePayload, signal?: AbortSignal): Promise<TranscribeResult> {
    if (signal?.aborted) throw abortError(signal);
    await this.ready();
    if (signal?.aborted) throw abortError(signal);
    const id = this.nextId++;
    const worker = this.ensureWorker();
    const cancel = () => worker.postMessage({ kind: 'cancel', id });
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const seconds = payload.audio.length / SAMPLE_RATE;
      const timeoutMs = (this.options.timeoutMs ?? transcribeTimeoutMs)(seconds);
      return await this.call('transcribe', payload, { id, timeoutMs, transfer: [payload.audio.buffer] });
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** The worker is there with the model loaded, or reloading it after a failure, or there is nothing to load. */
  private async ready(): Promise<void> {
    if (!this.worker && this.loaded && !this.reloading) this.startReload();
    await this.reloading;
  }

  private startReload(): void {
    const loaded = this.loaded;
    if (!loaded) return;
    const worker = this.ensureWorker();
    const reload: Promise<void> = this.call('load', loaded.payload).then(
      () => {
        if (this.worker === worker) this.workerLoaded = true;
      },
      (error: RecognizerError) => {
        // A worker that could not load is of no use: the next transcription tries a fresh one.
        this.endWorker(worker);
        throw error;
      },
    );
    this.reloading = reload;
    void reload
      .catch(() => undefined)
      .finally(() => {
        if (this.reloading === reload) this.reloading = undefined;
      });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.addEventListener('message', (event: MessageEvent<AsrMessage>) => this.onMessage(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.failWorker(worker, `The recogniser crashed: ${event.message}`);
    });
    worker.addEventListener('messageerror', () => this.failWorker(worker, 'A message from the recogniser could not be read.'));
    this.worker = worker;
    this.workerLoaded = false;
    return worker;
  }

  /**
   * A worker that failed a transcription, stopped answering or crashed is ended (an uncaught
   * error does not end a worker, and a stuck decode would hold it for good); whatever was asked
   * of it fails, and a worker that had the model loaded is replaced at once by a fresh one that
   * reloads it, so the next utterance finds it ready. A worker that failed while loading is not
   * replaced here (that could repeat for ever): the next transcription tries again.
   */
  private failWorker(worker: Worker, detail: string): void {
    if (this.worker !== worker) return;
    const wasLoaded = this.workerLoaded;
    this.endWorker(worker);
    for (const [id, pending] of this.pending) {
      if (pending.worker !== worker) continue;
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(recognizerError('recognizer-failed', detail));
    }
    if (wasLoaded && this.loaded) this.startReload();
  }

  private endWorker(worker: Worker): void {
    worker.terminate();
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.workerLoaded = false;
  }

  private call<K extends AsrCall['kind']>(
    kind: K,
    payload: Extract<AsrCall, { kind: K }>['payload'],
    options: { id?: number; onEvent?: (message: AsrMessage) => void; transfer?: Transferable[]; timeoutMs?: number } = {},
  ): Promise<AsrReplies[K]> {
    const id = options.id ?? this.nextId++;
    const worker = this.ensureWorker();
    return new Promise<AsrReplies[K]>((resolve, reject) => {
      const pending: Pending = { kind, worker, resolve: resolve as (value: never) => void, reject, onEvent: options.onEvent };
      if (options.timeoutMs !== undefined) {
        const seconds = Math.round(options.timeoutMs / 1000);
        pending.timer = setTimeout(() => this.failWorker(worker, `The recogniser did not answer within ${seconds} s.`), options.timeoutMs);
      }
      this.pending.set(id, pending);
      worker.postMessage({ kind, id, payload } as AsrCall, options.transfer ?? []);
    });
  }

  private onMessage(message: AsrMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.kind === 'progress') {
      pending.onEvent?.(message);
      return;
    }
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.kind === 'reply') {
      pending.resolve(message.payload as never);
      return;
    }
    const error = recognizerError(message.payload.code, message.payload.detail);
    pending.reject(error);
    // A failed transcription may have left the model's sessions in any state: start afresh. A
    // language Whisper lacks is refused before the model runs, so that worker is still sound.
    if (pending.kind === 'transcribe' && error.code !== 'language-not-supported') this.failWorker(pending.worker, error.detail);
  }

  private rejectPending(error: RecognizerError): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
  }
}

export function recognizerError(code: AsrErrorCode, detail: string): RecognizerError {
  return { code, ...MESSAGES[code], detail };
}

/** Audio whose memory can be handed to the worker alone: a view on a larger or shared buffer is copied first. */
function transferable(audio: Float32Array): Float32Array<ArrayBuffer> {
  const whole = audio.buffer instanceof ArrayBuffer && audio.byteOffset === 0 && audio.byteLength === audio.buffer.byteLength;
  return whole ? (audio as Float32Array<ArrayBuffer>) : audio.slice();
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The transcription was cancelled.', 'AbortError');
}

/** The job's outcome, or an AbortError as soon as the signal fires (the job itself still runs to its end). */
function abortable<T>(job: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return job;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    job.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
