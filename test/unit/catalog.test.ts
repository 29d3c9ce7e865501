import { prebuiltAppConfig, type ModelRecord } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
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

const webLlmRecords: readonly ModelRecord[] = prebuiltAppConfig.model_list;
const catalog: CatalogEntry[] = buildCatalog(webLlmRecords);

/** Chromium's software adapter: no shader-f16, flagged as a fallback, generous 2 GiB limits. */
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
