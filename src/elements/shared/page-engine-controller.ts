/**
 * What makes an element usable on its own, in any page: it takes a hold on the page's one engine
 * (creating it for its `engine` attribute if nobody has), loads its `model` when asked or when
 * `autoload` is set, reports loading, readiness and failures as `aperto-*` events, and lets go
 * when it leaves the page (the engine is freed once nothing holds it).
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ChatEngine } from '../../engine/chat-engine.js';
import { CustomModelError } from '../../engine/model-library.js';
import {
  existingPageEngine,
  leasePageEngine,
  pageEngineOptions,
  setPageEngineOptions,
  type EngineLease,
  type PageEngine,
} from '../../engine/page-engine.js';
import { parseServerUrl, RemoteServerError } from '../../engine/remote/remote-server.js';
import type { EngineState, EngineStore } from '../../engine/store.js';
import { checkEngine, checkModel } from '../../app/parameters.js';
import { ApertoErrorEvent } from '../../events/error.js';
import { ApertoProgressEvent } from '../../events/progress.js';
import { ApertoReadyEvent } from '../../events/ready.js';
import { ApertoLoadProgress } from '../load-progress/load-progress.js';
import { defineOnce } from './define-once.js';

export interface EmbeddableHost extends ReactiveControllerHost, HTMLElement {
  /** The `engine` attribute: auto | webgpu | cpu | remote. */
  enginePreference: string | null;
  /** The `server` attribute: the remote engine's server, set by the page's owner (absent: none). */
  server?: string | null;
  /** The `model` attribute: a catalog id or a model URL. */
  model: string | null;
  autoload: boolean;
}

/** The `server` attribute as an API address, or the sentence saying why it cannot be used. */
function remoteServerAttribute(raw: string | null): { baseUrl: string } | { problem: string } {
  if (raw === null || !raw.trim()) {
    return { problem: 'engine="remote" needs a “server” attribute: the OpenAI-compatible server’s address, such as https://llm.example.org/v1.' };
  }
  try {
    return { baseUrl: parseServerUrl(raw) };
  } catch (error) {
    return { problem: `The “server” attribute cannot be used. ${error instanceof RemoteServerError ? error.message : String(error)}` };
  }
}

export class PageEngineController implements ReactiveController {
  /** The page's engine, once known (at once, or after the device probe for `auto`). */
  page?: PageEngine;
  /** Sentences about attributes or models that could not be used, by attribute group. */
  private readonly problemGroups = new Map<string, string[]>();
  private lease?: EngineLease;
  private observed?: EventTarget;
  private lastState?: EngineState;

  constructor(
    private readonly host: EmbeddableHost,
    private readonly options: {
      /** An engine given to the element directly (tests, advanced embedders): then no lease. */
      explicitEngine: () => ChatEngine | undefined;
      /** Called once the page's engine is known. */
      onEngine: (page: PageEngine) => void;
    },
  ) {
    host.addController(this);
    defineOnce({ 'aperto-load-progress': ApertoLoadProgress });
  }

  hostConnected(): void {
    const explicit = this.options.explicitEngine();
    if (explicit && !this.page) {
      this.observe(explicit.store);
      return;
    }
    const engine = checkEngine(this.host.enginePreference, 'attribute');
    const problems = engine.problem ? [engine.problem] : [];
    // The remote engine's server comes from the page's markup (its owner), never from the page's URL.
    if (engine.value === 'remote' && !existingPageEngine()) {
      const server = remoteServerAttribute(this.host.server ?? null);
      if ('baseUrl' in server) setPageEngineOptions({ ...pageEngineOptions(), remote: { server: { baseUrl: server.baseUrl } } });
      else problems.push(server.problem);
    }
    const lease = (this.lease = leasePageEngine(engine.value));
    this.setProblems('engine', problems);
    if (lease.current) this.adopt(lease.current);
    else void lease.ready.then((page) => this.lease === lease && this.adopt(page));
  }

  hostDisconnected(): void {
    this.observed?.removeEventListener('change', this.onStoreChange);
    this.observed = undefined;
    this.lastState = undefined;
    this.lease?.release();
    this.lease = undefined;
    this.page = undefined;
  }

  /** Re-check the `model` attribute (it changed) and load it when `autoload` is set. */
  modelChanged(): void {
    if (this.page && this.host.autoload) void this.load();
  }

  /**
   * The catalog id the `model` attribute names, adding a model URL to the catalog; undefined
   * (with a problem) when it names nothing this engine can load.
   */
  resolveModel(): string | undefined {
    const page = this.page;
    if (!page || this.host.model === null) return undefined;
    const checked = checkModel(this.host.model, 'attribute');
    if (checked.problem || !checked.value) {
      this.addProblem(checked.problem ?? 'The “model” attribute names no model.');
      return undefined;
    }
    if (checked.value.kind === 'id') {
      const id = checked.value.id;
      // A server's models are known once it is asked: loading asks, and says if it has no such model.
      if (page.library.kind === 'remote' || page.library.entries().some((e) => e.id === id)) return id;
      this.addProblem(
        `The “model” attribute names “${id}”, which is not in the ${page.library.label} catalog. Use a catalog id or a model URL.`,
      );
      return undefined;
    }
    try {
      return page.library.addCustom({ url: checked.value.url }).id;
    } catch (error) {
      this.addProblem(`The “model” attribute’s URL cannot be used. ${error instanceof CustomModelError ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Load the model named by the `model` attribute, unless it (or another element's) is already there. */
  async load(): Promise<boolean> {
    const page = this.page;
    const modelId = this.resolveModel();
    if (!page || !modelId) return false;
    const state = page.store.state;
    if ('modelId' in state && state.modelId === modelId && state.status !== 'error') return true;
    if (state.status === 'loading' || state.status === 'generating') return false;
    return page.engine.load(modelId);
  }

  /** Every sentence about an attribute or model that could not be used. */
  get problems(): string[] {
    return [...this.problemGroups.values()].flat();
  }

  /**
   * The problems of one group of attributes (`engine`, `model`, the chat's settings, the
   * translator's languages), as last checked. Each new one is also fired as `aperto-error`.
   */
  setProblems(group: string, problems: string[]): void {
    const before = this.problemGroups.get(group) ?? [];
    this.problemGroups.set(group, problems);
    for (const problem of problems) if (!before.includes(problem)) this.reportProblem(problem);
  }

  /**
   * What to show while no model is ready. Without a `model` attribute: whatever the page puts in the
   * element's `model-offer` slot (the app offers one model, one press away, in place), after the
   * error of a failed load; a page that offers nothing gets a sentence, `purpose` saying what for.
   * With a `model` attribute: its load state and Load button.
   */
  renderNotReady(store: EngineStore | undefined, purpose: string) {
    const status = store?.state.status;
    if (store && this.host.model === null && status !== 'loading') {
      // An idle engine's note says what happened to the model (cancelled, moved to another tab).
      const note = store.state.status === 'idle' ? store.state.note : undefined;
      return html`${status === 'error' ? this.renderLoadState() : nothing}${note
          ? html`<p class="notice" role="status">${note}</p>`
          : nothing}<slot name="model-offer"
          >${status === 'idle' ? html`<p class="notice" role="status">No model is loaded yet. Load one ${purpose}.</p>` : nothing}</slot
        >`;
    }
    return this.renderLoadState();
  }

  /** Loading progress, or a Load button for the `model` attribute, for elements to show. */
  renderLoadState() {
    const page = this.page;
    if (!page) return html`<p class="notice" role="status">Starting the model engine…</p>`;
    const state = page.store.state;
    if (state.status === 'loading') {
      return html`<aperto-load-progress part="progress" .progress=${state} label=${state.modelId}></aperto-load-progress>`;
    }
    if (state.status === 'ready' || state.status === 'generating') return nothing;
    const note = state.status === 'idle' ? state.note : undefined;
    const modelId = this.host.model !== null ? this.resolveModel() : undefined;
    return html`
      ${state.status === 'error'
        ? html`<p class="notice error" role="alert">${state.message} ${state.hint}</p>`
        : nothing}
      ${note ? html`<p class="notice" role="status">${note}</p>` : nothing}
      ${modelId
        ? html`<p class="notice" role="status">
            <button part="load-button" class="primary" @click=${() => void this.load()}>
              ${state.status === 'error' ? 'Retry' : 'Load'} ${modelId}
            </button>
          </p>`
        : nothing}
    `;
  }

  private adopt(page: PageEngine): void {
    this.page = page;
    page.recovery.start();
    this.observe(page.store);
    this.options.onEngine(page);
    if (this.host.autoload) void this.load();
    this.host.requestUpdate();
  }

  private observe(store: EventTarget & { state: EngineState }): void {
    if (this.observed === store) return;
    this.observed?.removeEventListener('change', this.onStoreChange);
    this.observed = store;
    this.lastState = undefined;
    store.addEventListener('change', this.onStoreChange);
    this.onStoreChange();
  }

  private readonly onStoreChange = () => {
    const store = this.observed as (EventTarget & { state: EngineState; engine?: string }) | undefined;
    if (!store) return;
    const state = store.state;
    const before = this.lastState;
    this.lastState = state;
    this.host.requestUpdate();
    if (state === before) return;
    if (state.status === 'loading') {
      const { modelId, phase, progress, loadedBytes, totalBytes } = state;
      this.host.dispatchEvent(new ApertoProgressEvent({ modelId, phase, progress, loadedBytes, ...(totalBytes ? { totalBytes } : {}) }));
    } else if (state.status === 'ready' && !(before && (before.status === 'ready' || before.status === 'generating') && before.modelId === state.modelId)) {
      const engine = (this.page?.store.engine ?? 'webgpu') as 'webgpu' | 'cpu';
      this.host.dispatchEvent(new ApertoReadyEvent({ modelId: state.modelId, engine }));
    } else if (state.status === 'error') {
      this.host.dispatchEvent(new ApertoErrorEvent({ code: state.code, message: state.message, hint: state.hint }));
    }
  };

  private addProblem(problem: string): void {
    const models = this.problemGroups.get('model') ?? [];
    if (!models.includes(problem)) this.setProblems('model', [...models, problem]);
  }

  private reportProblem(problem: string): void {
    // After the current task, so a page's listener added right after the element still hears it.
    setTimeout(() => this.host.dispatchEvent(new ApertoErrorEvent({ code: 'bad-attribute', message: problem, hint: 'Fix the attribute; the element uses its default meanwhile.' })));
  }
}
