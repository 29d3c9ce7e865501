/** The CPU side: GGUF models for llama.cpp (wllama), the curated list plus models added by URL. */
import type { CatalogEntry, Fit } from '../catalog.js';
import type { ChatRequest } from '../chat-engine.js';
import type { DeviceReport } from '../device.js';
import { engineError, type EngineError } from '../errors.js';
import {
  CustomModelError,
  lastSegment,
  normalUrl,
  parseHttpUrl,
  sourceHosts,
  type CustomModelInput,
  type LoadableEngine,
  type ModelLibrary,
  type StoredModel,
} from '../model-library.js';
import { cpuCatalog } from './cpu-catalog.js';
import { loadWllama } from './load-wllama.js';
import { CpuEngineClient, forgetModelFileSoon } from './cpu-engine-client.js';
import { supportsWasmMemory64 } from './wllama-assets.js';

/** wllama's WebAssembly memory is capped at 4 GB; the model, its context and the runtime share it. */
const MAX_MODEL_BYTES = 3 * 1024 ** 3;

export function fitCpuModel(entry: CatalogEntry, device: Pick<DeviceReport, 'deviceMemoryGB'>, memory64 = supportsWasmMemory64()): Fit {
  if (!memory64) {
    return {
      fits: false,
      verdict: 'needs-feature',
      reason: 'This browser lacks 64-bit WebAssembly memory, which the CPU engine needs. Use a recent Chrome, Edge or Firefox.',
    };
  }
  if (entry.downloadBytes > MAX_MODEL_BYTES) {
    return { fits: false, verdict: 'too-large', reason: 'Too large for the CPU engine, which can hold models up to about 3 GB.' };
  }
  if (device.deviceMemoryGB !== undefined && entry.vramMB > device.deviceMemoryGB * 1024 * 0.5) {
    return {
      fits: false,
      verdict: 'too-large',
      reason: `Too large for this device: needs about ${(entry.vramMB / 1024).toFixed(1)} GB of memory, this device reports ${device.deviceMemoryGB} GB.`,
    };
  }
  return entry.downloadBytes === 0 ? { fits: true, warning: 'Size unknown until the download starts.' } : { fits: true };
}

/** A GGUF file by URL: one file, or the first shard of a split model (…-00001-of-0000N.gguf). */
export function customCpuEntry(input: CustomModelInput, taken: ReadonlySet<string>): CatalogEntry {
  const url = parseHttpUrl(input.url, 'The model URL');
  if (!url.pathname.toLowerCase().endsWith('.gguf')) {
    throw new CustomModelError('The CPU engine runs GGUF models: the URL must point to a .gguf file.');
  }
  const file = lastSegment(url).replace(/\.gguf$/i, '');
  let id = file;
  for (let n = 2; taken.has(id); n++) id = `${file} (${n})`;
  const quant = /(?:^|[-_.])((?:I?Q\d[\w]*)|F16|F32|BF16)$/i.exec(file)?.[1];
  return {
    id,
    engine: 'cpu',
    custom: true,
    name: file,
    family: 'Custom',
    maker: sourceHosts({ modelUrl: url.href }),
    country: '—',
    licence: 'see the model’s page',
    parametersB: 0,
    quantization: quant?.toUpperCase() ?? 'GGUF',
    weightBits: 0,
    activation: 'f32',
    downloadBytes: 0,
    vramMB: 0,
    contextWindow: 4096,
    reasoning: false,
    general: false,
    lowResource: true,
    requiredFeatures: [],
    modelUrl: url.href,
  };
}

export class CpuModelLibrary implements ModelLibrary {
  readonly kind = 'cpu' as const;
  readonly label = 'CPU · WebAssembly (llama.cpp)';
  readonly engine: LoadableEngine;
  private custom: CatalogEntry[] = [];

  constructor(
    readonly client: CpuEngineClient,
    private readonly curated: readonly CatalogEntry[] = cpuCatalog,
  ) {
    const library = this;
    this.engine = {
      store: client.store,
      streamChat: (request: ChatRequest) => client.streamChat(request),
      interrupt: () => client.interrupt(),
      contextWindow: () => client.contextWindow(),
      cancel: () => client.cancel(),
      dispose: () => client.dispose(),
      checkModel: (timeoutMs: number) => client.checkModel(timeoutMs),
      markLost: (reason: EngineError | string) => client.markLost(reason),
      async load(modelId: string) {
        const entry = library.entries().find((e) => e.id === modelId);
        if (!entry) {
          client.store.fail({ ...engineError('model-not-found'), message: `There is no model called “${modelId}” in the catalog.` }, modelId);
          return false;
        }
        return client.load({ id: entry.id, url: entry.modelUrl, ...(entry.sha256 ? { sha256: entry.sha256 } : {}) });
      },
    };
  }

  entries(): readonly CatalogEntry[] {
    return [...this.custom, ...this.curated];
  }

  fit(entry: CatalogEntry, device: DeviceReport): Fit {
    return fitCpuModel(entry, device);
  }

  async listStored(): Promise<StoredModel[]> {
    let files;
    try {
      const { CacheManager } = await loadWllama();
      files = await new CacheManager().list();
    } catch {
      return [];
    }
    return files.map((file) => {
      const url = file.metadata.originalURL;
      const ids = this.entries().filter((e) => e.modelUrl === url).map((e) => e.id);
      return {
        location: url,
        modelIds: ids.length ? ids : [url],
        bytes: file.size,
        complete: !file.metadata.originalSize || file.size >= file.metadata.originalSize,
      };
    });
  }

  async deleteModel(modelId: string): Promise<void> {
    const url = this.entries().find((e) => e.id === modelId)?.modelUrl ?? modelId;
    if (this.client.model?.url === url) await this.client.deleteModel(url);
    else await forgetModelFileSoon(url);
  }

  previewCustom(input: CustomModelInput): CatalogEntry {
    return this.custom.find((e) => e.modelUrl === normalUrl(input.url)) ?? customCpuEntry(input, new Set(this.entries().map((e) => e.id)));
  }

  addCustom(input: CustomModelInput): CatalogEntry {
    const entry = this.previewCustom(input);
    if (!this.custom.includes(entry)) this.custom = [entry, ...this.custom];
    return entry;
  }

  removeCustom(modelId: string): CatalogEntry | undefined {
    const entry = this.custom.find((e) => e.id === modelId);
    if (entry) this.custom = this.custom.filter((e) => e !== entry);
    return entry;
  }
}
