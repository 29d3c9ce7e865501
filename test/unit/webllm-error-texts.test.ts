import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyError, engineError, toEngineError } from '../../src/engine/errors.js';

/**
 * The error texts of the installed web-llm, read from its bundle rather than copied, so that an
 * upgrade which rewords one fails here ("web-llm changed its text for …") instead of reaching
 * people as "Something went wrong".
 *
 * Through its Web Worker web-llm rejects with `err.toString()`: `"<name>: <message>"`, `"Error: …"`
 * for a plain `Error(…)`, and the bare reason for a fetch aborted with a string reason.
 */
const SOURCE = readFileSync(new URL('../../node_modules/@mlc-ai/web-llm/lib/index.js', import.meta.url), 'utf8');

type Values = Readonly<Record<string, string>>;

function changed(what: string, why: string): Error {
  return new Error(`web-llm changed its text for ${what}: ${why}`);
}

/** Index just past the `}` closing the `${` placeholder that starts at `from` (just past `${`). */
function placeholderEnd(source: string, from: number): number {
  let depth = 1;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'" || c === '`') i = literalEnd(source, i) - 1;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  throw new Error('unterminated placeholder');
}

/** Index just past the string literal that starts at `from`. */
function literalEnd(source: string, from: number): number {
  const quote = source[from];
  for (let i = from + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (quote === '`' && source.startsWith('${', i)) i = placeholderEnd(source, i + 2) - 1;
    else if (source[i] === quote) return i + 1;
  }
  throw new Error('unterminated string');
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r' };

/**
 * Evaluate the message argument web-llm passes to an error at `from`: string and template literals
 * and plain identifiers joined by `+`. Placeholders and identifiers take their value from `values`
 * (by their source text), else from `fallback`; with neither, the text is unknown to us.
 */
function messageAt(what: string, from: number, values: Values = {}, fallback?: string): string {
  const valueOf = (expression: string) => {
    const value = values[expression] ?? fallback;
    if (value === undefined) throw changed(what, `it now depends on \`${expression}\``);
    return value;
  };
  let text = '';
  let i = from;
  for (;;) {
    while (/[\s+]/.test(SOURCE[i] ?? '')) i++;
    const quote = SOURCE[i];
    if (quote === '"' || quote === "'" || quote === '`') {
      const end = literalEnd(SOURCE, i);
      for (let j = i + 1; j < end - 1; j++) {
        if (SOURCE[j] === '\\') {
          const escaped = SOURCE[++j]!;
          text += ESCAPES[escaped] ?? escaped;
        } else if (quote === '`' && SOURCE.startsWith('${', j)) {
          const close = placeholderEnd(SOURCE, j + 2);
          text += valueOf(SOURCE.slice(j + 2, close - 1).trim());
          j = close - 1;
        } else {
          text += SOURCE[j];
        }
      }
      i = end;
      continue;
    }
    const identifier = /^[A-Za-z_$][\w$.]*/.exec(SOURCE.slice(i, i + 200))?.[0];
    // An identifier is part of the message only when joined to it with `+`.
    if (identifier && /\+\s*$/.test(SOURCE.slice(from, i))) {
      text += valueOf(identifier);
      i += identifier.length;
      continue;
    }
    if (text === '') throw changed(what, 'its message is no longer a string literal');
    return text;
  }
}

/** Where every match of `pattern` ends; at least one, or web-llm changed the text. */
function sitesOf(what: string, pattern: RegExp): number[] {
  const ends = [...SOURCE.matchAll(new RegExp(pattern.source, 'g'))].map((m) => m.index + m[0].length);
  if (ends.length === 0) throw changed(what, `nothing in web-llm matches ${pattern}`);
  return ends;
}

/** `"<name>: <message>"` for web-llm's error class `className`, as its worker sends it. */
function classError(className: string, values: Values = {}): string {
  const [start] = sitesOf(className, new RegExp(`class ${className} extends \\w+ \\{\\s*constructor\\([^)]*\\) \\{\\s*super\\(`));
  const message = messageAt(className, start, values);
  const name = /this\.name = "(\w+)"/.exec(SOURCE.slice(start, start + 2000))?.[1];
  if (!name) throw changed(className, 'it no longer sets this.name');
  return `${name}: ${message}`;
}

/** The texts of every `throw new <className>(…)` / `throw Error(…)` whose message starts with `opening`. */
function thrownErrors(name: string, opening: string, values: Values = {}, fallback?: string): string[] {
  const what = `${name} "${opening}…"`;
  const escaped = opening.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const throwSite = new RegExp(`throw (?:new )?${name}\\((?=\\s*["'\`]${escaped})`);
  return sitesOf(what, throwSite).map((at) => `${name}: ${messageAt(what, at, values, fallback)}`);
}

function onlyOne(texts: string[]): string {
  expect(texts).toHaveLength(1);
  return texts[0]!;
}

describe('web-llm texts that must keep their meaning', () => {
  it('calls a missing shader-f16 extension shader-f16', () => {
    expect(classifyError(classError('ShaderF16SupportError'))).toBe('shader-f16');
  });

  it('calls a lost GPU device device-lost', () => {
    expect(classifyError(classError('DeviceLostError'))).toBe('device-lost');
  });

  it('calls a prompt longer than the context window context-window', () => {
    const text = classError('ContextWindowSizeExceededError', { numPromptTokens: '5000', contextWindowSize: '4096' });

    expect(classifyError(text)).toBe('context-window');
  });

  it('calls an id missing from the app config model-not-found', () => {
    const text = classError('ModelNotFoundError', { modelId: 'Qwen9-0.1B-q4f32_1-MLC' });

    expect(classifyError(text)).toBe('model-not-found');
  });

  it('calls an artifact that requires shader-f16 shader-f16', () => {
    const text = onlyOne(
      thrownErrors('ArtifactManifestError', 'Compiled artifact requires unsupported WebGPU feature', {
        'JSON.stringify(feature)': '"shader-f16"',
      }),
    );

    expect(classifyError(text)).toBe('shader-f16');
  });
});

describe('web-llm texts about the GPU itself', () => {
  it('calls a browser that finds no GPU adapter no-webgpu', () => {
    const text = onlyOne(thrownErrors('Error', 'Unable to find a compatible GPU'));

    expect(classifyError(text)).toBe('no-webgpu');
  });

  it('calls every GPU limit below what the runtime requests gpu-limits', () => {
    const texts = thrownErrors('Error', 'Cannot initialize runtime because of requested', {}, '128');
    const limits = texts.map((text) => /requested (\w+)/.exec(text)?.[1]);

    expect(limits).toEqual(
      expect.arrayContaining([
        'maxBufferSize',
        'maxStorageBufferBindingSize',
        'maxComputeWorkgroupStorageSize',
        'maxStorageBuffersPerShaderStage',
      ]),
    );
    for (const text of texts) expect(classifyError(text), text).toBe('gpu-limits');
  });

  it('tells that the GPU limits are below what the engine needs, and to use the CPU engine', () => {
    const [text] = thrownErrors('Error', 'Cannot initialize runtime because of requested', {}, '128');

    const error = toEngineError(text);

    expect(error.message).toMatch(/GPU’s limits are below what the GPU engine needs/);
    expect(error.hint).toMatch(/CPU engine/);
  });

  it('says a model needs larger GPU buffers than this GPU offers, and how much larger', () => {
    const text = onlyOne(
      thrownErrors('ArtifactManifestError', 'Compiled artifact requires maxStorageBufferBindingSize', {
        requiredBuffer: String(256 * 1024 * 1024),
        'artifactDeviceCapabilities.maxStorageBufferBindingSize': String(128 * 1024 * 1024),
      }),
    );

    const error = toEngineError(text);

    expect(error.code).toBe('gpu-limits');
    expect(error.message).toMatch(/needs larger GPU buffers than this GPU offers \(256 MB per buffer, where it allows 128 MB\)/);
  });

  it('names the WebGPU feature an artifact requires', () => {
    const text = onlyOne(
      thrownErrors('ArtifactManifestError', 'Compiled artifact requires unsupported WebGPU feature', {
        'JSON.stringify(feature)': '"subgroups"',
      }),
    );

    const error = toEngineError(text);

    expect(error.code).toBe('gpu-limits');
    expect(error.message).toMatch(/needs the GPU feature “subgroups”/);
  });

  it('names the feature a model requires, instead of talking about shader-f16', () => {
    const text = classError('FeatureSupportError', { feature: 'subgroups' });

    const error = toEngineError(text);

    expect(error.code).toBe('gpu-limits');
    expect(error.message).toMatch(/needs the GPU feature “subgroups”/);
    expect(error.message).not.toBe(engineError('shader-f16').message);
  });
});

describe('web-llm texts about the model library', () => {
  it('calls a library without a function the runtime needs bad-model-library', () => {
    const text = onlyOne(thrownErrors('Error', 'Cannot find global function', { name: 'vm.builtin.kv_state_begin_forward' }));

    expect(classifyError(text)).toBe('bad-model-library');
  });

  it('calls a library without a VM function web-llm needs bad-model-library', () => {
    const text = onlyOne(
      thrownErrors('Error', 'Cannot find required VM function', { name: 'prefill', availableStr: 'decode, embed' }),
    );

    expect(classifyError(text)).toBe('bad-model-library');
  });

  it('calls every other artifact manifest error bad-model-library', () => {
    const gpuLimits = /^ArtifactManifestError: Compiled artifact requires (unsupported WebGPU feature|maxStorageBufferBindingSize)/;
    const texts = thrownErrors('ArtifactManifestError', '', {}, 'x').filter((text) => !gpuLimits.test(text));

    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(classifyError(text), text).toBe('bad-model-library');
  });
});

describe('web-llm texts about memory', () => {
  it('calls every failed Wasm allocation out-of-memory', () => {
    const texts = thrownErrors('Error', 'Cannot allocate', {}, '1073741824');

    for (const text of texts) expect(classifyError(text), text).toBe('out-of-memory');
  });

  it('calls its runtime aborting with OOM out-of-memory, never a cancel', () => {
    // emscripten's abort(what): "Aborted(" + what + ")", then ". Build with -sASSERTIONS …",
    // thrown as a WebAssembly.RuntimeError.
    const wrap = /what="(Aborted\()"\+what\+"(\))";/.exec(SOURCE);
    const suffix = /what\+="([^"]+)";var e=new WebAssembly\.RuntimeError\(what\)/.exec(SOURCE)?.[1];
    if (!wrap || !suffix) throw changed('emscripten’s abort()', 'no "Aborted(" + what + ")" in its runtime');
    const text = `RuntimeError: ${wrap[1]}OOM${wrap[2]}${suffix}`;

    const error = toEngineError(text);

    expect(error.code).toBe('out-of-memory');
    expect(error.message).toBe('The model needs more memory than this browser tab can get.');
  });

  it('does not call its runtime aborting for another reason a cancel', () => {
    expect(classifyError('RuntimeError: Aborted(native code called abort()). Build with -sASSERTIONS for more info.')).not.toBe(
      'aborted',
    );
  });

  it.each([
    ['wllama’s worker aborting with OOM', 'RuntimeError: (ABORT) OOM'],
    ['wllama failing to reserve its memory', 'Error: Cannot allocate WebAssembly.Memory'],
    ['V8 refusing a WebAssembly memory', 'RangeError: WebAssembly.Memory(): could not allocate memory'],
  ])('calls %s out-of-memory', (_what, text) => {
    expect(classifyError(text)).toBe('out-of-memory');
  });
});

describe('web-llm texts after its device.lost handler unloaded the model', () => {
  it('calls a request to the unloaded engine device-lost', () => {
    const text = classError('ModelNotLoadedError', { requestName: 'ChatCompletionRequest' });

    expect(classifyError(text)).toBe('device-lost');
  });

  it('calls a load aborted by unload() device-lost, not a cancel', () => {
    const [at] = sitesOf('unload()', /this\.reloadController\.abort\(/);
    const reason = messageAt('unload()', at!);

    expect(reason).toMatch(/unload/);
    expect(classifyError(reason)).toBe('device-lost');
  });

  it('does not call a worker client that never loaded a model device-lost', () => {
    const text = classError('WorkerEngineModelNotLoadedError', { engineName: 'WebWorkerMLCEngine' });

    expect(classifyError(text)).not.toBe('device-lost');
  });
});
