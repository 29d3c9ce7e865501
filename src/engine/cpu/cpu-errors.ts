/**
 * Turns what wllama (llama.cpp in WebAssembly) throws into our error codes.
 *
 * wllama's messages are terse and depend on where a load failed, so the stage matters as much as
 * the text: a download fails with `Failed to fetch <url>: HTTP 404` or the browser's own network
 * TypeError, while llama.cpp refusing a damaged file surfaces as an opaque
 * `RuntimeError: (ABORT) …`, a `WllamaError` or even `RangeError: Invalid typed array length`.
 * Whatever fails after the bytes are in is therefore the file's fault, unless it says otherwise
 * (memory, storage, a cancel, wllama's own WebAssembly failing to compile).
 */
import { engineError, errorText, isEngineError, toEngineError, type EngineError } from '../errors.js';

/** Where in the life of a model the error happened. */
export type CpuStage = 'download' | 'load' | 'chat';

const MEMORY = /out of memory|Cannot allocate|could not allocate|Array buffer allocation failed|OOM\b/i;
const CONTEXT = /exceeds? (the )?(available )?context|context (size|window|length)|n_ctx|kv cache is full/i;

export function explainCpuError(raw: unknown, stage: CpuStage, url?: string): EngineError {
  if (isEngineError(raw)) return raw;
  const detail = errorText(raw);
  const where = url ? ` at ${url}` : '';

  const status = /HTTP (\d{3})\b/.exec(detail)?.[1];
  if (status === '404' || status === '410') {
    return { ...engineError('model-not-found', detail), message: `There is no model file${where} (HTTP ${status}).` };
  }
  if (status === '401' || status === '403') {
    return {
      ...engineError('model-not-found', detail),
      message: `The model host refused to send the model file${where} (HTTP ${status}).`,
      hint: 'The model may be gated or private. Choose another model, or check the URL.',
    };
  }
  if (status) {
    return {
      ...engineError('network', detail),
      message: `The model host failed to send the model file${where} (HTTP ${status}).`,
    };
  }
  if (/Invalid model URL/i.test(detail)) {
    return {
      ...engineError('bad-model-file', detail),
      message: `The address ${url ?? ''} does not end in .gguf, so it is not a model file this engine can read.`.replace('  ', ' '),
    };
  }
  if (/No supported storage backend/i.test(detail)) {
    return {
      ...engineError('quota', detail),
      message: 'This browser gives the page no private file storage (OPFS) to keep the model in.',
      hint: 'Leave private browsing, or use a recent Chrome, Edge, Firefox or Safari.',
    };
  }
  if (MEMORY.test(detail)) {
    return {
      ...engineError('out-of-memory', detail),
      message: 'The model does not fit in the memory this browser tab may use.',
      hint: 'Choose a smaller model, or close other tabs and try again.',
    };
  }
  // Only a request can be too long; at load time llama.cpp merely warns about context sizes.
  if (stage === 'chat' && CONTEXT.test(detail)) return engineError('context-window', detail);

  const mapped = toEngineError(raw);
  // bad-model-library: wllama's own WebAssembly failed to fetch or compile, not the model file.
  if (mapped.code === 'aborted' || mapped.code === 'quota' || mapped.code === 'bad-model-library') return mapped;
  if (stage === 'load') return engineError('bad-model-file', detail);
  if (stage === 'chat' && mapped.code === 'unknown' && /RuntimeError|has crashed/i.test(detail)) {
    return {
      ...mapped,
      message: 'The model stopped unexpectedly while writing the reply.',
      hint: 'Press Reload model. Your conversation is kept.',
    };
  }
  return mapped;
}

/** Browsers without WebAssembly 64-bit memory (Memory64) cannot run wllama's build at all. */
export function noMemory64Error(): EngineError {
  return {
    ...engineError('unknown', 'WebAssembly.Memory({ address: "i64" }) is not supported'),
    message: 'This browser cannot run models on the CPU: it lacks WebAssembly 64-bit memory.',
    hint: 'Use a recent Chrome, Edge or Firefox.',
  };
}
