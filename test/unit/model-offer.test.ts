/**
 * Which model the chat and the translator offer while none is loaded (src/app/model-offer.ts), and
 * when it loads without a press: only the model last used here, stored here, with the setting on
 * and no model in the link. Both engines' catalogs.
 */
import { describe, expect, it } from 'vitest';
import { offerAction, offerCost, planModelOffer, type OfferChoice } from '../../src/app/model-offer.js';
import { catalog } from '../../src/engine/app-config.js';
import { fitCatalog, recommendedModel, type FittedEntry } from '../../src/engine/catalog.js';
import { cpuCatalog } from '../../src/engine/cpu/cpu-catalog.js';
import { customCpuEntry, fitCpuModel } from '../../src/engine/cpu/cpu-library.js';
import type { GpuCapabilities } from '../../src/engine/device.js';

const custom = customCpuEntry({ url: 'https://models.example.org/any/synthetic.gguf' }, new Set());
const cpuFitted = (memoryGB = 8): FittedEntry[] =>
  [custom, ...cpuCatalog].map((entry) => ({ ...entry, fit: fitCpuModel(entry, { deviceMemoryGB: memoryGB }, true) }));

function plan(overrides: Partial<OfferChoice> = {}) {
  const fitted = overrides.fitted ?? cpuFitted();
  return planModelOffer({ linkNamesModel: false, loadLastOnOpen: true, stored: new Set(), recommended: recommendedModel(fitted), ...overrides, fitted });
}

const qwen3 = 'Qwen3-0.6B-Q8_0-GGUF';
const recommendedCpu = 'Qwen2.5-0.5B-Instruct-Q4_K_M-GGUF';

describe('the model offered while none is loaded', () => {
  it('on a first visit is the recommended model, with its download size and "Download and load"', () => {
    const { offer } = plan();

    expect(offer).toMatchObject({ because: 'recommended', stored: false, autoload: false, entry: { id: recommendedCpu } });
    expect(offerAction(offer!)).toBe('Download and load Qwen2.5 0.5B Instruct');
    expect(offerCost(offer!)).toBe('about 400 MB to download');
  });

  it('is the model last used here, loaded without a press when it is stored here', () => {
    const { offer } = plan({ last: { modelId: qwen3 }, stored: new Set([qwen3]) });

    expect(offer).toMatchObject({ because: 'last', stored: true, autoload: true, entry: { id: qwen3 } });
    expect(offerAction(offer!)).toBe('Load Qwen3 0.6B');
    expect(offerCost(offer!)).toBe('stored on this device');
  });

  it('waits for the press when the person turned loading on open off', () => {
    expect(plan({ last: { modelId: qwen3 }, stored: new Set([qwen3]), loadLastOnOpen: false }).offer).toMatchObject({
      because: 'last',
      autoload: false,
    });
  });

  it('waits for the press when the link names a model, even an unusable one', () => {
    expect(plan({ last: { modelId: qwen3 }, stored: new Set([qwen3]), linkNamesModel: true }).offer).toMatchObject({ autoload: false });
  });

  it('offers the last model with its download size when its files are no longer here, without loading it', () => {
    const { offer } = plan({ last: { modelId: qwen3 } });

    expect(offer).toMatchObject({ because: 'last', stored: false, autoload: false });
    expect(offerAction(offer!)).toBe('Download and load Qwen3 0.6B');
  });

  it('finds a last model added by URL by its address when its id changed', () => {
    const { offer } = plan({ last: { modelId: 'synthetic (2)', modelUrl: custom.modelUrl }, stored: new Set([custom.id]) });

    expect(offer).toMatchObject({ because: 'last', autoload: true, entry: { id: 'synthetic' } });
    expect(offerCost(offer!)).toBe('stored on this device');
  });

  it('offers the model the link names, never loading it by itself, even when stored', () => {
    const { offer } = plan({ linked: qwen3, linkNamesModel: true, stored: new Set([qwen3]), last: { modelId: qwen3 } });

    expect(offer).toMatchObject({ because: 'link', autoload: false, entry: { id: qwen3 } });
    expect(offerAction(offer!)).toBe('Load Qwen3 0.6B');
  });

  it('says a model added by URL has no known size', () => {
    expect(offerCost(plan({ linked: custom.id, linkNamesModel: true }).offer!)).toBe('size unknown until the download starts');
  });

  it('refuses a linked model that does not fit, with the reason, and offers one that does', () => {
    const { offer, problems } = plan({ linked: 'DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M-GGUF', linkNamesModel: true, fitted: cpuFitted(2) });

    expect(problems).toEqual([expect.stringMatching(/^The link’s model “DeepSeek-R1 Distill Qwen 1\.5B” cannot run on this device\. Too large/)]);
    expect(offer?.entry.fit.fits).toBe(true);
  });

  it('prefers a model stored here to a download, the recommended one first', () => {
    const smol = 'SmolLM2-135M-Instruct-Q4_1-GGUF';
    expect(plan({ stored: new Set([smol]) }).offer).toMatchObject({ because: 'stored', stored: true, autoload: false, entry: { id: smol } });
    expect(plan({ stored: new Set([smol, recommendedCpu]) }).offer).toMatchObject({ entry: { id: recommendedCpu } });
  });

  it('offers nothing when no model fits this device', () => {
    expect(plan({ fitted: cpuFitted(0.05).filter((entry) => !entry.custom) })).toEqual({ problems: [] });
  });

  it('works the same on the GPU engine’s catalog: the recommended web-llm model, with its size', () => {
    const gpu: GpuCapabilities = {
      available: true,
      vendor: 'nvidia',
      architecture: 'ampere',
      description: 'NVIDIA GeForce RTX 3060',
      isFallbackAdapter: false,
      shaderF16: true,
      subgroups: true,
      maxBufferSize: 4 * 1024 ** 3,
      maxStorageBufferBindingSize: 2 * 1024 ** 3,
      maxComputeWorkgroupStorageSize: 32 * 1024,
      maxStorageBuffersPerShaderStage: 10,
      features: ['shader-f16', 'subgroups'],
    };
    const fitted = fitCatalog(catalog, gpu, 8);
    const { offer } = plan({ fitted, recommended: recommendedModel(fitted) });

    expect(offer?.because).toBe('recommended');
    expect(offer?.entry.engine).toBe('webgpu');
    expect(offerAction(offer!)).toMatch(/^Download and load Qwen/);
    expect(offerCost(offer!)).toMatch(/^about \d+ MB to download$/);
  });
});
