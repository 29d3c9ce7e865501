import { appConfigFor, catalog } from './app-config.js';
import { CpuEngineClient } from './cpu/cpu-engine-client.js';
import { CpuModelLibrary } from './cpu/cpu-library.js';
import { probeDevice, type DeviceReport } from './device.js';
import { EngineClient } from './engine-client.js';
import { GpuModelLibrary } from './gpu-library.js';
import type { LoadableEngine, ModelLibrary } from './model-library.js';
import { EngineStore, type EngineKind } from './store.js';

export interface PageEngine {
  store: EngineStore;
  library: ModelLibrary;
  engine: LoadableEngine;
}

let shared: PageEngine | undefined;

export function createEngine(kind: EngineKind): PageEngine {
  const store = new EngineStore(kind);
  const library =
    kind === 'cpu'
      ? new CpuModelLibrary(new CpuEngineClient({ store }))
      : new GpuModelLibrary(new EngineClient({ store, appConfig: appConfigFor(catalog) }));
  return { store, library, engine: library.engine };
}

/**
 * Choose the page's engine, once, before elements ask for it (the app does this at start-up after
 * probing the device). Calling it again with another kind replaces the engine.
 */
export function initPageEngine(kind: EngineKind): PageEngine {
  if (shared?.store.engine === kind) return shared;
  shared?.engine.dispose();
  shared = createEngine(kind);
  return shared;
}

/**
 * One engine per page: every element that needs the model asks for this one, so a page with a chat
 * and a model manager shares one worker and one model load. Defaults to the GPU engine when the page
 * did not choose.
 */
export function pageEngine(): PageEngine {
  return (shared ??= createEngine('webgpu'));
}

let deviceProbe: Promise<DeviceReport> | undefined;

/** The device is probed once per page; every panel reads the same answer. */
export function deviceReport(): Promise<DeviceReport> {
  deviceProbe ??= probeDevice();
  return deviceProbe;
}
