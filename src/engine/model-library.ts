/**
 * What the model manager needs from an engine's side of the world: which models exist for it,
 * whether they fit this device, what is stored, and how to load, delete or add one. One library per
 * engine: web-llm on WebGPU (gpu-library.ts) and llama.cpp on the CPU (cpu/cpu-library.ts).
 */
import type { CatalogEntry, Fit, FittedEntry } from './catalog.js';
import type { ChatEngine } from './chat-engine.js';
import type { DeviceReport } from './device.js';
import type { EngineError } from './errors.js';
import type { EngineKind } from './store.js';
import { firstRefused, hostRefusal } from '../security/connect-policy.js';

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
   * Whether the model is still loaded and its worker answers within `timeoutMs` (a round trip,
   * cheap): undefined when it is, else what is wrong (`worker-lost`: no answer; `device-lost`: the
   * worker answered that it has no model any more). Undefined when there is no worker to ask. Only
   * meaningful while a model is ready: a busy worker answers late.
   */
  checkModel(timeoutMs: number): Promise<EngineError | undefined>;
  /** Give up on a worker: drop it and put the error (a text means `worker-lost`) in the store. */
  markLost(reason: EngineError | string): void;
  /**
   * Resolves once this tab knows what other tabs of the site have loaded (an engine shared across
   * tabs): true when they have a model loaded or loading. Absent, or false at once, otherwise.
   */
  attached?(): Promise<boolean>;
}

/** A model someone adds by URL: a GGUF file (CPU), or an MLC model folder plus its library (GPU). */
export interface CustomModelInput {
  url: string;
  libraryUrl?: string;
  /**
   * GPU only: tokens of context web-llm allocates its KV cache for; default DEFAULT_CONTEXT_WINDOW.
   * Without it web-llm takes the window from the model's mlc-chat-config.json (131,072 tokens for
   * Llama 3.2 builds: gigabytes of cache, and the load runs out of GPU memory). The CPU engine sizes
   * its context for the whole page, so its library ignores this.
   */
  contextWindow?: number;
}

/** A model offered by a link: validated and described, but not added or saved until the person says so. */
export interface ProposedModel {
  input: CustomModelInput;
  entry: CatalogEntry;
}

/**
 * One place a custom model's files come from, for people to judge: the weights (data the engine
 * reads) or the code (web-llm's compiled library, which runs in the model worker and decides every
 * token shown). `place` is the host and the first two path segments, because on shared hosts
 * (huggingface.co, raw.githubusercontent.com) those name the account that published the file.
 */
export interface ModelSource {
  what: 'weights' | 'code';
  host: string;
  place: string;
}

/** Where a model's weights and, for web-llm, its library come from. */
export function modelSources(entry: Pick<CatalogEntry, 'modelUrl' | 'libraryUrl'>): ModelSource[] {
  const sources: ModelSource[] = [{ what: 'weights', ...placeOf(entry.modelUrl) }];
  if (entry.libraryUrl) sources.push({ what: 'code', ...placeOf(entry.libraryUrl) });
  return sources;
}

/** Every host a model's files come from, each once, weights first: what a custom entry's `maker` says. */
export function sourceHosts(entry: Pick<CatalogEntry, 'modelUrl' | 'libraryUrl'>): string {
  return [...new Set(modelSources(entry).map((s) => s.host))].join(', ');
}

/**
 * "host/account/repo/…". The path stays percent-encoded and the host in punycode, as URL gives them,
 * so look-alike letters and right-to-left marks show for what they are.
 */
function placeOf(address: string): Pick<ModelSource, 'host' | 'place'> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { host: address, place: address };
  }
  const segments = url.pathname.split('/').filter(Boolean);
  const shown = segments.slice(0, 2);
  const place = [url.host, ...shown].join('/') + (segments.length > shown.length ? '/…' : '');
  return { host: url.host, place };
}

/** What the catalog's own records use, and what a model card assumes when nothing else is known. */
export const DEFAULT_CONTEXT_WINDOW = 4096;
/** Below this a system prompt and one reply hardly fit. */
export const MIN_CONTEXT_WINDOW = 256;
/** The largest window web-llm's builds are made for (Llama 3.x); more cannot be used, only allocated. */
export const MAX_CONTEXT_WINDOW = 131072;

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
  /**
   * Validates and adds a model; throws CustomModelError. Adding the same URL twice returns the first
   * (on the GPU with the context window asked for this time, when one is given). Call only once the
   * person has confirmed the model's sources: on the GPU this hands its library to the engine.
   */
  addCustom(input: CustomModelInput): CatalogEntry;
  /**
   * What addCustom would add, without adding it (nothing reaches the engine): the entry already
   * added for the same URLs, or a new one. Throws CustomModelError as addCustom does.
   */
  previewCustom(input: CustomModelInput): CatalogEntry;
  /** Takes a model added by URL out of the catalog (and the engine's list); the removed entry, or undefined for any other id. */
  removeCustom(modelId: string): CatalogEntry | undefined;
}

/**
 * Refuse a model whose files come from a host this page's Content-Security-Policy leaves out, when
 * it is added: the browser would refuse every download of it. Throws CustomModelError with the
 * sentence that names the host and how the site's owner allows it (connect-policy.ts).
 */
export async function refuseBlockedHosts(entry: Pick<CatalogEntry, 'modelUrl' | 'libraryUrl'>): Promise<void> {
  const refused = await firstRefused([entry.modelUrl, entry.libraryUrl]);
  if (refused) throw new CustomModelError(hostRefusal(refused));
}

export type Answer = { kind: 'resolved' } | { kind: 'rejected'; reason: unknown } | { kind: 'late' };

/** How `reply` settled within `timeoutMs`, if it did. */
export function answerWithin(reply: Promise<unknown>, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'late' }), timeoutMs);
    reply.then(
      () => {
        clearTimeout(timer);
        resolve({ kind: 'resolved' });
      },
      (reason: unknown) => {
        clearTimeout(timer);
        resolve({ kind: 'rejected', reason });
      },
    );
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

/** The context window asked for, or the default; a CustomModelError when it is not one we can allocate. */
export function contextWindowOf(input: Pick<CustomModelInput, 'contextWindow'>): number {
  const value = input.contextWindow;
  if (value === undefined) return DEFAULT_CONTEXT_WINDOW;
  if (!Number.isInteger(value) || value < MIN_CONTEXT_WINDOW || value > MAX_CONTEXT_WINDOW) {
    const range = `${MIN_CONTEXT_WINDOW.toLocaleString('en')} to ${MAX_CONTEXT_WINDOW.toLocaleString('en')}`;
    throw new CustomModelError(
      `The context window must be a whole number of tokens from ${range} (got ${String(value).slice(0, 40)}). ${DEFAULT_CONTEXT_WINDOW.toLocaleString('en')} suits most models.`,
    );
  }
  return value;
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
