/** The WebGPU side: web-llm's curated catalog, models added by URL, and what web-llm has cached. */
import type { ModelRecord } from '@mlc-ai/web-llm';
import { appConfigFor, catalog } from './app-config.js';
import { fitModel, type CatalogEntry, type Fit } from './catalog.js';
import type { DeviceReport } from './device.js';
import type { EngineClient } from './engine-client.js';
import { listCachedModels } from './model-cache.js';
import {
  contextWindowOf,
  CustomModelError,
  lastSegment,
  normalUrl,
  parseHttpUrl,
  sourceHosts,
  type CustomModelInput,
  type ModelLibrary,
  type StoredModel,
} from './model-library.js';

const MLC_QUANT = /(q(\d)f(16|32)(?:_\d)?)/i;

/**
 * The record web-llm loads a custom model from, shaped like its prebuilt ones. `overrides` fixes the
 * KV cache at the window the card shows instead of the config's (up to 131,072 tokens); sliding
 * window off, as web-llm's Mistral records do, because web-llm refuses a config with both set.
 * `required_features` lets web-llm stop an f16 model up front (ShaderF16SupportError) on a GPU
 * without shader-f16, rather than fail later inside the library.
 */
function customGpuRecord(id: string, model: string, modelLib: string, contextWindow: number, requiredFeatures: readonly string[]): ModelRecord {
  return {
    model_id: id,
    model,
    model_lib: modelLib,
    ...(requiredFeatures.length ? { required_features: [...requiredFeatures] } : {}),
    overrides: { context_window_size: contextWindow, sliding_window_size: -1 },
  };
}

/**
 * A web-llm model by URL: the folder holding mlc-chat-config.json and the weights (a Hugging Face
 * repository URL works), plus the compiled library (.wasm) built for it.
 */
export function customGpuEntry(input: CustomModelInput, taken: ReadonlySet<string>): CatalogEntry {
  const modelUrl = parseHttpUrl(input.url, 'The model URL');
  if (!input.libraryUrl?.trim()) {
    throw new CustomModelError('A GPU model also needs its model library: the URL of the .wasm file compiled for it.');
  }
  const libraryUrl = parseHttpUrl(input.libraryUrl, 'The library URL');
  if (!libraryUrl.pathname.endsWith('.wasm')) {
    throw new CustomModelError('The library URL must point to a .wasm file (a web-llm model library).');
  }
  if (modelUrl.pathname.toLowerCase().endsWith('.gguf')) {
    throw new CustomModelError('That is a GGUF file, which the CPU engine runs. Switch the engine to CPU to add it.');
  }
  const contextWindow = contextWindowOf(input);
  const folder = new URL(modelUrl.href);
  folder.pathname = modelUrl.pathname.replace(/\/resolve\/[^/]+\/?$/, '');
  const name = lastSegment(folder);
  let id = name;
  for (let n = 2; taken.has(id); n++) id = `${name} (${n})`;
  const quant = MLC_QUANT.exec(name);
  const activation = quant?.[3] === '16' ? 'f16' : 'f32';
  const requiredFeatures = activation === 'f16' ? ['shader-f16'] : [];
  return {
    id,
    engine: 'webgpu',
    custom: true,
    name,
    family: 'Custom',
    // Nobody vouches for who made it: say where both the weights and the code come from.
    maker: sourceHosts({ modelUrl: modelUrl.href, libraryUrl: libraryUrl.href }),
    country: '—',
    licence: 'see the model’s page',
    parametersB: 0,
    quantization: quant?.[1] ?? 'unknown',
    weightBits: quant ? Number(quant[2]) : 0,
    activation,
    downloadBytes: 0,
    vramMB: 0,
    contextWindow,
    reasoning: false,
    general: false,
    lowResource: false,
    requiredFeatures,
    modelUrl: modelUrl.href,
    libraryUrl: libraryUrl.href,
    record: customGpuRecord(id, modelUrl.href, libraryUrl.href, contextWindow, requiredFeatures),
  };
}

export class GpuModelLibrary implements ModelLibrary {
  readonly kind = 'webgpu' as const;
  readonly label = 'GPU · WebGPU (web-llm)';
  private custom: CatalogEntry[] = [];

  constructor(
    readonly engine: EngineClient,
    private readonly curated: readonly CatalogEntry[] = catalog,
  ) {}

  entries(): readonly CatalogEntry[] {
    return [...this.custom, ...this.curated];
  }

  fit(entry: CatalogEntry, device: DeviceReport): Fit {
    return fitModel(entry, device.gpu, device.deviceMemoryGB);
  }

  listStored(): Promise<StoredModel[]> {
    return listCachedModels(this.engine.config);
  }

  deleteModel(modelId: string): Promise<void> {
    return this.engine.deleteModel(modelId);
  }

  private findCustom(input: CustomModelInput): CatalogEntry | undefined {
    return this.custom.find((e) => e.modelUrl === normalUrl(input.url) && e.libraryUrl === normalUrl(input.libraryUrl));
  }

  previewCustom(input: CustomModelInput): CatalogEntry {
    return this.findCustom(input) ?? customGpuEntry(input, new Set(this.entries().map((e) => e.id)));
  }

  removeCustom(modelId: string): CatalogEntry | undefined {
    const entry = this.custom.find((e) => e.id === modelId);
    if (!entry) return undefined;
    this.custom = this.custom.filter((e) => e !== entry);
    // Out of web-llm's list too: its library can no longer be loaded by id.
    this.engine.setAppConfig(appConfigFor(this.entries()));
    return entry;
  }

  addCustom(input: CustomModelInput): CatalogEntry {
    const existing = this.findCustom(input);
    if (existing) {
      // Added again with another window: the person changed their mind, so the next load uses it.
      // No window given (a link naming the model) keeps the one chosen before.
      if (input.contextWindow === undefined) return existing;
      const contextWindow = contextWindowOf(input);
      if (contextWindow === existing.contextWindow) return existing;
      const changed: CatalogEntry = {
        ...existing,
        contextWindow,
        record: customGpuRecord(existing.id, existing.modelUrl, existing.libraryUrl!, contextWindow, existing.requiredFeatures),
      };
      this.custom = this.custom.map((e) => (e === existing ? changed : e));
      this.engine.setAppConfig(appConfigFor(this.entries()));
      return changed;
    }
    const entry = customGpuEntry(input, new Set(this.entries().map((e) => e.id)));
    this.custom = [entry, ...this.custom];
    this.engine.setAppConfig(appConfigFor(this.entries()));
    return entry;
  }
}
