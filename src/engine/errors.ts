/**
 * Turns whatever web-llm (or the browser underneath it) threw into one of our error codes, with a
 * message and a next step a person can act on.
 *
 * Through a Web Worker, web-llm rejects with plain strings made by `err.toString()`, so the only
 * reliable signal is the text: usually `"<ErrorName>: <message>"`. On the main thread we may also
 * get real Error or DOMException objects; both are reduced to the same text first.
 */
import { hostRefusal } from '../security/connect-policy.js';

export type EngineErrorCode =
  | 'no-webgpu'
  | 'shader-f16'
  | 'device-lost'
  | 'worker-lost'
  | 'quota'
  | 'network'
  | 'model-not-found'
  | 'host-not-allowed'
  | 'bad-model-library'
  | 'bad-model-file'
  | 'gpu-limits'
  | 'out-of-memory'
  | 'context-window'
  | 'aborted'
  /** The remote engine's server: its message names the server and what went wrong (remote/remote-errors.ts). */
  | 'remote'
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
  'host-not-allowed': {
    message: 'This site’s Content-Security-Policy does not allow downloads from the model’s host.',
    hint: 'Retrying will not help. Choose a model from another host, or ask the site’s owner to allow this one (APERTO_MODEL_HOSTS).',
  },
  'bad-model-library': {
    message: 'The model’s program (its WebAssembly library) is broken or does not match this version of Aperto.',
    hint: 'Press Retry to download it again. If it keeps failing, choose another model.',
  },
  'bad-model-file': {
    message: 'The model file is damaged, incomplete, or not a model this engine can read.',
    hint: 'Delete it in Models and download it again, or check that the URL points to a .gguf model file.',
  },
  'gpu-limits': {
    message: 'This GPU’s limits are below what the GPU engine needs, so it cannot run models on it.',
    hint: 'Switch to the CPU engine (Models → engine), or try another browser or GPU.',
  },
  'out-of-memory': {
    message: 'The model needs more memory than this browser tab can get.',
    hint: 'Close other tabs, or choose a smaller model or a shorter context.',
  },
  remote: {
    message: 'The remote server could not answer.',
    hint: 'Check that it is running and reachable, then try again.',
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

type Wording = Partial<Pick<EngineError, 'message' | 'hint'>>;

interface Rule {
  pattern: RegExp;
  code: EngineErrorCode;
  /** Wording more precise than the code's own, from what the matched text names. */
  explain?: (match: RegExpExecArray) => Wording;
}

const MIB = 1024 * 1024;
const inMiB = (bytes: string) => `${Math.round(Number(bytes) / MIB)} MB`;

/**
 * Ordered: the first rule whose pattern matches the text wins. The texts are web-llm 0.2.86's
 * (test/unit/webllm-error-texts.test.ts reads them from its source), so an upgrade that rewords
 * one fails that test instead of turning into "Something went wrong".
 */
const RULES: readonly Rule[] = [
  { pattern: /QuotaExceeded|quota (has been )?exceeded|No space left|insufficient storage/i, code: 'quota' },
  // Also catches an artifact that requires the feature: "requires unsupported WebGPU feature "shader-f16"".
  { pattern: /ShaderF16SupportError|shader-f16/i, code: 'shader-f16' },
  { pattern: /IntegrityError|Integrity verification failed/i, code: 'bad-model-file' },
  {
    // web-llm's device.lost handler calls unload(): a load in progress is aborted with
    // "Engine.unload() is called." and every later request fails with ModelNotLoadedError, while
    // we still think a model is loaded. (\b keeps out WorkerEngineModelNotLoadedError: the
    // client-side "no model was ever loaded".)
    pattern: /DeviceLostError|device (was )?lost|\bModelNotLoadedError|Engine\.unload\(\) is called/i,
    code: 'device-lost',
  },
  {
    pattern: /WebGPUNotAvailableError|WebGPUNotFoundError|Cannot find WebGPU|navigator\.gpu|requestAdapter|Unable to find a compatible GPU/i,
    code: 'no-webgpu',
  },
  {
    // FeatureSupportError: "This model requires feature subgroups, which is not yet supported…";
    // ArtifactManifestError: "Compiled artifact requires unsupported WebGPU feature "subgroups"".
    pattern: /requires (?:unsupported WebGPU )?feature "?([\w-]+)"?/i,
    code: 'gpu-limits',
    explain: ([, feature]) => ({
      message: `This model needs the GPU feature “${feature}”, which this GPU or browser does not offer.`,
      hint: 'Choose another model, switch to the CPU engine (Models → engine), or try another browser or GPU.',
    }),
  },
  {
    pattern: /requires maxStorageBufferBindingSize (\d+), but this device exposes (\d+)/i,
    code: 'gpu-limits',
    explain: ([, needed, offered]) => ({
      message: `This model needs larger GPU buffers than this GPU offers (${inMiB(needed)} per buffer, where it allows ${inMiB(offered)}).`,
      hint: 'Choose a smaller model, or switch to the CPU engine (Models → engine).',
    }),
  },
  { pattern: /Cannot initialize runtime because of requested \w+ exceeds limit/i, code: 'gpu-limits' },
  {
    // web-llm's runtime: "Cannot allocate N bytes in Wasm memory"; emscripten: "Aborted(OOM)",
    // which wllama words "(ABORT) OOM"; V8: "WebAssembly.Memory(): could not allocate memory".
    pattern: /\bOOM\b|Cannot allocate|could not allocate|out of memory|Array buffer allocation failed/i,
    code: 'out-of-memory',
  },
  { pattern: /ContextWindowSizeExceededError|exceed context window/i, code: 'context-window' },
  { pattern: /ModelNotFoundError|Cannot find model record|model-not-found|\b404\b/i, code: 'model-not-found' },
  // Not emscripten's "Aborted(…)": that is a crash, not a cancel.
  { pattern: /AbortError|\baborted\b(?!\()|cancell?ed/i, code: 'aborted' },
  {
    // The library lacks a function this runtime calls, or its manifest does not fit the model.
    pattern:
      /CompileError|LinkError|WebAssembly\.(instantiate|compile|Module)|MissingModelError|wasm (validation|magic|instantiate)|expected magic word|Cannot find function|Cannot find global function|Cannot find required VM function|ArtifactManifestError|invalid wasm/i,
    code: 'bad-model-library',
  },
  {
    pattern:
      /Failed to fetch|NetworkError|network error|ERR_[A-Z_]*(CONNECTION|NETWORK|INTERNET)|Load failed|Failed to execute 'add' on 'Cache'|Cannot fetch|Network response was not ok|Failed to store/i,
    code: 'network',
  },
];

function firstRule(text: string): { rule: Rule; match: RegExpExecArray } | undefined {
  for (const rule of RULES) {
    const match = rule.pattern.exec(text);
    if (match) return { rule, match };
  }
  return undefined;
}

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
  return firstRule(errorText(raw))?.rule.code ?? 'unknown';
}

/**
 * A download the page's (or its worker's) Content-Security-Policy refused: the host and how a site
 * owner allows it, in the same sentence as when such a model is added (connect-policy.ts).
 */
export function hostNotAllowedError(url: string, detail?: string): EngineError {
  return { ...engineError('host-not-allowed', detail ?? `connect-src refused ${url}`), message: hostRefusal(url) };
}

/** Build the user-facing error for a code, keeping the raw text as detail. */
export function engineError(code: EngineErrorCode, detail?: string): EngineError {
  return { code, ...MESSAGES[code], ...(detail ? { detail } : {}) };
}

export function toEngineError(raw: unknown): EngineError {
  if (isEngineError(raw)) return raw;
  const text = errorText(raw);
  const found = firstRule(text);
  if (!found) return engineError('unknown', text);
  return { ...engineError(found.rule.code, text), ...found.rule.explain?.(found.match) };
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
