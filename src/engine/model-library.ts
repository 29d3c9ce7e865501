/**
 * What the model manager needs from an engine's side of the world: which models exist for it,
 * whether they fit this device, what is stored, and how to load, delete or add one. One library per
 * engine: web-llm on WebGPU (gpu-library.ts) and llama.cpp on the CPU (cpu/cpu-library.ts).
 */
import type { CatalogEntry, Fit, FittedEntry } from './catalog.js';
import type { ChatEngine } from './chat-engine.js';
import type { DeviceReport } from './device.js';
import type { EngineKind } from './store.js';

/** Files of one model kept on this device. */
export interface StoredModel {
  /** Where the files came from: the weights folder (web-llm) or the GGUF file's URL. */
  location: string;
  /** Catalog ids using these files (a "-1k" context variant shares its weights). */
  modelIds: string[];
  bytes: number;
  /** Everything needed is present: loading will not touch the network. */
  complete: boolean;
}

export interface LoadableEngine extends ChatEngine {
  /** Resolves to whether the model became ready; the outcome is always in the store. */
  load(modelId: string): Promise<boolean>;
  cancel(): void;
  dispose(): void;
  /**
   * Whether the model's worker still answers within `timeoutMs` (a round trip, cheap). True when
   * there is no worker to ask. Only meaningful while a model is ready: a busy worker answers late.
   */
  isResponsive(timeoutMs: number): Promise<boolean>;
  /** Give up on a worker that stopped answering: drop it and put `worker-lost` in the store. */
  markLost(detail: string): void;
}

/** A model someone adds by URL: a GGUF file (CPU), or an MLC model folder plus its library (GPU). */
export interface CustomModelInput {
  url: string;
  libraryUrl?: string;
}

/** A custom model that cannot be added, with a sentence saying why. */
export class CustomModelError extends Error {
  override name = 'CustomModelError';
}

export interface ModelLibrary {
  readonly kind: EngineKind;
  /** For people: "GPU · WebGPU (web-llm)". */
  readonly label: string;
  readonly engine: LoadableEngine;
  /** Custom models first, then the curated catalog. */
  entries(): readonly CatalogEntry[];
  fit(entry: CatalogEntry, device: DeviceReport): Fit;
  listStored(): Promise<StoredModel[]>;
  deleteModel(modelId: string): Promise<void>;
  /** Validates and adds a model; throws CustomModelError. Adding the same URL twice returns the first. */
  addCustom(input: CustomModelInput): CatalogEntry;
}

/** Whether `reply` settles (either way: an error is an answer too) within `timeoutMs`. */
export function answersWithin(reply: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const answered = () => {
      clearTimeout(timer);
      resolve(true);
    };
    reply.then(answered, answered);
  });
}

export function fitEntries(library: ModelLibrary, device: DeviceReport): FittedEntry[] {
  return library.entries().map((entry) => ({ ...entry, fit: library.fit(entry, device) }));
}

/** Absolute http(s) URL or a CustomModelError naming the field. */
export function parseHttpUrl(value: string, field: string): URL {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CustomModelError(`${field} must be a full web address starting with https:// (got “${text.slice(0, 120)}”).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CustomModelError(`${field} must start with https:// or http://, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new CustomModelError(`${field} must not contain a user name or password.`);
  return url;
}

/** The URL as the library stores it (normalised), so the same model typed twice is found again. */
export function normalUrl(value: string | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  try {
    return new URL(value.trim()).href;
  } catch {
    return value.trim();
  }
}

/** The last path segment, readable; a malformed %-escape is kept as written rather than thrown. */
export function lastSegment(url: URL): string {
  const segment = url.pathname.split('/').filter(Boolean).pop() ?? url.hostname;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
