/**
 * Models added by URL: a GGUF file for the CPU engine, or an MLC model folder plus its .wasm
 * library for the GPU engine. Everything here runs in Node; cpu-library.ts pulls in wllama's ESM,
 * which imports there without touching any browser API.
 */
import type { AppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../src/engine/app-config.js';
import type { CatalogEntry } from '../../src/engine/catalog.js';
import { CpuModelLibrary, customCpuEntry, fitCpuModel } from '../../src/engine/cpu/cpu-library.js';
import type { CpuEngineClient } from '../../src/engine/cpu/cpu-engine-client.js';
import type { EngineClient } from '../../src/engine/engine-client.js';
import { customGpuEntry, GpuModelLibrary } from '../../src/engine/gpu-library.js';
import { contextWindowOf, CustomModelError, modelSources, parseHttpUrl } from '../../src/engine/model-library.js';
import { EngineStore } from '../../src/engine/store.js';

const NONE: ReadonlySet<string> = new Set();
const GGUF = 'https://huggingface.co/someone/Tiny-GGUF/resolve/main/tiny-model-Q4_K_M.gguf';
const MLC = 'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC';
const WASM = 'https://example.com/libs/Qwen3-0.6B-q4f16_1-ctx4k_cs1k-webgpu.wasm';
const MLC_F32 = 'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f32_1-MLC';

/** The error a function throws, or a failure when it throws none. */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, nothing was thrown');
}

describe('parseHttpUrl', () => {
  it('accepts a full https address', () => {
    expect(parseHttpUrl('  https://example.com/a/model.gguf  ', 'The model URL').href).toBe('https://example.com/a/model.gguf');
  });

  it('accepts a plain http address', () => {
    expect(parseHttpUrl('http://127.0.0.1:8000/model.gguf', 'The model URL').protocol).toBe('http:');
  });

  it('asks for a full web address when given a relative one, quoting it', () => {
    const error = errorOf(() => parseHttpUrl('models/tiny.gguf', 'The model URL'));

    expect(error).toBeInstanceOf(CustomModelError);
    expect(error.message).toBe('The model URL must be a full web address starting with https:// (got “models/tiny.gguf”).');
  });

  it.each(['javascript:alert(1)//x.gguf', 'data:text/plain,hello.gguf', 'ftp://example.com/model.gguf', 'file:///home/me/model.gguf'])(
    'refuses %s, naming the scheme it does not accept',
    (value) => {
      const error = errorOf(() => parseHttpUrl(value, 'The model URL'));

      expect(error).toBeInstanceOf(CustomModelError);
      expect(error.message).toMatch(/^The model URL must start with https:\/\/ or http:\/\/, not [a-z]+:$/);
    },
  );

  it('refuses an address carrying a user name and password', () => {
    const error = errorOf(() => parseHttpUrl('https://me:secret@example.com/model.gguf', 'The model URL'));

    expect(error).toBeInstanceOf(CustomModelError);
    expect(error.message).toBe('The model URL must not contain a user name or password.');
  });

  it('does not repeat a password back in its message', () => {
    const error = errorOf(() => parseHttpUrl('https://me:secret@example.com/model.gguf', 'The model URL'));

    expect(error.message).not.toContain('secret');
  });
});

describe('customCpuEntry (a GGUF file by URL)', () => {
  it('makes a custom entry for the CPU engine, named after the file', () => {
    const entry = customCpuEntry({ url: GGUF }, NONE);

    expect(entry).toMatchObject({
      id: 'tiny-model-Q4_K_M',
      name: 'tiny-model-Q4_K_M',
      engine: 'cpu',
      custom: true,
      modelUrl: GGUF,
      maker: 'huggingface.co',
    });
  });

  it.each([
    ['foo-Q4_K_M.gguf', 'Q4_K_M'],
    ['qwen2.5-0.5b-instruct-q4_k_m.gguf', 'Q4_K_M'],
    ['Llama-3.2-1B-Instruct-Q8_0.gguf', 'Q8_0'],
    ['tiny_IQ2_XS.gguf', 'IQ2_XS'],
    ['gemma-3-270m-it-F16.gguf', 'F16'],
    ['model.bf16.gguf', 'BF16'],
  ])('reads the quantization of %s as %s', (file, quantization) => {
    expect(customCpuEntry({ url: `https://example.com/${file}` }, NONE).quantization).toBe(quantization);
  });

  it('calls the quantization GGUF when the file name does not say it', () => {
    expect(customCpuEntry({ url: 'https://example.com/synthetic.gguf' }, NONE).quantization).toBe('GGUF');
  });

  it('accepts an upper-case .GGUF extension and drops it from the name', () => {
    expect(customCpuEntry({ url: 'https://example.com/MODEL.GGUF' }, NONE).name).toBe('MODEL');
  });

  it('decodes an escaped file name for display', () => {
    expect(customCpuEntry({ url: 'https://example.com/my%20model-Q4_0.gguf' }, NONE).name).toBe('my model-Q4_0');
  });

  it('gives a second model with a taken name the suffix " (2)"', () => {
    const entry = customCpuEntry({ url: GGUF }, new Set(['tiny-model-Q4_K_M']));

    expect(entry.id).toBe('tiny-model-Q4_K_M (2)');
  });

  it('counts on to " (3)" when " (2)" is taken too', () => {
    const entry = customCpuEntry({ url: GGUF }, new Set(['tiny-model-Q4_K_M', 'tiny-model-Q4_K_M (2)']));

    expect(entry.id).toBe('tiny-model-Q4_K_M (3)');
  });

  it('refuses a URL that is not a .gguf file, saying the CPU engine runs GGUF models', () => {
    const error = errorOf(() => customCpuEntry({ url: 'https://example.com/model.safetensors' }, NONE));

    expect(error).toBeInstanceOf(CustomModelError);
    expect(error.message).toBe('The CPU engine runs GGUF models: the URL must point to a .gguf file.');
  });

  it('refuses a URL whose query string merely ends in .gguf', () => {
    const error = errorOf(() => customCpuEntry({ url: 'https://example.com/download?file=model.gguf' }, NONE));

    expect(error).toBeInstanceOf(CustomModelError);
  });

  it.each(['javascript:alert(1)//model.gguf', 'data:application/octet-stream,model.gguf', 'ftp://example.com/model.gguf', '/models/model.gguf', 'https://me:pw@example.com/model.gguf'])(
    'refuses %s with a sentence about the model URL',
    (url) => {
      const error = errorOf(() => customCpuEntry({ url }, NONE));

      expect(error).toBeInstanceOf(CustomModelError);
      expect(error.message).toMatch(/^The model URL must /);
    },
  );

  it('keeps a file name with a broken percent-escape as written instead of failing', () => {
    const entry = customCpuEntry({ url: 'https://example.com/100%25%-Q4_0.gguf' }, NONE);

    expect(entry.name).toBe('100%25%-Q4_0');
    expect(entry.quantization).toBe('Q4_0');
  });
});

describe('fitCpuModel', () => {
  const entry = (sizes: Partial<Pick<CatalogEntry, 'downloadBytes' | 'vramMB'>>): CatalogEntry => ({
    ...customCpuEntry({ url: GGUF }, NONE),
    ...sizes,
  });
  const GB = 1024 ** 3;

  it('says a browser without 64-bit WebAssembly memory needs that feature', () => {
    const fit = fitCpuModel(entry({ downloadBytes: GB / 2, vramMB: 700 }), {}, false);

    expect(fit).toMatchObject({ fits: false, verdict: 'needs-feature', reason: expect.stringMatching(/64-bit WebAssembly memory/) });
  });

  it('refuses a model larger than about 3 GB as too large for the CPU engine', () => {
    const fit = fitCpuModel(entry({ downloadBytes: 3.2 * GB, vramMB: 3500 }), {}, true);

    expect(fit).toMatchObject({ fits: false, verdict: 'too-large', reason: expect.stringMatching(/3 GB/) });
  });

  it('accepts a model of exactly 3 GB', () => {
    expect(fitCpuModel(entry({ downloadBytes: 3 * GB, vramMB: 3200 }), {}, true).fits).toBe(true);
  });

  it('refuses a model needing more than half the memory the device reports, in GB', () => {
    const fit = fitCpuModel(entry({ downloadBytes: GB, vramMB: 1536 }), { deviceMemoryGB: 2 }, true);

    expect(fit).toMatchObject({
      fits: false,
      verdict: 'too-large',
      reason: 'Too large for this device: needs about 1.5 GB of memory, this device reports 2 GB.',
    });
  });

  it('lets a model that fits the reported memory be loaded without a warning', () => {
    expect(fitCpuModel(entry({ downloadBytes: GB / 2, vramMB: 700 }), { deviceMemoryGB: 8 }, true)).toEqual({ fits: true });
  });

  it('lets a model of unknown size be loaded, warning that its size is unknown', () => {
    const fit = fitCpuModel(entry({}), { deviceMemoryGB: 2 }, true);

    expect(fit).toEqual({ fits: true, warning: 'Size unknown until the download starts.' });
  });
});

describe('CpuModelLibrary.addCustom', () => {
  /** Only the store is touched while adding models; nothing is loaded. */
  const library = () => new CpuModelLibrary({ store: new EngineStore('cpu') } as unknown as CpuEngineClient, []);

  it('lists the added model before the curated ones', () => {
    const lib = new CpuModelLibrary({ store: new EngineStore('cpu') } as unknown as CpuEngineClient);
    const curated = lib.entries().length;

    const entry = lib.addCustom({ url: GGUF });

    expect(lib.entries()[0]).toBe(entry);
    expect(lib.entries()).toHaveLength(curated + 1);
  });

  it('returns the same entry when the same URL is added twice', () => {
    const lib = library();
    const first = lib.addCustom({ url: GGUF });

    const second = lib.addCustom({ url: `  ${GGUF} ` });

    expect(second).toBe(first);
    expect(lib.entries()).toHaveLength(1);
  });

  it('gives a different file with the same name the suffix " (2)"', () => {
    const lib = library();
    lib.addCustom({ url: GGUF });

    const other = lib.addCustom({ url: 'https://mirror.example.org/tiny-model-Q4_K_M.gguf' });

    expect(other.id).toBe('tiny-model-Q4_K_M (2)');
  });

  it('returns the same entry when a URL containing a space is added twice', () => {
    const lib = library();
    const url = 'https://example.com/my model-Q4_0.gguf';
    const first = lib.addCustom({ url });

    const second = lib.addCustom({ url });

    expect(second).toBe(first);
  });
});

describe('customGpuEntry (an MLC model folder plus its library)', () => {
  it('makes a custom GPU entry named after the model folder', () => {
    const entry = customGpuEntry({ url: MLC, libraryUrl: WASM }, NONE);

    expect(entry).toMatchObject({
      id: 'Qwen3-0.6B-q4f16_1-MLC',
      name: 'Qwen3-0.6B-q4f16_1-MLC',
      engine: 'webgpu',
      custom: true,
      quantization: 'q4f16_1',
      weightBits: 4,
      modelUrl: MLC,
      libraryUrl: WASM,
    });
  });

  it('requires shader-f16 for an f16 model', () => {
    expect(customGpuEntry({ url: MLC, libraryUrl: WASM }, NONE).requiredFeatures).toEqual(['shader-f16']);
  });

  it('requires no GPU feature for an f32 model', () => {
    const entry = customGpuEntry({ url: 'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f32_1-MLC', libraryUrl: WASM }, NONE);

    expect(entry.requiredFeatures).toEqual([]);
  });

  it('hands web-llm a record with the model id, the model folder and the library', () => {
    expect(customGpuEntry({ url: MLC, libraryUrl: WASM }, NONE).record).toMatchObject({
      model_id: 'Qwen3-0.6B-q4f16_1-MLC',
      model: MLC,
      model_lib: WASM,
    });
  });

  it('sizes the record for a context window of 4,096 tokens when none is asked for, as the card says', () => {
    const entry = customGpuEntry({ url: MLC, libraryUrl: WASM }, NONE);

    expect(entry.record?.overrides?.context_window_size).toBe(4096);
    expect(entry.contextWindow).toBe(4096);
  });

  it('sizes the record for the context window asked for, and shows it on the entry', () => {
    const entry = customGpuEntry({ url: MLC, libraryUrl: WASM, contextWindow: 8192 }, NONE);

    expect(entry.record?.overrides?.context_window_size).toBe(8192);
    expect(entry.contextWindow).toBe(8192);
  });

  it('turns the sliding window off in the record, as web-llm does when it fixes a context window', () => {
    // web-llm refuses a config with both windows set; some MLC configs set a sliding window.
    expect(customGpuEntry({ url: MLC, libraryUrl: WASM }, NONE).record?.overrides?.sliding_window_size).toBe(-1);
  });

  it('tells web-llm that a q4f16_1 model needs shader-f16', () => {
    expect(customGpuEntry({ url: MLC, libraryUrl: WASM }, NONE).record?.required_features).toEqual(['shader-f16']);
  });

  it('tells web-llm that a q4f32_1 model needs no GPU feature', () => {
    const record = customGpuEntry({ url: MLC_F32, libraryUrl: WASM }, NONE).record;

    expect(record).toBeDefined();
    expect(record?.required_features ?? []).toEqual([]);
  });

  it('asks web-llm for what the catalog says the same model needs: its context window and GPU features', () => {
    const curated = catalog.find((e) => e.id === 'Qwen3-0.6B-q4f16_1-MLC')!;

    const record = customGpuEntry({ url: curated.modelUrl, libraryUrl: curated.libraryUrl }, NONE).record!;

    expect(record.overrides?.context_window_size).toBe(curated.contextWindow);
    // web-llm marks only some f16 records; the catalog adds shader-f16 to the rest (describeRecord).
    expect(record.required_features).toEqual(curated.requiredFeatures);
  });

  it.each([
    [255, '255'],
    [131073, '131073'],
    [0, '0'],
    [-4096, '-4096'],
    [4096.5, '4096.5'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('refuses a context window of %s, saying which windows it accepts', (contextWindow, shown) => {
    const error = errorOf(() => customGpuEntry({ url: MLC, libraryUrl: WASM, contextWindow }, NONE));

    expect(error).toBeInstanceOf(CustomModelError);
    expect(error.message).toBe(
      `The context window must be a whole number of tokens from 256 to 131,072 (got ${shown}). 4,096 suits most models.`,
    );
  });

  it.each([256, 131072])('accepts a context window of %s tokens, at the edge of the range', (contextWindow) => {
    expect(customGpuEntry({ url: MLC, libraryUrl: WASM, contextWindow }, NONE).record?.overrides?.context_window_size).toBe(contextWindow);
  });

  it('refuses a context window saved as text rather than as a number', () => {
    // Settings come back from IndexedDB untyped; a string must not reach web-llm's config.
    const error = errorOf(() => contextWindowOf({ contextWindow: '8192' as unknown as number }));

    expect(error).toBeInstanceOf(CustomModelError);
  });

  it.each([`${MLC}/resolve/main/`, `${MLC}/resolve/main`, `${MLC}/`])('names %s after the folder, without the suffix', (url) => {
    expect(customGpuEntry({ url, libraryUrl: WASM }, NONE).name).toBe('Qwen3-0.6B-q4f16_1-MLC');
  });

  it('gives a second model with a taken id the suffix " (2)", in its record too', () => {
    const entry = customGpuEntry({ url: MLC, libraryUrl: WASM }, new Set(['Qwen3-0.6B-q4f16_1-MLC']));

    expect(entry.id).toBe('Qwen3-0.6B-q4f16_1-MLC (2)');
    expect(entry.record?.model_id).toBe('Qwen3-0.6B-q4f16_1-MLC (2)');
  });

  it.each([undefined, '', '   '])('asks for the model library when the library URL is %j', (libraryUrl) => {
    const error = errorOf(() => customGpuEntry({ url: MLC, libraryUrl }, NONE));

    expect(error).toBeInstanceOf(CustomModelError);
    expect(error.message).toBe('A GPU model also needs its model library: the URL of the .wasm file compiled for it.');
  });

  it('refuses a library URL that is not a .wasm file', () => {
    const error = errorOf(() => customGpuEntry({ url: MLC, libraryUrl: 'https://example.com/libs/model.js' }, NONE));

    expect(error).toBeInstanceOf(CustomModelError);
    expect(error.message).toMatch(/\.wasm/);
  });

  it('refuses a library URL that is not a web address, naming the library field', () => {
    const error = errorOf(() => customGpuEntry({ url: MLC, libraryUrl: 'libs/model.wasm' }, NONE));

    expect(error).toBeInstanceOf(CustomModelError);
    expect(error.message).toMatch(/^The library URL must be a full web address/);
  });

  it('refuses a GGUF model URL, saying to switch the engine to CPU', () => {
    const error = errorOf(() => customGpuEntry({ url: GGUF, libraryUrl: WASM }, NONE));

    expect(error).toBeInstanceOf(CustomModelError);
    expect(error.message).toMatch(/Switch the engine to CPU/);
  });

  it('refuses an upper-case .GGUF model URL too, saying to switch the engine to CPU', () => {
    const error = errorOf(() => customGpuEntry({ url: 'https://example.com/models/Model-Q4_K_M.GGUF', libraryUrl: WASM }, NONE));

    expect(error.message).toMatch(/Switch the engine to CPU/);
  });

  it.each(['javascript:alert(1)', 'ftp://example.com/Qwen3-0.6B-q4f16_1-MLC', 'mlc-ai/Qwen3-0.6B-q4f16_1-MLC'])(
    'refuses the model URL %s with a sentence about the model URL',
    (url) => {
      const error = errorOf(() => customGpuEntry({ url, libraryUrl: WASM }, NONE));

      expect(error).toBeInstanceOf(CustomModelError);
      expect(error.message).toMatch(/^The model URL must /);
    },
  );
});

describe('GpuModelLibrary.addCustom', () => {
  /** The engine's only part that adding a model touches: its app config. */
  function fakeEngine(): { engine: EngineClient; configs: AppConfig[] } {
    const configs: AppConfig[] = [];
    const engine = { setAppConfig: (config: AppConfig) => configs.push(config) } as unknown as EngineClient;
    return { engine, configs };
  }

  it('lists the added model before the curated ones', () => {
    const { engine } = fakeEngine();
    const library = new GpuModelLibrary(engine, catalog.slice(0, 3));

    const entry = library.addCustom({ url: MLC, libraryUrl: WASM });

    expect(library.entries().map((e) => e.id)).toEqual([entry.id, ...catalog.slice(0, 3).map((e) => e.id)]);
  });

  it('avoids the id of a curated model with the same name', () => {
    const { engine } = fakeEngine();
    const library = new GpuModelLibrary(engine, catalog);
    expect(catalog.some((e) => e.id === 'Qwen3-0.6B-q4f16_1-MLC')).toBe(true);

    const entry = library.addCustom({ url: MLC, libraryUrl: WASM });

    expect(entry.id).toBe('Qwen3-0.6B-q4f16_1-MLC (2)');
  });

  it('hands the engine an app config that can load the new model', () => {
    const { engine, configs } = fakeEngine();
    const library = new GpuModelLibrary(engine, catalog.slice(0, 3));

    library.addCustom({ url: MLC, libraryUrl: WASM });

    expect(configs).toHaveLength(1);
    expect(configs[0].model_list).toContainEqual(
      expect.objectContaining({ model_id: 'Qwen3-0.6B-q4f16_1-MLC', model: MLC, model_lib: WASM }),
    );
  });

  it('hands the engine the context window asked for, in the new model’s record', () => {
    const { engine, configs } = fakeEngine();
    const library = new GpuModelLibrary(engine, []);

    library.addCustom({ url: MLC, libraryUrl: WASM, contextWindow: 2048 });

    expect(configs[0].model_list[0].overrides?.context_window_size).toBe(2048);
  });

  it('changes the context window of a model added again with another one, keeping its id', () => {
    const { engine, configs } = fakeEngine();
    const library = new GpuModelLibrary(engine, []);
    const first = library.addCustom({ url: MLC, libraryUrl: WASM });

    const second = library.addCustom({ url: MLC, libraryUrl: WASM, contextWindow: 8192 });

    expect(second).toMatchObject({ id: first.id, contextWindow: 8192 });
    expect(library.entries()).toEqual([second]);
    expect(configs.at(-1)!.model_list[0].overrides?.context_window_size).toBe(8192);
  });

  it('keeps the context window chosen before when the model is added again without one', () => {
    const { engine } = fakeEngine();
    const library = new GpuModelLibrary(engine, []);
    const first = library.addCustom({ url: MLC, libraryUrl: WASM, contextWindow: 8192 });

    const second = library.addCustom({ url: MLC, libraryUrl: WASM });

    expect(second).toBe(first);
  });

  it('refuses a bad context window for a model already added, leaving it as it was', () => {
    const { engine, configs } = fakeEngine();
    const library = new GpuModelLibrary(engine, []);
    const first = library.addCustom({ url: MLC, libraryUrl: WASM });

    expect(() => library.addCustom({ url: MLC, libraryUrl: WASM, contextWindow: 10 })).toThrow(CustomModelError);
    expect(library.entries()).toEqual([first]);
    expect(configs).toHaveLength(1);
  });

  it('keeps the curated models loadable in the new app config', () => {
    const { engine, configs } = fakeEngine();
    const library = new GpuModelLibrary(engine, catalog.slice(0, 3));

    library.addCustom({ url: MLC, libraryUrl: WASM });

    const ids = configs[0].model_list.map((r) => r.model_id);
    for (const curated of catalog.slice(0, 3)) expect(ids).toContain(curated.id);
  });

  it('returns the same entry, without a second app config, when the same URLs are added twice', () => {
    const { engine, configs } = fakeEngine();
    const library = new GpuModelLibrary(engine, []);
    const first = library.addCustom({ url: MLC, libraryUrl: WASM });

    const second = library.addCustom({ url: ` ${MLC} `, libraryUrl: WASM });

    expect(second).toBe(first);
    expect(library.entries()).toHaveLength(1);
    expect(configs).toHaveLength(1);
  });

  it('leaves the engine alone when the model is refused', () => {
    const { engine, configs } = fakeEngine();
    const library = new GpuModelLibrary(engine, []);

    expect(() => library.addCustom({ url: MLC })).toThrow(CustomModelError);
    expect(library.entries()).toHaveLength(0);
    expect(configs).toHaveLength(0);
  });
});

describe('where a model added by URL comes from', () => {
  const LIB = 'https://raw.githubusercontent.com/someone/libs/main/web-llm/Qwen3-0.6B-q4f32_1-webgpu.wasm';

  it('names both the weights’ host and the library’s host as the maker of a GPU model', () => {
    const entry = customGpuEntry({ url: MLC_F32, libraryUrl: LIB }, NONE);

    expect(entry.maker).toBe('huggingface.co, raw.githubusercontent.com');
  });

  it('lists the weights and the code, each with the account that published it', () => {
    const entry = customGpuEntry({ url: MLC_F32, libraryUrl: LIB }, NONE);

    expect(modelSources(entry)).toEqual([
      { what: 'weights', host: 'huggingface.co', place: 'huggingface.co/mlc-ai/Qwen3-0.6B-q4f32_1-MLC' },
      { what: 'code', host: 'raw.githubusercontent.com', place: 'raw.githubusercontent.com/someone/libs/…' },
    ]);
  });

  it('names a host once when the weights and the library come from the same one', () => {
    const entry = customGpuEntry({ url: 'https://example.com/models/x-q4f32_1-MLC', libraryUrl: 'https://example.com/libs/x.wasm' }, NONE);

    expect(entry.maker).toBe('example.com');
    expect(modelSources(entry).map((s) => s.place)).toEqual(['example.com/models/x-q4f32_1-MLC', 'example.com/libs/x.wasm']);
  });

  it('keeps the port of a host, which makes it another server', () => {
    const entry = customGpuEntry({ url: 'http://127.0.0.1:8000/x-q4f32_1-MLC', libraryUrl: 'http://127.0.0.1:9000/lib.wasm' }, NONE);

    expect(entry.maker).toBe('127.0.0.1:8000, 127.0.0.1:9000');
  });

  it('shows a look-alike host in punycode, as the address really is', () => {
    const entry = customGpuEntry({ url: MLC_F32, libraryUrl: 'https://hugginɡface.co/libs/x.wasm' }, NONE);

    expect(modelSources(entry)[1].host).toMatch(/^xn--/);
    expect(entry.maker).toBe(`huggingface.co, ${modelSources(entry)[1].host}`);
  });

  it('lists only the weights of a GGUF model, which runs on the app’s own llama.cpp', () => {
    const entry = customCpuEntry({ url: GGUF }, NONE);

    expect(modelSources(entry)).toEqual([{ what: 'weights', host: 'huggingface.co', place: 'huggingface.co/someone/Tiny-GGUF/…' }]);
  });
});

describe('GpuModelLibrary.previewCustom (a model offered, not added)', () => {
  function fakeEngine(): { engine: EngineClient; configs: AppConfig[] } {
    const configs: AppConfig[] = [];
    const engine = { setAppConfig: (config: AppConfig) => configs.push(config) } as unknown as EngineClient;
    return { engine, configs };
  }

  it('describes the model without adding it to the catalog or the engine’s list', () => {
    const { engine, configs } = fakeEngine();
    const library = new GpuModelLibrary(engine, []);

    const entry = library.previewCustom({ url: MLC, libraryUrl: WASM });

    expect(entry).toMatchObject({ id: 'Qwen3-0.6B-q4f16_1-MLC', libraryUrl: WASM });
    expect(library.entries()).toEqual([]);
    expect(configs).toEqual([]);
  });

  it('gives the entry already added for the same addresses', () => {
    const { engine } = fakeEngine();
    const library = new GpuModelLibrary(engine, []);
    const added = library.addCustom({ url: MLC, libraryUrl: WASM });

    expect(library.previewCustom({ url: MLC, libraryUrl: WASM })).toBe(added);
  });

  it('treats the same weights with another library as a new model, not the one added', () => {
    const { engine } = fakeEngine();
    const library = new GpuModelLibrary(engine, []);
    library.addCustom({ url: MLC, libraryUrl: WASM });

    const other = library.previewCustom({ url: MLC, libraryUrl: 'https://elsewhere.example/lib.wasm' });

    expect(library.entries()).not.toContain(other);
    expect(other.maker).toBe('huggingface.co, elsewhere.example');
  });

  it('refuses what addCustom refuses', () => {
    const { engine } = fakeEngine();

    expect(() => new GpuModelLibrary(engine, []).previewCustom({ url: MLC, libraryUrl: 'https://example.com/lib.js' })).toThrow(CustomModelError);
  });
});

describe('removing a model added by URL', () => {
  function fakeEngine(): { engine: EngineClient; configs: AppConfig[] } {
    const configs: AppConfig[] = [];
    const engine = { setAppConfig: (config: AppConfig) => configs.push(config) } as unknown as EngineClient;
    return { engine, configs };
  }

  it('takes a GPU model out of the catalog and out of the engine’s list, keeping the curated ones', () => {
    const { engine, configs } = fakeEngine();
    const library = new GpuModelLibrary(engine, catalog.slice(0, 2));
    const entry = library.addCustom({ url: MLC, libraryUrl: WASM });

    const removed = library.removeCustom(entry.id);

    expect(removed).toBe(entry);
    expect(library.entries().map((e) => e.id)).toEqual(catalog.slice(0, 2).map((e) => e.id));
    expect(configs.at(-1)!.model_list.map((r) => r.model_id)).toEqual(catalog.slice(0, 2).map((e) => e.id));
  });

  it('will not remove a curated GPU model', () => {
    const { engine, configs } = fakeEngine();
    const library = new GpuModelLibrary(engine, catalog.slice(0, 2));

    expect(library.removeCustom(catalog[0].id)).toBeUndefined();
    expect(library.entries()).toHaveLength(2);
    expect(configs).toEqual([]);
  });

  it('lets the same model be added again after it was removed, under its own name', () => {
    const { engine } = fakeEngine();
    const library = new GpuModelLibrary(engine, []);
    library.removeCustom(library.addCustom({ url: MLC, libraryUrl: WASM }).id);

    expect(library.addCustom({ url: MLC, libraryUrl: WASM }).id).toBe('Qwen3-0.6B-q4f16_1-MLC');
  });

  it('takes a GGUF model out of the CPU catalog, leaving the curated ones', () => {
    const library = new CpuModelLibrary({ store: new EngineStore('cpu') } as unknown as CpuEngineClient);
    const curated = library.entries().map((e) => e.id);
    const entry = library.addCustom({ url: GGUF });

    expect(library.removeCustom(entry.id)).toBe(entry);
    expect(library.entries().map((e) => e.id)).toEqual(curated);
  });

  it('will not remove a curated CPU model', () => {
    const library = new CpuModelLibrary({ store: new EngineStore('cpu') } as unknown as CpuEngineClient);
    const first = library.entries()[0];

    expect(library.removeCustom(first.id)).toBeUndefined();
    expect(library.entries()[0]).toBe(first);
  });

  it('describes a GGUF model offered without adding it to the CPU catalog', () => {
    const library = new CpuModelLibrary({ store: new EngineStore('cpu') } as unknown as CpuEngineClient, []);

    const entry = library.previewCustom({ url: GGUF });

    expect(entry.id).toBe('tiny-model-Q4_K_M');
    expect(library.entries()).toEqual([]);
  });
});
