/**
 * What web-llm has stored on this device, and removing it again.
 *
 * web-llm keeps everything in three Cache Storage caches keyed by the file's URL: weights and
 * tokenizer in "webllm/model", mlc-chat-config.json in "webllm/config", the compiled model library
 * in "webllm/wasm". We read those caches directly to list sizes (web-llm has no API for that) and
 * use web-llm's own delete functions, then sweep leftovers of interrupted downloads that its
 * manifest-driven delete cannot see.
 */
import {
  deleteChatConfigInCache,
  deleteModelInCache,
  deleteModelWasmInCache,
  hasModelInCache,
  type AppConfig,
  type ModelRecord,
} from '@mlc-ai/web-llm';
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

async function cacheEntries(name: string): Promise<Array<{ url: string; cache: Cache; request: Request }>> {
  if (!(await caches.has(name))) return [];
  const cache = await caches.open(name);
  return (await cache.keys()).map((request) => ({ url: request.url, cache, request }));
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
    const complete = await hasModelInCache(records[0].model_id, appConfig).catch(() => false);
    found.push({
      location: baseUrl,
      modelIds: records.map((record) => record.model_id),
      bytes: sizes.reduce((sum, size) => sum + size, 0),
      complete,
    });
  }
  return found.sort((a, b) => b.bytes - a.bytes);
}

/**
 * Remove a model's weights, tokenizer and config, plus its library unless another cached model
 * still uses the same one.
 */
export async function deleteCachedModel(modelId: string, appConfig: AppConfig): Promise<void> {
  const record = appConfig.model_list.find((r) => r.model_id === modelId);
  if (!record) return;
  const baseUrl = modelBaseUrl(record);
  // web-llm's delete reads the weights manifest from the cache; without it (an interrupted first
  // download) it throws, and the sweep below does the work instead.
  await deleteModelInCache(modelId, appConfig).catch(() => undefined);
  await deleteChatConfigInCache(modelId, appConfig).catch(() => undefined);
  // Keep the library if another model with files on this device uses it (keys only: no sizes needed).
  const remaining = (await Promise.all(['webllm/model', 'webllm/config'].map(cacheEntries))).flat();
  for (const entry of remaining) if (entry.url.startsWith(baseUrl)) await entry.cache.delete(entry.request);
  const libraryStillUsed = appConfig.model_list.some((r) => {
    if (r.model_lib !== record.model_lib) return false;
    const otherBase = modelBaseUrl(r);
    return otherBase !== baseUrl && remaining.some((entry) => entry.url.startsWith(otherBase));
  });
  if (!libraryStillUsed) await deleteModelWasmInCache(modelId, appConfig).catch(() => undefined);
}

/**
 * A model library that failed to instantiate stays cached, and every later load would fail from the
 * cache without touching the network. Forget the library and config so a retry fetches them again.
 */
export async function forgetModelProgram(modelId: string, appConfig: AppConfig): Promise<void> {
  await Promise.all([
    deleteModelWasmInCache(modelId, appConfig).catch(() => undefined),
    deleteChatConfigInCache(modelId, appConfig).catch(() => undefined),
  ]);
}
