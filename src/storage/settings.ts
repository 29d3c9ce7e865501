/** App settings kept on this device (IndexedDB through idb-keyval): engine choice, custom models. */
import { createStore, get, set, type UseStore } from 'idb-keyval';
import type { EnginePreference } from '../app/engine-choice.js';
import type { CustomModelInput } from '../engine/model-library.js';
import type { EngineKind } from '../engine/store.js';

export interface SavedCustomModel extends CustomModelInput {
  engine: EngineKind;
}

export class SettingsStore {
  private readonly db: UseStore;

  constructor(databaseName = 'aperto-settings', storeName = 'settings') {
    this.db = createStore(databaseName, storeName);
  }

  async enginePreference(): Promise<EnginePreference | undefined> {
    const value = await get<string>('engine', this.db).catch(() => undefined);
    return value === 'auto' || value === 'webgpu' || value === 'cpu' ? value : undefined;
  }

  setEnginePreference(preference: EnginePreference): Promise<void> {
    return set('engine', preference, this.db);
  }

  async customModels(): Promise<SavedCustomModel[]> {
    const value = await get<SavedCustomModel[]>('custom-models', this.db).catch(() => undefined);
    return Array.isArray(value) ? value : [];
  }

  async addCustomModel(model: SavedCustomModel): Promise<void> {
    const models = (await this.customModels()).filter((m) => !(m.engine === model.engine && m.url === model.url));
    await set('custom-models', [...models, model], this.db);
  }

  async removeCustomModel(engine: EngineKind, url: string): Promise<void> {
    const models = (await this.customModels()).filter((m) => !(m.engine === engine && m.url === url));
    await set('custom-models', models, this.db);
  }
}
