/**
 * The GPU model for every tab of the site (issue 14): one web-llm `MLCEngine` in a SharedWorker,
 * spoken to by each tab with the same messages as the dedicated worker (src/engine/llm-protocol.ts),
 * plus what sharing needs:
 *
 * - **One model, seen by all.** The model's state goes to every tab when it changes, and to each
 *   tab as it says hello; a tab then follows it (engine-client.ts). A load of the model already
 *   loading joins it: its progress goes to every tab that waits for it. A load of another model
 *   replaces it for everyone; a load nobody waits for any more (every tab cancelled or closed) stops.
 * - **One reply at a time.** Replies from different tabs take turns; one that waits behind another
 *   tab's is told so (`waiting`). A stop ends only the reply it names.
 * - **Tabs that close.** A port says nothing when its tab goes away. Each tab holds a Web Lock while
 *   it is open and names it in its hello; the host asks for that lock and gets it when the tab is
 *   gone, however it went (closed, crashed, navigated). Its queued replies are dropped, its reply
 *   under way is stopped, and once no tab is left the model is unloaded after a short grace.
 *
 * web-llm (2.1 MB gzip) is imported on the first request that needs it, not when a tab connects:
 * tabs connect as the app starts, and the first view must not fetch it (README, first visit).
 */
import type { ChatCompletionRequestStreaming, InitProgressReport } from '@mlc-ai/web-llm';
import { classifyError, errorText } from '../src/engine/errors.js';
import type { LlmCall, LlmFailure, LlmMessage, LlmReplies, LlmRequest, LoadPayload, SharedModelState } from '../src/engine/llm-protocol.js';
import { ConnectViolations } from '../src/security/connect-policy.js';
import type { WebLlmCacheFunctions, WebLlmEngine } from './llm-handler.js';

/** What the host needs of web-llm, loaded on first use. */
export interface WebLlm {
  createEngine(): WebLlmEngine;
  cache: WebLlmCacheFunctions;
}

/** A tab's end of the channel: a MessagePort in the browser. */
export interface HostPort {
  postMessage(message: LlmMessage): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<LlmRequest>) => void): void;
  start(): void;
  close(): void;
}

interface Tab {
  port: HostPort;
  /** Ids of this tab's load calls waiting for the load under way. */
  loads: Set<number>;
}

interface Waiter {
  tab: Tab;
  id: number;
}

/** How long the model stays loaded once no tab is left (a reload in the same tab connects again at once). */
export const UNLOAD_GRACE_MS = 1000;

export class SharedLlmHost {
  private readonly tabs = new Set<Tab>();
  private readonly violations: ConnectViolations;
  private webLlm?: Promise<WebLlm>;
  private engine?: WebLlmEngine;
  private state: SharedModelState = { status: 'idle' };
  /** The load under way and the calls waiting for it. */
  private loading?: { modelId: string; waiters: Waiter[] };
  /** Bumped by every load, stop of a load and unload, so answers of a superseded one are ignored. */
  private generation = 0;
  private readonly queue: Array<Waiter & { request: ChatCompletionRequestStreaming }> = [];
  private running?: Waiter & { stopAsked: boolean };
  private unloadTimer?: ReturnType<typeof setTimeout>;

  constructor(
    loadWebLlm: () => Promise<WebLlm>,
    scope: EventTarget = globalThis,
    private readonly locks: Pick<LockManager, 'request'> | undefined = globalThis.navigator?.locks,
    /** Whether this worker can reach the GPU (tests pretend a browser that offers no WebGPU here). */
    private readonly webgpu: boolean = 'gpu' in (globalThis.navigator ?? {}),
  ) {
    this.loadWebLlm = loadWebLlm;
    this.violations = new ConnectViolations(scope);
  }

  private readonly loadWebLlm: () => Promise<WebLlm>;

  /** A tab connected (SharedWorkerGlobalScope's `connect`). */
  connect(port: HostPort): void {
    const tab: Tab = { port, loads: new Set() };
    this.tabs.add(tab);
    clearTimeout(this.unloadTimer);
    port.addEventListener('message', (event) => this.onMessage(tab, event.data));
    port.start();
    port.postMessage({ kind: 'welcome', id: 0, payload: { webgpu: this.webgpu } });
    port.postMessage({ kind: 'state', id: 0, payload: this.state });
  }

  private onMessage(tab: Tab, request: LlmRequest): void {
    if (!this.tabs.has(tab)) return;
    switch (request.kind) {
      case 'hello':
        // Granted once the tab is gone: it holds this lock for as long as it is open.
        void this.locks?.request(request.payload.tabLock, () => this.drop(tab)).catch(() => undefined);
        return;
      case 'bye':
        return this.drop(tab);
      case 'stop':
        if (tab.loads.has(request.id)) return this.leaveLoad(tab, request.id);
        return this.stopChat(tab, request.id);
      default:
        void this.handle(tab, request);
    }
  }

  private post(tab: Tab, message: LlmMessage): void {
    if (this.tabs.has(tab)) tab.port.postMessage(message);
  }

  private reply<K extends keyof LlmReplies>(tab: Tab, id: number, payload: LlmReplies[K]): void {
    this.post(tab, { kind: 'reply', id, payload });
  }

  private setState(state: SharedModelState): void {
    this.state = state;
    for (const tab of this.tabs) tab.port.postMessage({ kind: 'state', id: 0, payload: state });
  }

  private async handle(tab: Tab, request: LlmCall): Promise<void> {
    const since = performance.now();
    try {
      switch (request.kind) {
        case 'load':
          return await this.load(tab, request.id, request.payload);
        case 'chat':
          return this.enqueueChat(tab, request.id, request.payload.request);
        case 'check':
          // No engine: nothing loaded here to check (the tab follows the state to idle).
          if (this.engine) await this.engine.getMessage();
          return this.reply<'check'>(tab, request.id, null);
        case 'unload':
          await this.unload('unloaded');
          return this.reply<'unload'>(tab, request.id, null);
        case 'forget': {
          const { cache } = await this.webLlmModule();
          // Each on its own, as in the dedicated worker (llm-handler.ts).
          for (const file of request.payload.files) await cache[file](request.payload.modelId, request.payload.appConfig).catch(() => undefined);
          return this.reply<'forget'>(tab, request.id, null);
        }
      }
    } catch (error) {
      this.post(tab, { kind: 'error', id: request.id, payload: await this.failure(error, since) });
    }
  }

  private webLlmModule(): Promise<WebLlm> {
    this.webLlm ??= this.loadWebLlm();
    return this.webLlm;
  }

  private async ensureEngine(): Promise<WebLlmEngine> {
    if (this.engine) return this.engine;
    const engine = (await this.webLlmModule()).createEngine();
    engine.setInitProgressCallback((report: InitProgressReport) => {
      if (this.engine !== engine) return;
      for (const waiter of this.loading?.waiters ?? []) this.post(waiter.tab, { kind: 'progress', id: waiter.id, payload: report });
    });
    this.engine = engine;
    return engine;
  }

  private async load(tab: Tab, id: number, payload: LoadPayload): Promise<void> {
    const { modelId } = payload;
    if (this.state.status === 'ready' && this.state.modelId === modelId) return this.reply<'load'>(tab, id, null);
    tab.loads.add(id);
    if (this.loading?.modelId === modelId) {
      this.loading.waiters.push({ tab, id });
      return;
    }
    // Another model (or none): this load replaces what there is, for every tab.
    const superseded = this.loading;
    const generation = ++this.generation;
    this.loading = { modelId, waiters: [{ tab, id }] };
    this.endChats(`Aborted: another tab of this site is loading “${modelId}”.`);
    // Every tab hears of the new load before the loads it replaces fail: they follow it instead.
    this.setState({ status: 'loading', modelId });
    for (const waiter of superseded?.waiters ?? []) this.failLoadCall(waiter, { text: `Aborted: another tab of this site is loading “${modelId}”.` });
    const since = performance.now();
    try {
      // A superseded load is still downloading or compiling: unload aborts it (web-llm's reloadController).
      if (superseded && this.engine) await this.engine.unload().catch(() => undefined);
      const engine = await this.ensureEngine();
      if (generation !== this.generation) return;
      engine.setAppConfig(payload.appConfig);
      await engine.reload(modelId, payload.chatOptions);
      if (generation !== this.generation) return;
      const waiters = this.loading?.waiters ?? [];
      this.loading = undefined;
      this.setState({ status: 'ready', modelId });
      for (const waiter of waiters) {
        waiter.tab.loads.delete(waiter.id);
        this.reply<'load'>(waiter.tab, waiter.id, null);
      }
    } catch (error) {
      if (generation !== this.generation) return;
      const failure = await this.failure(error, since);
      if (generation !== this.generation) return;
      const waiters = this.loading?.waiters ?? [];
      this.loading = undefined;
      // A failed load can leave web-llm half-initialised (or its GPU device lost): the next starts afresh.
      this.discardEngine();
      // Its waiters hear why first, so they show the failure rather than follow the state to idle.
      for (const waiter of waiters) this.failLoadCall(waiter, failure);
      this.setState({ status: 'idle', reason: 'failed' });
    }
  }

  private failLoadCall(waiter: Waiter, failure: LlmFailure): void {
    waiter.tab.loads.delete(waiter.id);
    this.post(waiter.tab, { kind: 'error', id: waiter.id, payload: failure });
  }

  /** A tab no longer waits for the load (Cancel, or it closed). A load nobody waits for stops. */
  private leaveLoad(tab: Tab, id: number): void {
    tab.loads.delete(id);
    const loading = this.loading;
    if (!loading) return;
    loading.waiters = loading.waiters.filter((waiter) => !(waiter.tab === tab && waiter.id === id));
    this.post(tab, { kind: 'error', id, payload: { text: 'Aborted: loading cancelled.' } });
    if (loading.waiters.length > 0) return;
    this.generation++;
    this.loading = undefined;
    // web-llm's unload aborts its downloads and compilation; the engine starts afresh next time.
    this.discardEngine();
    this.setState({ status: 'idle', reason: 'cancelled' });
  }

  /**
   * Unload the model, or stop its load, for every tab: a tab's delete or Cancel, or no tab left.
   * Every tab hears it before the calls waiting for the load fail, so they follow it rather than
   * show an error.
   */
  private async unload(reason: 'cancelled' | 'unloaded'): Promise<void> {
    this.generation++;
    const waiters = this.loading?.waiters ?? [];
    const wasLoading = this.state.status === 'loading';
    this.loading = undefined;
    const engine = this.engine;
    this.engine = undefined;
    if (this.state.status !== 'idle') this.setState({ status: 'idle', reason: wasLoading ? 'cancelled' : reason });
    this.endChats('Aborted: the model was unloaded.');
    for (const waiter of waiters) this.failLoadCall(waiter, { text: 'Aborted: the model was unloaded.' });
    await engine?.unload().catch(() => undefined);
  }

  private discardEngine(): void {
    const engine = this.engine;
    this.engine = undefined;
    void engine?.unload().catch(() => undefined);
  }

  private enqueueChat(tab: Tab, id: number, request: ChatCompletionRequestStreaming): void {
    const busyElsewhere = (this.running && this.running.tab !== tab) || this.queue.some((queued) => queued.tab !== tab);
    this.queue.push({ tab, id, request });
    if (busyElsewhere) this.post(tab, { kind: 'waiting', id, payload: null });
    void this.nextChat();
  }

  private async nextChat(): Promise<void> {
    if (this.running) return;
    const next = this.queue.shift();
    if (!next) return;
    const running = (this.running = { tab: next.tab, id: next.id, stopAsked: false });
    const since = performance.now();
    try {
      const engine = this.engine;
      if (!engine || this.state.status !== 'ready') throw new Error('Aborted: no model is loaded for this site any more.');
      const chunks = await engine.chatCompletion(next.request);
      let askedAgain = false;
      for await (const chunk of chunks) {
        // web-llm clears its interrupt flag as generation starts (see llm-handler.ts): ask again.
        if (running.stopAsked && !askedAgain) {
          askedAgain = true;
          void engine.interruptGenerate();
        }
        this.post(next.tab, { kind: 'chunk', id: next.id, payload: chunk });
      }
      this.reply<'chat'>(next.tab, next.id, null);
    } catch (error) {
      this.post(next.tab, { kind: 'error', id: next.id, payload: await this.failure(error, since) });
    } finally {
      this.running = undefined;
      void this.nextChat();
    }
  }

  /** Stop one reply: the one under way is interrupted; a queued one ends without starting. */
  private stopChat(tab: Tab, id: number): void {
    if (this.running?.tab === tab && this.running.id === id) {
      this.running.stopAsked = true;
      void this.engine?.interruptGenerate();
      return;
    }
    const index = this.queue.findIndex((queued) => queued.tab === tab && queued.id === id);
    if (index < 0) return;
    this.queue.splice(index, 1);
    this.reply<'chat'>(tab, id, null);
  }

  /** End every reply (another model is loading, or none is left): queued ones fail with `text`. */
  private endChats(text: string): void {
    for (const queued of this.queue.splice(0)) this.post(queued.tab, { kind: 'error', id: queued.id, payload: { text } });
    if (this.running) {
      this.running.stopAsked = true;
      void this.engine?.interruptGenerate();
    }
  }

  /** A tab went away: nothing it asked for goes on, and the model goes once no tab is left. */
  private drop(tab: Tab): void {
    if (!this.tabs.has(tab)) return;
    for (const id of [...tab.loads]) this.leaveLoad(tab, id);
    this.tabs.delete(tab);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].tab === tab) this.queue.splice(i, 1);
    if (this.running?.tab === tab) {
      this.running.stopAsked = true;
      void this.engine?.interruptGenerate();
    }
    tab.port.close();
    if (this.tabs.size > 0) return;
    clearTimeout(this.unloadTimer);
    this.unloadTimer = setTimeout(() => {
      if (this.tabs.size === 0) void this.unload('unloaded');
    }, UNLOAD_GRACE_MS);
  }

  /** A failure as its text, with a download the worker's policy refused (as llm-handler.ts). */
  private async failure(error: unknown, since: number): Promise<LlmFailure> {
    const text = errorText(error);
    const blockedUrl = await this.violations.refusedSince(since, classifyError(text) === 'network' ? undefined : 0);
    return { text, ...(blockedUrl ? { blockedUrl } : {}) };
  }
}
