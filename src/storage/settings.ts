/**
 * App settings kept on this device (IndexedDB through idb-keyval): engine choice, custom models, the
 * model last loaded on each engine and whether it loads by itself when the app opens.
 */
import { createStore, get, set, type UseStore } from 'idb-keyval';
import type { EnginePreference } from '../app/engine-choice.js';
import type { CustomModelInput } from '../engine/model-library.js';
import type { EngineKind } from '../engine/store.js';

export interface SavedCustomModel extends CustomModelInput {
  engine: EngineKind;
}

export interface SavedRemoteServer {
  baseUrl: string;
  /** Kept only when the person ticked "Remember the key on this device". */
  apiKey?: string;
  /** The model last loaded from it. */
  modelId?: string;
}

/** A saved entry as a model record, with only the fields a model record has; undefined if it is not one. */
function savedCustomModel(value: unknown): SavedCustomModel | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { engine, url, libraryUrl, contextWindow } = value as Record<string, unknown>;
  if ((engine !== 'webgpu' && engine !== 'cpu') || typeof url !== 'string') return undefined;
  if (libraryUrl !== undefined && typeof libraryUrl !== 'string') return undefined;
  if (contextWindow !== undefined && typeof contextWindow !== 'number') return undefined;
  return {
    engine,
    url,
    ...(libraryUrl !== undefined ? { libraryUrl } : {}),
    ...(contextWindow !== undefined ? { contextWindow } : {}),
  };
}

/** The model last loaded with an engine: its id, and where its files come from (to find it again). */
export interface LastModel {
  modelId: string;
  modelUrl?: string;
}

const MAX_ID_LENGTH = 300;
const MAX_URL_LENGTH = 2048;

/** A stored last-model record, or undefined when it is not one (stored data is untrusted). */
function lastModelRecord(value: unknown): LastModel | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { modelId, modelUrl } = value as Record<string, unknown>;
  if (typeof modelId !== 'string' || modelId === '' || modelId.length > MAX_ID_LENGTH) return undefined;
  if (modelUrl !== undefined && (typeof modelUrl !== 'string' || modelUrl.length > MAX_URL_LENGTH)) return undefined;
  return { modelId, ...(modelUrl !== undefined ? { modelUrl } : {}) };
}

export class SettingsStore {
  private readonly db: UseStore;

  constructor(databaseName = 'aperto-settings', storeName = 'settings') {
    this.db = createStore(databaseName, storeName);
  }

  async enginePreference(): Promise<EnginePreference | undefined> {
    const value = await get<string>('engine', this.db).catch(() => undefined);
    return value === 'auto' || value === 'webgpu' || value === 'cpu' || value === 'remote' ? value : undefined;
  }

  /**
   * The remote server last chosen here, checked as untrusted data (anything else reads as none).
   * Its key is in it only if the person asked to remember it.
   */
  async remoteServer(): Promise<SavedRemoteServer | undefined> {
    const value = await get<unknown>('remote-server', this.db).catch(() => undefined);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const { baseUrl, apiKey, modelId } = value as Record<string, unknown>;
    if (typeof baseUrl !== 'string' || baseUrl.length > 2000) return undefined;
    return {
      baseUrl,
      ...(typeof apiKey === 'string' && apiKey && apiKey.length <= 4000 ? { apiKey } : {}),
      ...(typeof modelId === 'string' && modelId && modelId.length <= 200 ? { modelId } : {}),
    };
  }

  setRemoteServer(server: SavedRemoteServer): Promise<void> {
    return set('remote-server', { ...server }, this.db);
  }

  setEnginePreference(preference: EnginePreference): Promise<void> {
    return set('engine', preference, this.db);
  }

  /** The models added by URL; an entry that is not a model record is left out (see readCustomModels). */
  async customModels(): Promise<SavedCustomModel[]> {
    return (await this.readCustomModels()).models;
  }

  /**
   * The saved models, each checked as untrusted data: an entry that is not an object with a known
   * `engine` and a text `url` (or has a field of the wrong type) is dropped from storage too, and
   * counted in `dropped`, so it is reported once rather than at every start.
   */
  async readCustomModels(): Promise<{ models: SavedCustomModel[]; dropped: number }> {
    const value = await get<unknown>('custom-models', this.db).catch(() => undefined);
    if (value === undefined) return { models: [], dropped: 0 };
    const entries: unknown[] = Array.isArray(value) ? value : [value];
    const models = entries.map(savedCustomModel).filter((m): m is SavedCustomModel => m !== undefined);
    const dropped = Array.isArray(value) ? entries.length - models.length : 1;
    if (dropped > 0) await set('custom-models', models, this.db).catch(() => undefined);
    return { models, dropped };
  }

  async addCustomModel(model: SavedCustomModel): Promise<void> {
    const models = (await this.customModels()).filter((m) => !(m.engine === model.engine && m.url === model.url));
    await set('custom-models', [...models, model], this.db);
  }

  async removeCustomModel(engine: EngineKind, url: string): Promise<void> {
    const models = (await this.customModels()).filter((m) => !(m.engine === engine && m.url === url));
    await set('custom-models', models, this.db);
  }

  /** The model last loaded on `engine` on this device; undefined if none (or the record is unreadable). */
  async lastModel(engine: EngineKind): Promise<LastModel | undefined> {
    const value = await get<unknown>('last-model', this.db).catch(() => undefined);
    if (typeof value !== 'object' || value === null) return undefined;
    return lastModelRecord((value as Record<string, unknown>)[engine]);
  }

  /** Remember the model just loaded, per engine: each engine has its own catalog. */
  async setLastModel(engine: EngineKind, model: LastModel): Promise<void> {
    const value = await get<unknown>('last-model', this.db).catch(() => undefined);
    const others = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    const kept = Object.fromEntries(
      (['webgpu', 'cpu'] as const).flatMap((kind) => {
        const record = lastModelRecord(others[kind]);
        return record && kind !== engine ? [[kind, record]] : [];
      }),
    );
    await set('last-model', { ...kept, [engine]: lastModelRecord(model) }, this.db);
  }

  /** Forget the last model of `engine` if it is `modelId` (its files were deleted from this device). */
  async forgetLastModel(engine: EngineKind, modelId: string): Promise<void> {
    const value = await get<unknown>('last-model', this.db).catch(() => undefined);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const record = value as Record<string, unknown>;
    if (lastModelRecord(record[engine])?.modelId !== modelId) return;
    const rest = { ...record };
    delete rest[engine];
    await set('last-model', rest, this.db);
  }

  /**
   * Whether the app loads the last model by itself when it opens and the model is stored on this
   * device. On unless the person turned it off (Models → Engine).
   */
  async loadLastModelOnOpen(): Promise<boolean> {
    const value = await get<unknown>('load-last-model', this.db).catch(() => undefined);
    return value !== false;
  }

  setLoadLastModelOnOpen(on: boolean): Promise<void> {
    return set('load-last-model', on, this.db);
  }
}
