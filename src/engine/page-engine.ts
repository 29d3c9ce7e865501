import { chooseEngine, type EnginePreference } from '../app/engine-choice.js';
import { appConfigFor, catalog } from './app-config.js';
import { CpuEngineClient } from './cpu/cpu-engine-client.js';
import { CpuModelLibrary } from './cpu/cpu-library.js';
import { probeDevice, type DeviceReport } from './device.js';
import { EngineClient } from './engine-client.js';
import { GpuModelLibrary } from './gpu-library.js';
import type { LoadableEngine, ModelLibrary } from './model-library.js';
import { canShareModelWorker, sharedLink } from './llm-link.js';
import { ModelHolder } from './model-holder.js';
import { EngineRecovery } from './recovery.js';
import { RemoteEngineClient } from './remote/remote-engine-client.js';
import { RemoteModelLibrary } from './remote/remote-library.js';
import type { RemoteServer } from './remote/remote-server.js';
import { EngineStore, type EngineKind } from './store.js';

export interface PageEngine {
  store: EngineStore;
  library: ModelLibrary;
  engine: LoadableEngine;
  /** Watches the worker and reloads the model after a crash (automatically only where enabled). */
  recovery: EngineRecovery;
}

let shared: PageEngine | undefined;
/** An `auto` choice by the device, started by an element's lease. */
let choosing: Promise<PageEngine> | undefined;
/** The page's own decision (choosePageEngine), which every lease waits for. */
let deciding: Promise<PageEngine> | undefined;

/** How the page's engine is set up, for every engine it creates (the app sets it from its link). */
export interface PageEngineOptions {
  /** Tokens of context to allocate for a model; undefined: the engine's default. */
  contextSize?: number;
  /**
   * The remote engine's server, and the origins the site lets it reach (undefined: no list, as on a
   * page that embeds the elements, whose own policy decides).
   */
  remote?: { server?: RemoteServer; allowedOrigins?: readonly string[] };
}

let pageOptions: PageEngineOptions = {};

/** Set before the page's engine is created; an engine that exists keeps what it was created with. */
export function setPageEngineOptions(options: PageEngineOptions): void {
  pageOptions = { ...options };
}

export function pageEngineOptions(): PageEngineOptions {
  return { ...pageOptions };
}

export function createEngine(kind: EngineKind, options: PageEngineOptions = pageOptions): PageEngine {
  const store = new EngineStore(kind);
  const { contextSize } = options;
  if (kind === 'remote') {
    const { server, allowedOrigins } = options.remote ?? {};
    const library = new RemoteModelLibrary(
      new RemoteEngineClient({ store, ...(server ? { server } : {}), ...(allowedOrigins ? { allowedOrigins } : {}) }),
    );
    return { store, library, engine: library.engine, recovery: new EngineRecovery(library.engine) };
  }
  // One tab of the site holds a local model at a time; "Use it here" in another moves it (model-holder.ts).
  // Created before the engine it guards, so the engine can wait on it: `page` is set just below.
  let page: PageEngine | undefined;
  const holder = new ModelHolder(store, (note) => {
    page?.engine.dispose();
    store.reset(note);
  });
  const holdModel = (modelId: string) => holder.hold(modelId);
  let library: ModelLibrary;
  if (kind === 'cpu') {
    library = new CpuModelLibrary(new CpuEngineClient({ store, holdModel, ...(contextSize ? { contextSize } : {}) }));
  } else if (canShareModelWorker()) {
    // Every tab of the site talks to one shared model worker: one model for all. (The lock is for a
    // browser that turns out to offer no WebGPU inside it: then each tab runs its own worker.)
    const client = new EngineClient({ store, createSharedLink: () => sharedLink(), holdModel, appConfig: appConfigFor(catalog), ...(contextSize ? { contextSize } : {}) });
    // Connect now, so a tab opened while another loads or uses a model shows it at once.
    client.connect();
    library = new GpuModelLibrary(client);
  } else {
    library = new GpuModelLibrary(new EngineClient({ store, holdModel, appConfig: appConfigFor(catalog), ...(contextSize ? { contextSize } : {}) }));
  }
  // A delete keeps this tab's hold on the model until the files are gone (model-holder.ts: keepWhile).
  const deleteModel = library.deleteModel.bind(library);
  library.deleteModel = (modelId) => holder.keepWhile(() => deleteModel(modelId));
  page = { store, library, engine: library.engine, recovery: new EngineRecovery(library.engine) };
  return page;
}

/**
 * Choose the page's engine, once, before elements ask for it (the app does this at start-up after
 * probing the device). Calling it again with another kind replaces the engine.
 */
export function initPageEngine(kind: EngineKind): PageEngine {
  if (shared?.store.engine === kind) return shared;
  if (shared) disposeShared();
  shared = createEngine(kind);
  return shared;
}

/**
 * The page decides its engine while it paints (the app: the link's `engine=`, else the saved choice,
 * else the device). Elements that ask for the engine meanwhile, whatever they prefer, get this one
 * once it is decided and `prepare` has finished with it (the app restores models added on earlier
 * visits): the page's own choice wins over any element's.
 */
export function choosePageEngine(kind: Promise<EngineKind>, prepare?: (page: PageEngine) => Promise<void>): Promise<PageEngine> {
  const decided = kind.then(async (chosen) => {
    const page = initPageEngine(chosen);
    await prepare?.(page);
    return page;
  });
  deciding = decided;
  const done = () => {
    if (deciding === decided) deciding = undefined;
  };
  void decided.then(done, done);
  return decided;
}

/**
 * One engine per page: every element that needs the model asks for this one, so a page with a chat
 * and a model manager shares one worker and one model load. Defaults to the GPU engine when the page
 * did not choose.
 */
export function pageEngine(): PageEngine {
  return (shared ??= createEngine('webgpu'));
}

/** The page's engine if one exists, without creating it. */
export function existingPageEngine(): PageEngine | undefined {
  return shared;
}

/** A hold on the page's engine. The engine is freed once the last hold is released. */
export interface EngineLease {
  /** Set at once when the engine already exists or the kind is explicit; else after the device probe. */
  readonly current: PageEngine | undefined;
  readonly ready: Promise<PageEngine>;
  release(): void;
}

/**
 * How long an engine nobody holds stays alive: an element moved in the DOM (or re-rendered by a
 * framework) is disconnected and connected again, and must not lose its loaded model meanwhile.
 */
const RELEASE_GRACE_MS = 1000;
let holders = 0;
let releaseTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Take a hold on the page's one engine, creating it for `preference` if there is none yet (`auto`:
 * the GPU engine where WebGPU works, else the CPU engine). The first choice on a page wins: a second
 * element asking for another kind shares the existing engine rather than loading a second model.
 * While the page decides (choosePageEngine), the lease waits for that engine.
 */
export function leasePageEngine(preference: EnginePreference = 'auto'): EngineLease {
  holders++;
  clearTimeout(releaseTimer);
  let released = false;
  // While the page is deciding, every element waits for its decision.
  const immediate = deciding ? undefined : (shared ?? (preference === 'auto' ? undefined : initPageEngine(preference)));
  const ready = immediate ? Promise.resolve(immediate) : (deciding ?? chooseForDevice());
  let current = immediate;
  void ready.then((engine) => (current = engine));
  return {
    get current() {
      return current;
    },
    ready,
    release() {
      if (released) return;
      released = true;
      holders--;
      if (holders > 0) return;
      clearTimeout(releaseTimer);
      releaseTimer = setTimeout(() => {
        if (holders === 0) disposeShared();
      }, RELEASE_GRACE_MS);
    },
  };
}

function chooseForDevice(): Promise<PageEngine> {
  choosing ??= deviceReport()
    .then((report) => shared ?? initPageEngine(chooseEngine('auto', report.gpu).kind))
    .finally(() => (choosing = undefined));
  return choosing;
}

/** Terminate the engine's worker and free the model's memory; the next lease starts afresh. */
function disposeShared(): void {
  const engine = shared;
  shared = undefined;
  engine?.recovery.stop();
  engine?.engine.dispose();
}

let deviceProbe: Promise<DeviceReport> | undefined;

/** The device is probed once per page; every panel reads the same answer. */
export function deviceReport(): Promise<DeviceReport> {
  deviceProbe ??= probeDevice();
  return deviceProbe;
}
