/** The WebGPU side: web-llm's curated catalog, models added by URL, and what web-llm has cached. */
import type { ModelRecord } from '@mlc-ai/web-llm';
import { appConfigFor, catalog } from './app-config.js';
import { fitModel, type CatalogEntry, type Fit } from './catalog.js';
import type { DeviceReport } from './device.js';
import type { EngineClient } from './engine-client.js';
import { listCachedModels } from './model-cache.js';
import {
  CustomModelError,
  lastSegment,
  normalUrl,
  parseHttpUrl,
  type CustomModelInput,
  type ModelLibrary,
  type StoredModel,
} from './model-library.js';

const MLC_QUANT = /(q(\d)f(16|32)(?:_\d)?)/i;

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
  const folder = new URL(modelUrl.href);
  folder.pathname = modelUrl.pathname.replace(/\/resolve\/[^/]+\/?$/, '');
  const name = lastSegment(folder);
  let id = name;
  for (let n = 2; taken.has(id); n++) id = `${name} (${n})`;
  const quant = MLC_QUANT.exec(name);
  const activation = quant?.[3] === '16' ? 'f16' : 'f32';
  const record: ModelRecord = { model_id: id, model: modelUrl.href, model_lib: libraryUrl.href };
  return {
    id,
    engine: 'webgpu',
    custom: true,
    name,
    family: 'Custom',
    maker: modelUrl.hostname,
    country: '—',
    licence: 'see the model’s page',
    parametersB: 0,
    quantization: quant?.[1] ?? 'unknown',
    weightBits: quant ? Number(quant[2]) : 0,
    activation,
    downloadBytes: 0,
    vramMB: 0,
    contextWindow: 4096,
    reasoning: false,
    general: false,
    lowResource: false,
    requiredFeatures: activation === 'f16' ? ['shader-f16'] : [],
    modelUrl: modelUrl.href,
    libraryUrl: libraryUrl.href,
    record,
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

  addCustom(input: CustomModelInput): CatalogEntry {
    const existing = this.custom.find((e) => e.modelUrl === normalUrl(input.url) && e.libraryUrl === normalUrl(input.libraryUrl));
    if (existing) return existing;
    const entry = customGpuEntry(input, new Set(this.entries().map((e) => e.id)));
    this.custom = [entry, ...this.custom];
    this.engine.setAppConfig(appConfigFor(this.entries()));
    return entry;
  }
}
