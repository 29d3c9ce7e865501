import { describe, expect, it } from 'vitest';
import {
  classifyError,
  engineError,
  hostNotAllowedError,
  isEngineError,
  toEngineError,
  type EngineErrorCode,
} from '../../src/engine/errors.js';

/**
 * The texts web-llm 0.2.86 rejects with through its worker (`err.toString()`). Its error classes
 * are not exported, so their messages are copied from node_modules/@mlc-ai/web-llm/lib/index.js.
 */
const WEB_LLM = {
  deviceLost:
    'DeviceLostError: The WebGPU device was lost while loading the model. This issue often occurs due to running out of memory (OOM). To resolve this, try reloading with a model that has fewer parameters or uses a smaller context length.',
  shaderF16:
    'ShaderF16SupportError: This model requires WebGPU extension shader-f16, which is not enabled in this browser. ' +
    'You can try to launch Chrome Canary in command line with flag "--enable-dawn-features=allow_unsafe_apis".',
  webGpuNotAvailable:
    'WebGPUNotAvailableError: WebGPU is not supported in your current environment, but it is necessary to run the WebLLM engine. ' +
    'Please make sure that your browser supports WebGPU and that it is enabled in your browser settings. ' +
    "You can also consult your browser's compatibility chart to see if it supports WebGPU. " +
    'For more information about WebGPU support in your browser, visit https://webgpureport.org/',
  webGpuNotFound: 'WebGPUNotFoundError: Cannot find WebGPU in the environment',
  modelNotFound: (modelId: string) =>
    `ModelNotFoundError: Cannot find model record in appConfig for ${modelId}. Please check if the model ID is correct and included in the model_list configuration.`,
  contextWindow: (numPromptTokens: number, contextWindowSize: number) =>
    `ContextWindowSizeExceededError: Prompt tokens exceed context window size: number of prompt tokens: ${numPromptTokens}; ` +
    `context window size: ${contextWindowSize}\nConsider shortening the prompt, or increase ` +
    '`context_window_size`, or using sliding window via `sliding_window_size`.',
};

/** Every code, checked by the compiler against the EngineErrorCode union (no more, no fewer). */
const ALL_CODES = Object.keys({
  'no-webgpu': true,
  'shader-f16': true,
  'device-lost': true,
  'worker-lost': true,
  quota: true,
  network: true,
  'model-not-found': true,
  'host-not-allowed': true,
  'bad-model-library': true,
  'bad-model-file': true,
  'gpu-limits': true,
  'out-of-memory': true,
  'context-window': true,
  aborted: true,
  remote: true,
  unknown: true,
} satisfies Record<EngineErrorCode, true>) as EngineErrorCode[];

describe('classifyError with texts web-llm sends through its worker', () => {
  it.each<[string, string, EngineErrorCode]>([
    ['a lost GPU device', WEB_LLM.deviceLost, 'device-lost'],
    ['missing shader-f16 support', WEB_LLM.shaderF16, 'shader-f16'],
    ['WebGPU not available', WEB_LLM.webGpuNotAvailable, 'no-webgpu'],
    ['WebGPU not found', WEB_LLM.webGpuNotFound, 'no-webgpu'],
    ['an unknown model id', WEB_LLM.modelNotFound('Qwen9-0.1B-q4f32_1-MLC'), 'model-not-found'],
    ['a prompt longer than the context window', WEB_LLM.contextWindow(5000, 4096), 'context-window'],
  ])('recognises %s', (_what, text, code) => {
    expect(classifyError(text)).toBe(code);
  });
});

describe('classifyError with texts from the browser underneath web-llm', () => {
  it.each<[string, string, EngineErrorCode]>([
    ['a full storage quota', 'QuotaExceededError: The quota has been exceeded.', 'quota'],
    ['a fetch that could not reach the host', 'TypeError: Failed to fetch', 'network'],
    [
      'a Cache.add that failed mid-download',
      "TypeError: Failed to execute 'add' on 'Cache': Request failed",
      'network',
    ],
    [
      'a model library that is not WebAssembly',
      'CompileError: WebAssembly.instantiate(): expected magic word 00 61 73 6d, found 3c 21 44 4f @+0',
      'bad-model-library',
    ],
    [
      'a model library that does not link against this runtime',
      'LinkError: WebAssembly.instantiate(): Import #0 "env" "TVMWasmPackedCFunc": function import requires a callable',
      'bad-model-library',
    ],
    ['an aborted request', 'AbortError: The user aborted a request.', 'aborted'],
  ])('recognises %s', (_what, text, code) => {
    expect(classifyError(text)).toBe(code);
  });

  it('calls text it does not recognise unknown', () => {
    expect(classifyError('xyzzy: frobnicated the wibble')).toBe('unknown');
  });
});

describe('engineError messages', () => {
  it.each(ALL_CODES)('gives %s a non-empty message and hint', (code) => {
    const error = engineError(code);

    expect(error.code).toBe(code);
    expect(error.message.trim()).not.toBe('');
    expect(error.hint.trim()).not.toBe('');
  });

  it('gives every code its own message', () => {
    const messages = ALL_CODES.map((code) => engineError(code).message);

    expect(new Set(messages).size).toBe(ALL_CODES.length);
  });

  it('gives every code its own hint', () => {
    const hints = ALL_CODES.map((code) => engineError(code).hint);

    expect(new Set(hints).size).toBe(ALL_CODES.length);
  });
});

describe('toEngineError', () => {
  it('keeps the original text as detail', () => {
    const error = toEngineError(WEB_LLM.deviceLost);

    expect(error.code).toBe('device-lost');
    expect(error.detail).toBe(WEB_LLM.deviceLost);
  });

  it('shows its own message rather than web-llm’s', () => {
    const error = toEngineError(WEB_LLM.deviceLost);

    expect(error.message).toBe(engineError('device-lost').message);
    expect(error.message).not.toBe(WEB_LLM.deviceLost);
  });

  it('accepts an Error object and keeps its name and message as detail', () => {
    const error = toEngineError(new TypeError('Failed to fetch'));

    expect(error.code).toBe('network');
    expect(error.detail).toBe('TypeError: Failed to fetch');
  });

  it('accepts a DOMException', () => {
    const error = toEngineError(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));

    expect(error.code).toBe('quota');
    expect(error.detail).toContain('QuotaExceededError');
  });

  it('accepts a DOMException-like object whose message tells what happened', () => {
    const error = toEngineError({ name: 'AbortError', message: 'The user aborted a request.' });

    expect(error.code).toBe('aborted');
    expect(error.detail).toContain('The user aborted a request.');
  });

  it('accepts a DOMException-like object whose name tells what happened', () => {
    const error = toEngineError({
      name: 'QuotaExceededError',
      message: 'The current transaction exceeded its quota limitations.',
    });

    expect(error.code).toBe('quota');
  });

  it('accepts a value that is neither text nor an error object', () => {
    const error = toEngineError(42);

    expect(error.code).toBe('unknown');
    expect(error.detail).toBe('42');
  });

  it('passes an already-mapped error through unchanged', () => {
    const mapped = { ...engineError('network', 'TypeError: Failed to fetch'), message: 'Custom wording.' };

    const again = toEngineError(mapped);

    expect(again).toBe(mapped);
  });
});

describe('isEngineError', () => {
  it('recognises an error made by toEngineError', () => {
    expect(isEngineError(toEngineError('TypeError: Failed to fetch'))).toBe(true);
  });

  it('does not mistake a plain Error for a mapped one', () => {
    expect(isEngineError(new Error('boom'))).toBe(false);
  });

  it('does not accept an object whose code is not one of ours', () => {
    expect(isEngineError({ code: 'ERR_NETWORK', message: 'offline', hint: 'retry' })).toBe(false);
  });

  it.each([null, undefined, 'network', 0])('rejects %s', (value) => {
    expect(isEngineError(value)).toBe(false);
  });
});

describe('a download the Content-Security-Policy refused', () => {
  it('names the host and how the site’s owner allows it, and is not a network error', () => {
    const error = hostNotAllowedError('https://models.example.org:8443/aperto/model.gguf');

    expect(error.code).toBe('host-not-allowed');
    expect(error.message).toBe(
      'This site’s Content-Security-Policy does not allow downloads from models.example.org:8443; the site’s owner can allow them by adding https://models.example.org:8443 to APERTO_MODEL_HOSTS (or to connect-src in the policy the server sends).',
    );
    expect(isEngineError(error)).toBe(true);
  });
});
