/**
 * The page's side of speech recognition: starts the worker, loads Whisper with download progress,
 * and transcribes segments. Failures come back as clear, human errors.
 */
import type { AsrErrorCode, AsrMessage, AsrReplies, AsrRequest, LoadPayload, WhisperModel } from './asr-protocol.js';
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
    hint: 'Try speaking again; if it keeps failing, reload the recogniser.',
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

export function createAsrWorker(): Worker {
  return new Worker(new URL('../../workers/asr.worker.ts', import.meta.url), { type: 'module', name: 'aperto-asr' });
}

type Pending = { resolve: (value: never) => void; reject: (error: RecognizerError) => void };

export class WhisperRecognizer {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly createWorker: () => Worker = createAsrWorker,
    private readonly remoteHost = HUGGING_FACE_HUB,
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
    return this.request('load', payload, (message) => {
      if (message.kind !== 'progress') return;
      files.set(message.payload.file, message.payload);
      let loaded = 0;
      let total = 0;
      for (const file of files.values()) {
        loaded += file.loaded;
        total += file.total;
      }
      options.onProgress?.(loaded, total);
    });
  }

  transcribe(audio: Float32Array, language?: string): Promise<AsrReplies['transcribe']> {
    return this.request('transcribe', { audio, ...(language ? { language } : {}) }, undefined, [audio.buffer]);
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const pending of this.pending.values()) pending.reject(recognizerError('recognizer-failed', 'disposed'));
    this.pending.clear();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.addEventListener('message', (event: MessageEvent<AsrMessage>) => this.onMessage(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      for (const pending of this.pending.values()) pending.reject(recognizerError('recognizer-failed', event.message));
      this.pending.clear();
      this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }

  private readonly progressListeners = new Map<number, (message: AsrMessage) => void>();

  private request<K extends AsrRequest['kind']>(
    kind: K,
    payload: Extract<AsrRequest, { kind: K }>['payload'],
    onEvent?: (message: AsrMessage) => void,
    transfer: Transferable[] = [],
  ): Promise<AsrReplies[K]> {
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise<AsrReplies[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      if (onEvent) this.progressListeners.set(id, onEvent);
      worker.postMessage({ kind, id, payload } as AsrRequest, transfer);
    }).finally(() => this.progressListeners.delete(id));
  }

  private onMessage(message: AsrMessage): void {
    this.progressListeners.get(message.id)?.(message);
    if (message.kind === 'progress') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.kind === 'error') pending.reject(recognizerError(message.payload.code, message.payload.detail));
    else pending.resolve(message.payload as never);
  }
}

export function recognizerError(code: AsrErrorCode, detail: string): RecognizerError {
  return { code, ...MESSAGES[code], detail };
}
