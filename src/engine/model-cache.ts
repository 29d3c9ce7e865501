/**
 * What web-llm has stored on this device, and removing it again.
 *
 * web-llm keeps everything in three Cache Storage caches keyed by the file's URL: weights and
 * tokenizer in "webllm/model", mlc-chat-config.json in "webllm/config", the compiled model library
 * in "webllm/wasm". We read those caches directly to list sizes (web-llm has no API for that) and
 * use web-llm's own delete functions, which run in the model worker (the page never loads web-llm),
 * then sweep leftovers of interrupted downloads that its manifest-driven delete cannot see.
 */
import type { AppConfig, ModelRecord } from '@mlc-ai/web-llm';
import type { WebLlmFile } from './llm-protocol.js';
import type { StoredModel } from './model-library.js';

export const WEBLLM_CACHES = ['webllm/model', 'webllm/config', 'webllm/wasm'] as const;

/** Same normalisation as web-llm's `cleanModelUrl`: the folder all of a model's files live under. */
export function modelBaseUrl(record: Pick<ModelRecord, 'model'>): string {
  let url = record.model.endsWith('/') ? record.model : `${record.model}/`;
  if (!/.+\/resolve\/.+\//.test(url)) url += 'resolve/main/';
  return new URL(url, globalThis.location?.href).href;
}


async function entrySize(response: Response | undefined): Promise<number> {
  if (!response) return 0;
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > 0) return declared;
  // Cache Storage blobs are backed by disk; reading `.size` does not load the body.
  return (await response.blob()).size;
}

interface CacheEntry {
  /** Which web-llm cache holds it. */
  name: string;
  url: string;
  cache: Cache;
  request: Request;
}

async function cacheEntries(name: string): Promise<CacheEntry[]> {
  if (!(await caches.has(name))) return [];
  const cache = await caches.open(name);
  return (await cache.keys()).map((request) => ({ name, url: request.url, cache, request }));
}

/** web-llm 0.2.86's file names (older releases called the weights manifest ndarray-cache.json). */
const CHAT_CONFIG = 'mlc-chat-config.json';
const WEIGHTS_MANIFEST = 'tensor-cache.json';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A small JSON file from the cache, or undefined when it is missing or not JSON. */
async function cachedJson(entries: readonly CacheEntry[], name: string, url: string): Promise<Json | undefined> {
  const entry = entries.find((e) => e.name === name && e.url === url);
  if (!entry) return undefined;
  try {
    const data: unknown = await (await entry.cache.match(entry.request))?.json();
    return isObject(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which tokenizer file web-llm reads (`asyncLoadTokenizer`): tokenizer.json when the config lists
 * it, else tokenizer.model. Other files the config lists (vocab.json, tokenizer_config.json…) are
 * never fetched, so they are not needed either.
 */
function tokenizerFile(config: Json): string | undefined {
  const files = Array.isArray(config.tokenizer_files) ? config.tokenizer_files : [];
  return ['tokenizer.json', 'tokenizer.model'].find((file) => files.includes(file));
}

/**
 * web-llm caches a library only from an http(s) URL without "localhost" in it; any other it fetches
 * on every load (from the page's own or a local server), so there is nothing to find in the cache.
 */
function libraryIsCached(modelLib: string): boolean {
  return modelLib.startsWith('http') && !modelLib.includes('localhost');
}

/**
 * Whether every file web-llm's `reload` reads from the cache is there, so a load will not need the
 * network: the chat config (and the package manifest, when the record names one), the library, the
 * tokenizer, the weights manifest and every shard it lists. Keys only, plus the two small JSON files;
 * web-llm's own `hasModelInCache` looks at the weights alone.
 */
async function loadsFromCache(records: readonly ModelRecord[], baseUrl: string, entries: readonly CacheEntry[]): Promise<boolean> {
  const keys = new Set(entries.map((e) => `${e.name} ${e.url}`));
  const inCache = (name: string, url: string) => keys.has(`${name} ${url}`);
  const file = (path: string) => new URL(path, baseUrl).href;

  const [config, manifest] = await Promise.all([
    cachedJson(entries, 'webllm/config', file(CHAT_CONFIG)),
    cachedJson(entries, 'webllm/model', file(WEIGHTS_MANIFEST)),
  ]);
  const shards = manifest && Array.isArray(manifest.records) ? (manifest.records as unknown[]) : undefined;
  if (!config || !shards) return false;
  const weightsPresent = shards.every(
    (shard) => isObject(shard) && typeof shard.dataPath === 'string' && inCache('webllm/model', file(shard.dataPath)),
  );
  if (!weightsPresent) return false;

  // Every catalog id sharing these weights is offered as stored, so each must load from the cache.
  return records.every((record) => {
    const tokenizer = tokenizerFile({ ...config, ...record.overrides });
    return (
      tokenizer !== undefined &&
      inCache('webllm/model', file(tokenizer)) &&
      (record.model_manifest === undefined || inCache('webllm/config', file(record.model_manifest))) &&
      (!libraryIsCached(record.model_lib) || inCache('webllm/wasm', new URL(record.model_lib).href))
    );
  });
}

export async function listCachedModels(appConfig: AppConfig): Promise<StoredModel[]> {
  if (typeof caches === 'undefined') return [];
  const entries = (await Promise.all(WEBLLM_CACHES.map(cacheEntries))).flat();
  const byBase = new Map<string, ModelRecord[]>();
  for (const record of appConfig.model_list) {
    const base = modelBaseUrl(record);
    byBase.set(base, [...(byBase.get(base) ?? []), record]);
  }
  const found: StoredModel[] = [];
  for (const [baseUrl, records] of byBase) {
    const mine = entries.filter((entry) => entry.url.startsWith(baseUrl));
    if (mine.length === 0) continue;
    const sizes = await Promise.all(mine.map((entry) => entry.cache.match(entry.request).then(entrySize)));
    const complete = await loadsFromCache(records, baseUrl, entries).catch(() => false);
    found.push({
      location: baseUrl,
      modelIds: records.map((record) => record.model_id),
      bytes: sizes.reduce((sum, size) => sum + size, 0),
      complete,
    });
  }
  return found.sort((a, b) => b.bytes - a.bytes);
}

/** web-llm's own deletes of some of a model's files (run in the model worker, where web-llm is). */
export type ForgetInWebLlm = (files: WebLlmFile[]) => Promise<void>;

/**
 * Remove a model's weights, tokenizer and config, plus its library unless another cached model
 * still uses the same one.
 */
export async function deleteCachedModel(modelId: string, appConfig: AppConfig, forget: ForgetInWebLlm): Promise<void> {
  const record = appConfig.model_list.find((r) => r.model_id === modelId);
  if (!record) return;
  const baseUrl = modelBaseUrl(record);
  // web-llm's delete reads the weights manifest from the cache; without it (an interrupted first
  // download) it fails, and the sweep below does the work instead. So does the sweep when web-llm's
  // code cannot run (offline, before the app was kept on this device).
  await forget(['weights', 'config']).catch(() => undefined);
  // Keep the library if another model with files on this device uses it (keys only: no sizes needed).
  const remaining = (await Promise.all(['webllm/model', 'webllm/config'].map(cacheEntries))).flat();
  for (const entry of remaining) if (entry.url.startsWith(baseUrl)) await entry.cache.delete(entry.request);
  const libraryStillUsed = appConfig.model_list.some((r) => {
    if (r.model_lib !== record.model_lib) return false;
    const otherBase = modelBaseUrl(r);
    return otherBase !== baseUrl && remaining.some((entry) => entry.url.startsWith(otherBase));
  });
  if (!libraryStillUsed) await forget(['library']).catch(() => undefined);
}
