import type { AppConfig } from '@mlc-ai/web-llm';
import { appConfigFor, catalog } from './app-config.js';
import { probeDevice, type DeviceReport } from './device.js';
import { EngineClient } from './engine-client.js';
import { EngineStore } from './store.js';

export interface PageEngine {
  store: EngineStore;
  client: EngineClient;
}

let shared: PageEngine | undefined;

/**
 * One engine per page: every element that needs the model asks for this one, so a page with a chat
 * and a model manager shares one worker and one model load.
 */
export function pageEngine(appConfig: AppConfig = appConfigFor(catalog)): PageEngine {
  if (!shared) {
    const store = new EngineStore('webgpu');
    shared = { store, client: new EngineClient({ store, appConfig }) };
  }
  return shared;
}

let deviceProbe: Promise<DeviceReport> | undefined;

/** The device is probed once per page; every panel reads the same answer. */
export function deviceReport(): Promise<DeviceReport> {
  deviceProbe ??= probeDevice();
  return deviceProbe;
}
