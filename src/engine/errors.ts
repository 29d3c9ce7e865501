/**
 * Turns whatever web-llm (or the browser underneath it) threw into one of our error codes, with a
 * message and a next step a person can act on.
 *
 * Through a Web Worker, web-llm rejects with plain strings made by `err.toString()`, so the only
 * reliable signal is the text: usually `"<ErrorName>: <message>"`. On the main thread we may also
 * get real Error or DOMException objects; both are reduced to the same text first.
 */

export type EngineErrorCode =
  | 'no-webgpu'
  | 'shader-f16'
  | 'device-lost'
  | 'worker-lost'
  | 'quota'
  | 'network'
  | 'model-not-found'
  | 'bad-model-library'
  | 'bad-model-file'
  | 'context-window'
  | 'aborted'
  | 'unknown';

export interface EngineError {
  code: EngineErrorCode;
  /** What happened, in plain words. */
  message: string;
  /** What the person can do next. */
  hint: string;
  /** The original text, for the "details" disclosure and bug reports. */
  detail?: string;
}

const MESSAGES: Record<EngineErrorCode, Omit<EngineError, 'code' | 'detail'>> = {
  'no-webgpu': {
    message: 'This browser cannot run models on the GPU: WebGPU is not available.',
    hint: 'Use a recent Chrome or Edge (113+) on a secure (https) page, or Safari 26+. On Linux, enable WebGPU in chrome://flags.',
  },
  'shader-f16': {
    message: 'This model needs 16-bit GPU shaders (shader-f16), which this GPU or browser does not offer.',
    hint: 'Pick a "q4f32" or "q0f32" variant of the model instead; the catalog marks which ones fit.',
  },
  'device-lost': {
    message: 'The GPU stopped responding (device lost), most often because it ran out of memory.',
    hint: 'Close other GPU-heavy tabs and reload the model, or choose a smaller model.',
  },
  'worker-lost': {
    message: 'The model stopped answering: its worker crashed or was shut down by the browser.',
    hint: 'Press Reload model. Your conversation is kept.',
  },
  quota: {
    message: 'There is not enough storage space left in this browser to keep the model.',
    hint: 'Delete models you no longer use in Models, free disk space, or allow persistent storage.',
  },
  network: {
    message: 'The download was interrupted: the model host could not be reached or dropped the connection.',
    hint: 'Check your connection and press Retry; parts already downloaded are kept.',
  },
  'model-not-found': {
    message: 'That model could not be found.',
    hint: 'Choose a model from the catalog in Models, or check the model id or URL for typos.',
  },
  'bad-model-library': {
    message: 'The model’s program (its WebAssembly library) is broken or does not match this version of Aperto.',
    hint: 'Press Retry to download it again. If it keeps failing, choose another model.',
  },
  'bad-model-file': {
    message: 'The model file is damaged, incomplete, or not a model this engine can read.',
    hint: 'Delete it in Models and download it again, or check that the URL points to a .gguf model file.',
  },
  'context-window': {
    message: 'The conversation is longer than this model can read at once (its context window).',
    hint: 'Start a new chat, shorten your message, or pick a model with a larger context window.',
  },
  aborted: {
    message: 'Loading was cancelled.',
    hint: 'Press Load to start again; finished parts of the download are kept.',
  },
  unknown: {
    message: 'Something went wrong while running the model.',
    hint: 'Reload the model. If it happens again, the details below help when reporting it.',
  },
};

/** Ordered: the first rule whose pattern matches the text wins. */
const RULES: ReadonlyArray<readonly [RegExp, EngineErrorCode]> = [
  [/QuotaExceeded|quota (has been )?exceeded|No space left|insufficient storage/i, 'quota'],
  [/ShaderF16SupportError|shader-f16/i, 'shader-f16'],
  [/IntegrityError|Integrity verification failed/i, 'bad-model-file'],
  [/DeviceLostError|device (was )?lost/i, 'device-lost'],
  [/WebGPUNotAvailableError|WebGPUNotFoundError|Cannot find WebGPU|navigator\.gpu|requestAdapter/i, 'no-webgpu'],
  [/ContextWindowSizeExceededError|exceed context window/i, 'context-window'],
  [/ModelNotFoundError|Cannot find model record|model-not-found|\b404\b/i, 'model-not-found'],
  [/AbortError|aborted|Engine\.unload\(\) is called|cancell?ed/i, 'aborted'],
  [
    /CompileError|LinkError|WebAssembly\.(instantiate|compile|Module)|MissingModelError|wasm (validation|magic|instantiate)|expected magic word|Cannot find function|invalid wasm/i,
    'bad-model-library',
  ],
  [
    /Failed to fetch|NetworkError|network error|ERR_[A-Z_]*(CONNECTION|NETWORK|INTERNET)|Load failed|Failed to execute 'add' on 'Cache'|Cannot fetch|Network response was not ok|Failed to store/i,
    'network',
  ],
];

/** Reduce any thrown value to the text web-llm would have sent through the worker. */
export function errorText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Error || (typeof DOMException !== 'undefined' && raw instanceof DOMException)) {
    return `${raw.name}: ${raw.message}`;
  }
  // Errors from another realm (a worker, an iframe) are plain objects here; their name still
  // carries the meaning (a DOMException's is all there is: "QuotaExceededError").
  if (raw && typeof raw === 'object' && 'message' in raw) {
    const { name, message } = raw as { name?: unknown; message: unknown };
    return typeof name === 'string' && name ? `${name}: ${String(message)}` : String(message);
  }
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
}

export function classifyError(raw: unknown): EngineErrorCode {
  const text = errorText(raw);
  for (const [pattern, code] of RULES) if (pattern.test(text)) return code;
  return 'unknown';
}

/** Build the user-facing error for a code, keeping the raw text as detail. */
export function engineError(code: EngineErrorCode, detail?: string): EngineError {
  return { code, ...MESSAGES[code], ...(detail ? { detail } : {}) };
}

export function toEngineError(raw: unknown): EngineError {
  if (isEngineError(raw)) return raw;
  const text = errorText(raw);
  return engineError(classifyError(text), text);
}

export function isEngineError(value: unknown): value is EngineError {
  return (
    !!value &&
    typeof value === 'object' &&
    'code' in value &&
    'message' in value &&
    'hint' in value &&
    typeof (value as EngineError).code === 'string' &&
    Object.hasOwn(MESSAGES, (value as EngineError).code)
  );
}
