import { prebuiltAppConfig, type ModelRecord } from '@mlc-ai/web-llm';
import { prebuiltAppConfig as pagesCopy } from 'virtual:aperto/web-llm-app-config';
import { describe, expect, it } from 'vitest';
import { appConfigFor, catalog as pagesCatalog } from '../../src/engine/app-config.js';
import {
  buildCatalog,
  fitCatalog,
  fitModel,
  recommendedModel,
  type CatalogEntry,
  type FittedEntry,
} from '../../src/engine/catalog.js';
import type { GpuCapabilities, GpuUnavailable } from '../../src/engine/device.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const KiB = 1024;

const webLlmRecords: readonly ModelRecord[] = prebuiltAppConfig.model_list;
const catalog: CatalogEntry[] = buildCatalog(webLlmRecords);

/**
 * Chromium's software adapter: no shader-f16, flagged as a fallback, generous 2 GiB limits (the
 * real one offers 1 GiB), and exactly web-llm's workgroup storage and storage buffer minimums.
 */
const swiftShader: GpuCapabilities = {
  available: true,
  vendor: 'google',
  architecture: 'swiftshader',
  description: 'SwiftShader Device (Subzero)',
  isFallbackAdapter: true,
  shaderF16: false,
  subgroups: false,
  maxBufferSize: 2 * GiB,
  maxStorageBufferBindingSize: 2 * GiB,
  maxComputeWorkgroupStorageSize: 32 * KiB,
  maxStorageBuffersPerShaderStage: 10,
  features: ['depth-clip-control', 'float32-filterable', 'texture-compression-bc'],
};

/** A discrete desktop GPU with 16-bit shaders. */
const desktopGpu: GpuCapabilities = {
  available: true,
  vendor: 'nvidia',
  architecture: 'ampere',
  description: 'NVIDIA GeForce RTX 3060',
  isFallbackAdapter: false,
  shaderF16: true,
  subgroups: true,
  maxBufferSize: 4 * GiB,
  maxStorageBufferBindingSize: 2 * GiB,
  maxComputeWorkgroupStorageSize: 32 * KiB,
  maxStorageBuffersPerShaderStage: 10,
  features: ['float32-filterable', 'shader-f16', 'subgroups', 'texture-compression-bc'],
};

/** A GPU that only grants WebGPU's default limits (128 MiB storage bindings). */
const defaultLimitsGpu: GpuCapabilities = {
  ...desktopGpu,
  description: 'Integrated GPU with default limits',
  maxBufferSize: 256 * MiB,
  maxStorageBufferBindingSize: 128 * MiB,
};

const noWebGpu: GpuUnavailable = { available: false, reason: 'no-adapter' };

function webLlmRecord(id: string): ModelRecord {
  const record = webLlmRecords.find((r) => r.model_id === id);
  if (!record) throw new Error(`web-llm has no record ${id}; update the test`);
  return record;
}

function entry(id: string): CatalogEntry {
  const found = catalog.find((e) => e.id === id);
  if (!found) throw new Error(`the catalog has no entry ${id}`);
  return found;
}

describe('the page’s copy of web-llm’s model list (virtual:aperto/web-llm-app-config)', () => {
  it('equals the installed web-llm’s prebuiltAppConfig, field for field', () => {
    expect(pagesCopy).toStrictEqual(prebuiltAppConfig);
  });

  it('gives the page the same catalog as web-llm’s own records do', () => {
    expect(pagesCatalog).toStrictEqual(catalog);
    expect(pagesCatalog.length).toBeGreaterThanOrEqual(10);
  });

  it('hands the engine web-llm’s own settings with the records of the chosen entries', () => {
    const config = appConfigFor(pagesCatalog);

    expect({ ...config, model_list: [] }).toStrictEqual({ ...prebuiltAppConfig, model_list: [] });
    expect(config.model_list).toStrictEqual(pagesCatalog.map((entry) => prebuiltAppConfig.model_list.find((r) => r.model_id === entry.id)));
  });
});

describe('buildCatalog with web-llm’s prebuilt model list', () => {
  it('offers at least ten models', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(10);
  });

  it.each([
    ['Qwen3', (family: string) => family === 'Qwen3'],
    ['Qwen2.5', (family: string) => family === 'Qwen2.5'],
    ['DeepSeek-R1 distill', (family: string) => family === 'DeepSeek-R1 distill'],
    ['Llama 3.2', (family: string) => family === 'Llama 3.2'],
    ['Gemma', (family: string) => family.startsWith('Gemma')],
    ['Phi', (family: string) => family.startsWith('Phi')],
    ['SmolLM2', (family: string) => family === 'SmolLM2'],
    ['Mistral', (family: string) => family === 'Mistral'],
  ])('includes the %s family', (_name, isFamily) => {
    const families = new Set(catalog.map((e) => e.family));

    expect([...families].some(isFamily)).toBe(true);
  });

  it.each([
    ['embedding models (snowflake)', /snowflake/i],
    ['vision models (Phi-3.5-vision)', /vision/i],
    ['RedPajama', /RedPajama/i],
    ['TinyLlama', /TinyLlama/i],
    ['Hermes fine-tunes', /Hermes/i],
    ['StableLM', /stablelm/i],
    ['OLMo', /OLMo/i],
  ])('leaves out %s although web-llm lists them', (_what, pattern) => {
    const inWebLlm = webLlmRecords.filter((r) => pattern.test(r.model_id));

    const inCatalog = catalog.filter((e) => pattern.test(e.id));

    expect(inWebLlm.length).toBeGreaterThan(0);
    expect(inCatalog).toEqual([]);
  });

  it('describes every model with its maker, country and licence', () => {
    const undescribed = catalog.filter((e) => !e.maker.trim() || !e.country.trim() || !e.licence.trim());

    expect(undescribed.map((e) => e.id)).toEqual([]);
  });

  it('gives every model a positive size, download, memory need and context window', () => {
    const incomplete = catalog.filter(
      (e) => !(e.parametersB > 0 && e.downloadBytes > 0 && e.vramMB > 0 && e.contextWindow > 0),
    );

    expect(incomplete.map((e) => e.id)).toEqual([]);
  });

  it('takes every model and library URL from web-llm’s own record', () => {
    const mismatched = catalog.filter((e) => {
      const record = webLlmRecord(e.id);
      return e.modelUrl !== record.model || e.libraryUrl !== record.model_lib;
    });

    expect(mismatched.map((e) => e.id)).toEqual([]);
  });

  it('takes every memory need from web-llm’s own record', () => {
    const mismatched = catalog.filter((e) => e.vramMB !== webLlmRecord(e.id).vram_required_MB);

    expect(mismatched.map((e) => e.id)).toEqual([]);
  });

  it('names models without the quantisation suffix', () => {
    const withSuffix = catalog.filter((e) => /MLC|q\df(16|32)/.test(e.name));

    expect(withSuffix.map((e) => e.name)).toEqual([]);
  });

  it('estimates a larger download for a model with more parameters at the same quantisation', () => {
    const small = entry('Qwen3-0.6B-q4f32_1-MLC');
    const large = entry('Qwen3-8B-q4f32_1-MLC');

    expect(large.downloadBytes).toBeGreaterThan(small.downloadBytes);
  });

  it('estimates a larger download for unquantised weights than for 4-bit weights of the same model', () => {
    const fourBit = entry('Qwen3-0.6B-q4f32_1-MLC');
    const unquantised = entry('Qwen3-0.6B-q0f32-MLC');

    expect(unquantised.downloadBytes).toBeGreaterThan(fourBit.downloadBytes);
  });

  it('marks Qwen3 and DeepSeek-R1 distills as reasoning models', () => {
    const thinkers = catalog.filter((e) => e.family === 'Qwen3' || e.family === 'DeepSeek-R1 distill');

    expect(thinkers.length).toBeGreaterThan(0);
    expect(thinkers.every((e) => e.reasoning)).toBe(true);
  });
});

describe('fitModel on a software (SwiftShader-like) adapter without shader-f16', () => {
  const fitted = fitCatalog(catalog, swiftShader);

  it('marks every f16-activation model as needing a GPU feature', () => {
    const f16 = fitted.filter((e) => e.quantization.includes('f16'));

    const notFlagged = f16.filter((e) => e.fit.fits || e.fit.verdict !== 'needs-feature');

    expect(f16.length).toBeGreaterThan(0);
    expect(notFlagged.map((e) => e.id)).toEqual([]);
  });

  it('marks a Qwen q4f16 model unavailable even though web-llm does not list shader-f16 for it', () => {
    const id = 'Qwen3-0.6B-q4f16_1-MLC';
    expect(webLlmRecord(id).required_features ?? []).not.toContain('shader-f16');

    const fit = fitModel(entry(id), swiftShader);

    expect(fit).toMatchObject({ fits: false, verdict: 'needs-feature' });
  });

  it('marks a Llama q4f16 model unavailable even though web-llm does not list shader-f16 for it', () => {
    const id = 'Llama-3.2-1B-Instruct-q4f16_1-MLC';
    expect(webLlmRecord(id).required_features ?? []).not.toContain('shader-f16');

    const fit = fitModel(entry(id), swiftShader);

    expect(fit).toMatchObject({ fits: false, verdict: 'needs-feature' });
  });

  it('explains a missing shader-f16 by naming it', () => {
    const fit = fitModel(entry('Qwen3-0.6B-q4f16_1-MLC'), swiftShader);

    expect(fit.fits).toBe(false);
    if (!fit.fits) expect(fit.reason).toContain('shader-f16');
  });

  it('lets some f32-activation models fit', () => {
    const fittingF32 = fitted.filter((e) => e.activation === 'f32' && e.fit.fits);

    expect(fittingF32.length).toBeGreaterThan(0);
  });

  it('calls an 8B model too large for the software adapter’s memory budget, in GB', () => {
    const fit = fitModel(entry('Llama-3.1-8B-Instruct-q4f32_1-MLC'), swiftShader);

    expect(fit).toMatchObject({ fits: false, verdict: 'too-large' });
    if (!fit.fits) expect(fit.reason).toMatch(/\d+(\.\d+)? GB/);
  });
});

describe('fitModel on a desktop GPU with shader-f16', () => {
  const fitted = fitCatalog(catalog, desktopGpu);

  it('lets every q4f16 model fit', () => {
    const q4f16 = fitted.filter((e) => e.quantization.startsWith('q4f16'));

    const rejected = q4f16.filter((e) => !e.fit.fits);

    expect(q4f16.length).toBeGreaterThan(0);
    expect(rejected.map((e) => e.id)).toEqual([]);
  });

  it('calls a model too large, in GB, when it needs more memory than a 4 GB device can spare', () => {
    const big = entry('Qwen3-4B-q4f32_1-MLC');
    expect(big.vramMB).toBeGreaterThan(4 * 1024);

    const fit = fitModel(big, desktopGpu, 4);

    expect(fit).toMatchObject({ fits: false, verdict: 'too-large' });
    if (!fit.fits) expect(fit.reason).toMatch(/\d+(\.\d+)? GB/);
  });

  it('still lets the smallest model fit on a 4 GB device', () => {
    const smallest = [...catalog].sort((a, b) => a.vramMB - b.vramMB)[0];

    const fit = fitModel(smallest, desktopGpu, 4);

    expect(fit.fits).toBe(true);
  });

  it('lets a model that fits on a desktop GPU be rejected as too large on a 4 GB device', () => {
    const id = 'Qwen3-4B-q4f32_1-MLC';

    const onDesktop = fitModel(entry(id), desktopGpu);
    const onSmallDevice = fitModel(entry(id), desktopGpu, 4);

    expect(onDesktop.fits).toBe(true);
    expect(onSmallDevice.fits).toBe(false);
  });
});

describe('fitModel and GPU buffer limits', () => {
  const needsBigBuffers = catalog.filter(
    (e) => e.bufferSizeRequiredBytes !== undefined && e.bufferSizeRequiredBytes > defaultLimitsGpu.maxStorageBufferBindingSize,
  );

  it('finds models in web-llm’s list that declare a buffer size requirement', () => {
    expect(needsBigBuffers.length).toBeGreaterThan(0);
  });

  it('calls a model too large when it needs bigger buffers than the GPU allows', () => {
    const accepted = needsBigBuffers.filter((e) => {
      const fit = fitModel(e, defaultLimitsGpu);
      return fit.fits || fit.verdict !== 'too-large';
    });

    expect(accepted.map((e) => e.id)).toEqual([]);
  });

  it('explains a buffer limit in MB', () => {
    const fit = fitModel(needsBigBuffers[0], defaultLimitsGpu);

    expect(fit.fits).toBe(false);
    if (!fit.fits) expect(fit.reason).toMatch(/\d+ MB/);
  });

  it('lets the same models fit when the GPU allows large buffers', () => {
    const rejected = needsBigBuffers.filter((e) => !fitModel(e, desktopGpu).fits);

    expect(rejected.map((e) => e.id)).toEqual([]);
  });
});

/** The desktop GPU with some of its limits changed: the adapters at and around web-llm's limits. */
function desktopGpuWith(limits: Partial<GpuCapabilities>): GpuCapabilities {
  return { ...desktopGpu, description: 'a desktop GPU with changed limits', ...limits };
}

/** A catalog entry with a made-up buffer need or memory need, for limits no real record sits at. */
function entryNeeding(need: Partial<Pick<CatalogEntry, 'bufferSizeRequiredBytes' | 'vramMB' | 'lowResource'>>): CatalogEntry {
  return { ...entry('Qwen3-0.6B-q4f32_1-MLC'), id: 'made-up', ...need };
}

describe('fitModel judges buffers against the device web-llm creates, not the adapter', () => {
  /** gemma-4 E2B: web-llm’s record asks for 192 MiB buffers, more than the 128 MiB fallback. */
  const gemma4 = 'gemma-4-E2B-it-q4f32_1-MLC';

  it('uses a real web-llm record that needs 192 MiB buffers', () => {
    expect(webLlmRecord(gemma4).buffer_size_required_bytes).toBe(192 * MiB);
  });

  it('calls a 192 MiB model too large on a 512 MiB-binding adapter, where web-llm falls back to 128 MiB', () => {
    const fit = fitModel(entry(gemma4), desktopGpuWith({ maxStorageBufferBindingSize: 512 * MiB }));

    expect(fit).toMatchObject({ fits: false, verdict: 'too-large' });
    if (!fit.fits) {
      expect(fit.reason).toContain('maxStorageBufferBindingSize');
      expect(fit.reason).toContain('192 MB');
      expect(fit.reason).toContain('128 MB');
    }
  });

  it('says why the engine gets less than the 512 MB the adapter offers', () => {
    const fit = fitModel(entry(gemma4), desktopGpuWith({ maxStorageBufferBindingSize: 512 * MiB }));

    if (!fit.fits) expect(fit.reason).toMatch(/offers 512 MB.*1024 MB.*falls back to 128 MB/);
  });

  it('lets the 192 MiB model fit, without a warning, when the binding size is exactly 1 GiB', () => {
    const fit = fitModel(entry(gemma4), desktopGpuWith({ maxStorageBufferBindingSize: GiB }));

    expect(fit).toEqual({ fits: true });
  });

  it('calls the 192 MiB model too large when the binding size is one byte under 1 GiB', () => {
    const fit = fitModel(entry(gemma4), desktopGpuWith({ maxStorageBufferBindingSize: GiB - 1 }));

    expect(fit).toMatchObject({ fits: false, verdict: 'too-large', reason: expect.stringContaining('maxStorageBufferBindingSize') });
  });

  it('calls the 192 MiB model too large when the binding size is exactly 128 MiB', () => {
    const fit = fitModel(entry(gemma4), desktopGpuWith({ maxStorageBufferBindingSize: 128 * MiB }));

    expect(fit).toMatchObject({ fits: false, verdict: 'too-large' });
  });

  it('lets a model without a buffer need fit when the binding size is exactly 128 MiB', () => {
    const fit = fitModel(entry('Qwen3-0.6B-q4f32_1-MLC'), desktopGpuWith({ maxStorageBufferBindingSize: 128 * MiB }));

    expect(fit.fits).toBe(true);
  });

  it('lets a model that needs exactly 128 MiB fit when the binding size is exactly 128 MiB', () => {
    const fit = fitModel(entryNeeding({ bufferSizeRequiredBytes: 128 * MiB }), desktopGpuWith({ maxStorageBufferBindingSize: 128 * MiB }));

    expect(fit.fits).toBe(true);
  });

  it('calls a 300 MiB model too large when maxBufferSize is exactly 256 MiB, naming maxBufferSize', () => {
    const gpu = desktopGpuWith({ maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: GiB });

    const fit = fitModel(entryNeeding({ bufferSizeRequiredBytes: 300 * MiB }), gpu);

    expect(fit).toMatchObject({ fits: false, verdict: 'too-large' });
    if (!fit.fits) {
      expect(fit.reason).toContain('maxBufferSize');
      expect(fit.reason).not.toContain('maxStorageBufferBindingSize');
    }
  });

  it('calls a 300 MiB model too large when maxBufferSize is one byte under 1 GiB', () => {
    const gpu = desktopGpuWith({ maxBufferSize: GiB - 1, maxStorageBufferBindingSize: GiB });

    const fit = fitModel(entryNeeding({ bufferSizeRequiredBytes: 300 * MiB }), gpu);

    expect(fit).toMatchObject({ fits: false, verdict: 'too-large', reason: expect.stringContaining('maxBufferSize') });
  });

  it('lets the 192 MiB model fit when maxBufferSize is exactly 256 MiB and bindings get 1 GiB', () => {
    const gpu = desktopGpuWith({ maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: GiB });

    expect(fitModel(entry(gemma4), gpu).fits).toBe(true);
  });

  it('warns that a desktop model may fail when the binding size is one byte under 1 GiB', () => {
    const desktopModel = entry('Qwen3-8B-q4f16_1-MLC');
    expect(desktopModel.lowResource).toBe(false);

    const fit = fitModel(desktopModel, desktopGpuWith({ maxStorageBufferBindingSize: GiB - 1 }));

    expect(fit).toMatchObject({ fits: true, warning: expect.stringMatching(/Made for desktop GPUs/) });
  });

  it('does not warn about a desktop model when the binding size is 1 GiB or more', () => {
    const fit = fitModel(entry('Qwen3-8B-q4f16_1-MLC'), desktopGpuWith({ maxStorageBufferBindingSize: GiB }));

    expect(fit).toEqual({ fits: true });
  });
});

describe('fitModel on a GPU below what web-llm needs to start', () => {
  it.each([
    ['maxStorageBufferBindingSize one byte under 128 MiB', { maxStorageBufferBindingSize: 128 * MiB - 1 }, 'maxStorageBufferBindingSize'],
    ['maxBufferSize one byte under 256 MiB', { maxBufferSize: 256 * MiB - 1 }, 'maxBufferSize'],
    ['32767 bytes of workgroup storage', { maxComputeWorkgroupStorageSize: 32 * KiB - 1 }, 'workgroup storage'],
    ['9 storage buffers per shader stage', { maxStorageBuffersPerShaderStage: 9 }, 'storage buffers per shader stage'],
  ] as const)('lets no model fit with %s, naming the limit', (_what, limits, named) => {
    const fitted = fitCatalog(catalog, desktopGpuWith(limits));

    const otherVerdicts = fitted.filter((e) => e.fit.fits || e.fit.verdict !== 'gpu-too-limited' || !e.fit.reason.includes(named));

    expect(otherVerdicts.map((e) => e.id)).toEqual([]);
  });

  it.each([
    ['maxStorageBufferBindingSize exactly 128 MiB', { maxStorageBufferBindingSize: 128 * MiB }],
    ['maxBufferSize exactly 256 MiB', { maxBufferSize: 256 * MiB }],
    ['exactly 32768 bytes of workgroup storage', { maxComputeWorkgroupStorageSize: 32 * KiB }],
    ['exactly 10 storage buffers per shader stage', { maxStorageBuffersPerShaderStage: 10 }],
  ] as const)('still lets the small models fit with %s', (_what, limits) => {
    const fit = fitModel(entry('Qwen3-0.6B-q4f32_1-MLC'), desktopGpuWith(limits));

    expect(fit.fits).toBe(true);
  });

  it('says the workgroup storage in KB the GPU has and the engine needs', () => {
    const fit = fitModel(entry('Qwen3-0.6B-q4f32_1-MLC'), desktopGpuWith({ maxComputeWorkgroupStorageSize: 16 * KiB }));

    if (fit.fits) throw new Error('expected the model not to fit');
    expect(fit.reason).toContain('only 16 KB of workgroup storage');
    expect(fit.reason).toContain('needs 32 KB');
  });

  it('recommends nothing on such a GPU', () => {
    const fitted = fitCatalog(catalog, desktopGpuWith({ maxStorageBuffersPerShaderStage: 8 }));

    expect(recommendedModel(fitted)).toBeUndefined();
  });
});

describe('fitModel when the device reports 8 GB of memory (Chromium’s usual cap)', () => {
  const eightBModel = 'Qwen3-8B-q4f32_1-MLC';

  it('lets an 8B model that needs more than 60 % of 8 GB fit, with a warning that it may not', () => {
    expect(entry(eightBModel).vramMB).toBeGreaterThan(8 * 1024 * 0.6);

    const fit = fitModel(entry(eightBModel), desktopGpu, 8);

    expect(fit).toMatchObject({ fits: true, warning: expect.stringMatching(/8 GB or more.*may not fit/) });
  });

  it('says in the warning how much memory the model needs, in GB', () => {
    const fit = fitModel(entry(eightBModel), desktopGpu, 8);

    expect(fit.fits && fit.warning).toContain(`about ${(entry(eightBModel).vramMB / 1024).toFixed(1)} GB`);
  });

  it('lets a model that needs no more than 60 % of 8 GB fit without a warning', () => {
    const fit = fitModel(entryNeeding({ vramMB: Math.round(8 * 1024 * 0.6) }), desktopGpu, 8);

    expect(fit).toEqual({ fits: true });
  });

  it('warns about a model that needs one MB more than 60 % of 8 GB', () => {
    const fit = fitModel(entryNeeding({ vramMB: Math.round(8 * 1024 * 0.6) + 1 }), desktopGpu, 8);

    expect(fit).toMatchObject({ fits: true, warning: expect.any(String) });
  });

  it('still calls a model above 16 GB too large', () => {
    const fit = fitModel(entryNeeding({ vramMB: 17 * 1024 }), desktopGpu, 8);

    expect(fit).toMatchObject({ fits: false, verdict: 'too-large' });
  });

  it('does not warn about the 8B model when the browser reports no device memory', () => {
    expect(fitModel(entry(eightBModel), desktopGpu)).toEqual({ fits: true });
  });

  it('keeps the budget of 60 % for a device reporting 4 GB', () => {
    const fit = fitModel(entryNeeding({ vramMB: Math.round(4 * 1024 * 0.6) + 1 }), desktopGpu, 4);

    expect(fit).toMatchObject({ fits: false, verdict: 'too-large' });
  });

  it('keeps the software adapter’s 4 GB budget', () => {
    const fit = fitModel(entryNeeding({ vramMB: 4097 }), swiftShader, 8);

    expect(fit).toMatchObject({ fits: false, verdict: 'too-large' });
  });
});

describe('fitModel without WebGPU', () => {
  it('lets no model fit', () => {
    const fitted = fitCatalog(catalog, noWebGpu);

    const fitting = fitted.filter((e) => e.fit.fits);

    expect(fitting.map((e) => e.id)).toEqual([]);
  });

  it('says WebGPU is missing rather than blaming the model', () => {
    const fitted = fitCatalog(catalog, noWebGpu);

    const otherVerdicts = fitted.filter((e) => e.fit.fits || e.fit.verdict !== 'no-webgpu');

    expect(otherVerdicts.map((e) => e.id)).toEqual([]);
  });
});

describe('recommendedModel', () => {
  function fittingGeneralQwens(fitted: readonly FittedEntry[]): FittedEntry[] {
    return fitted.filter((e) => e.fit.fits && e.general && e.family.startsWith('Qwen'));
  }

  it('recommends a fitting, general, f32-activation Qwen on a software adapter', () => {
    const fitted = fitCatalog(catalog, swiftShader);

    const recommended = recommendedModel(fitted);

    expect(recommended).toBeDefined();
    expect(recommended!.family).toMatch(/^Qwen/);
    expect(recommended!.activation).toBe('f32');
    expect(recommended!.general).toBe(true);
    expect(recommended!.fit.fits).toBe(true);
  });

  it('recommends the fitting general Qwen with the smallest memory need on a software adapter', () => {
    const fitted = fitCatalog(catalog, swiftShader);

    const recommended = recommendedModel(fitted)!;

    const smaller = fittingGeneralQwens(fitted).filter((e) => e.vramMB < recommended.vramMB);
    expect(smaller.map((e) => e.id)).toEqual([]);
  });

  it('recommends the fitting general Qwen with the smallest memory need on a GPU with shader-f16', () => {
    const fitted = fitCatalog(catalog, desktopGpu);

    const recommended = recommendedModel(fitted)!;

    expect(recommended.fit.fits).toBe(true);
    expect(recommended.family).toMatch(/^Qwen/);
    const smaller = fittingGeneralQwens(fitted).filter((e) => e.vramMB < recommended.vramMB);
    expect(smaller.map((e) => e.id)).toEqual([]);
  });

  it('recommends something no larger with shader-f16 than without it', () => {
    const withoutF16 = recommendedModel(fitCatalog(catalog, swiftShader))!;

    const withF16 = recommendedModel(fitCatalog(catalog, desktopGpu))!;

    expect(withF16.vramMB).toBeLessThanOrEqual(withoutF16.vramMB);
  });

  it('recommends nothing when no Qwen fits because WebGPU is missing', () => {
    const fitted = fitCatalog(catalog, noWebGpu);

    expect(recommendedModel(fitted)).toBeUndefined();
  });

  it('recommends nothing when the catalog holds no Qwen, even if other models fit', () => {
    const withoutQwen = catalog.filter((e) => !e.family.startsWith('Qwen'));
    const fitted = fitCatalog(withoutQwen, desktopGpu);
    expect(fitted.some((e) => e.fit.fits)).toBe(true);

    expect(recommendedModel(fitted)).toBeUndefined();
  });
});
