import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { ENGINE_PREFERENCES, parseEnginePreference, type EnginePreference } from '../../app/engine-choice.js';
import { recommendedModel, type CatalogEntry, type FittedEntry } from '../../engine/catalog.js';
import { probeStorage, requestPersistentStorage, type DeviceReport, type StorageReport } from '../../engine/device.js';
import {
  CustomModelError,
  DEFAULT_CONTEXT_WINDOW,
  MAX_CONTEXT_WINDOW,
  MIN_CONTEXT_WINDOW,
  fitEntries,
  refuseBlockedHosts,
  type CustomModelInput,
  type ModelLibrary,
  type StoredModel,
} from '../../engine/model-library.js';
import { deviceReport, leasePageEngine, type EngineLease } from '../../engine/page-engine.js';
import { RemoteModelLibrary } from '../../engine/remote/remote-library.js';
import { formatBytes } from '../../engine/progress.js';
import { EngineStateController } from '../../engine/store-controller.js';
import type { EngineStatus } from '../../engine/store.js';
import { ApertoModelDecisionEvent } from '../../events/model-decision.js';
import { ApertoModelRemoveEvent } from '../../events/model-remove.js';
import { ApertoModelRequestEvent } from '../../events/model-request.js';
import { SettingsStore } from '../../storage/settings.js';
import { announceModelDeleted, announceStoredModelsChanged, onStoredModelsChanged } from '../../storage/stored-models-channel.js';
import {
  RECOGNIZER_NAMES,
  deleteStoredRecognizer,
  isRecognizerId,
  listStoredRecognizers,
} from '../../translate/recognizer-cache.js';
import { keepCustomModel, NOT_SAVED_NOTE } from '../shared/keep-custom-model.js';
import { tokens } from '../shared/tokens.styles.js';
import { modelManagerStyles } from './model-manager.styles.js';
import { ApertoLoadProgress } from '../load-progress/load-progress.js';
import { ApertoModelCard } from '../model-card/model-card.js';
import { ApertoModelProposal } from '../model-proposal/model-proposal.js';
import { ApertoRemoteServer } from '../remote-server/remote-server.js';
import { defineOnce } from '../shared/define-once.js';

const ENGINE_LABELS: Record<EnginePreference, string> = {
  auto: 'Automatic: the GPU when this browser offers WebGPU, otherwise the CPU',
  webgpu: 'GPU (WebGPU, web-llm): fast; needs WebGPU',
  cpu: 'CPU (WebAssembly, llama.cpp): works everywhere; slower, for small models',
  remote: 'Remote server (OpenAI-compatible): a server this site allows runs the model; what you type is sent there',
};

/**
 * @summary The model manager: the catalog filtered by what this device can run, loading with
 * progress and cancel, the models kept on this device, and storage.
 * @fires aperto-model-request - A card or the stored-models list asked to load or delete a model (handled here).
 * @fires aperto-model-remove - A card asked to remove a model added by URL (handled here).
 * @fires aperto-remote-change - The remote server's address or model was changed or cleared in the remote engine's form.
 * @csspart catalog - The grid of model cards.
 */
export class ApertoModelManager extends LitElement {
  static override styles = [tokens, modelManagerStyles];
  static override properties = {
    library: { attribute: false },
    device: { attribute: false },
    settings: { attribute: false },
    highlight: { attribute: false },
    cached: { state: true },
    customError: { state: true },
    pending: { state: true },
    preference: { state: true },
    storage: { state: true },
    query: { state: true },
    onlyFitting: { state: true },
    notice: { state: true },
    loadLastOnOpen: { state: true },
  };

  /** The models of the page's engine (GPU or CPU); defaults to the page's one engine. */
  declare library: ModelLibrary;
  /** Defaults to this browser's probe. */
  declare device?: DeviceReport;
  /** Where custom models and the engine choice are kept. */
  declare settings: SettingsStore;
  /** A model to point out (e.g. the one a link named). */
  declare highlight?: string;
  declare cached: StoredModel[];
  declare customError: string;
  /** A model typed into "Add a model by URL", waiting for the person to confirm its sources. */
  declare pending?: { input: CustomModelInput; entry: CatalogEntry };
  declare preference?: EnginePreference;
  declare storage: StorageReport;
  declare query: string;
  declare onlyFitting: boolean;
  declare notice: string;
  /** The setting: the app loads the model last used here by itself when it opens (undefined until read). */
  declare loadLastOnOpen?: boolean;

  private engineState!: EngineStateController;
  private lastStatus?: EngineStatus;
  /** Counts the form's checks, so only the latest one's answer is shown. */
  private customChecks = 0;

  constructor() {
    super();
    // The elements it renders (see define-once.ts).
    defineOnce({ 'aperto-load-progress': ApertoLoadProgress, 'aperto-model-card': ApertoModelCard, 'aperto-model-proposal': ApertoModelProposal, 'aperto-remote-server': ApertoRemoteServer });
    this.settings = new SettingsStore();
    this.customError = '';
    this.cached = [];
    this.storage = {};
    this.query = '';
    this.onlyFitting = false;
    this.notice = '';
    this.addEventListener(ApertoModelRequestEvent.type, (event) => void this.onModelRequest(event));
    this.addEventListener(ApertoModelRemoveEvent.type, (event) => void this.onRemove(event));
  }

  /** The page's engine while the manager is on the page, unless the page gave a `library`. */
  private engineLease?: EngineLease;
  private leasedLibrary?: ModelLibrary;

  override connectedCallback(): void {
    super.connectedCallback();
    // Held, not just taken: an engine nobody holds is freed, and a manager must not keep showing
    // (and loading into) one already freed. No engine yet: the GPU one, as the manager always had.
    if (this.library === undefined || this.library === this.leasedLibrary) {
      this.engineLease = leasePageEngine('webgpu');
      this.library = this.leasedLibrary = this.engineLease.current!.library;
    }
    this.engineState ??= new EngineStateController(this, this.library.engine.store);
    if (!this.device) void deviceReport().then((report) => (this.device ??= report));
    void this.refreshStorage();
    // Another tab downloaded or deleted a model: list what is on this device now.
    this.stopListening = onStoredModelsChanged(() => void this.refreshStorage());
    const fromUrl = parseEnginePreference(new URL(location.href).searchParams.get('engine')).preference;
    if (fromUrl) this.preference = fromUrl;
    else void this.settings.enginePreference().then((saved) => (this.preference = saved ?? 'auto'));
    void this.settings.loadLastModelOnOpen().then(
      (on) => (this.loadLastOnOpen = on),
      () => (this.loadLastOnOpen = true),
    );
  }

  private stopListening?: () => void;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopListening?.();
    this.stopListening = undefined;
    this.engineLease?.release();
    this.engineLease = undefined;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('library') && this.engineState && this.engineState.store !== this.store) {
      this.removeController(this.engineState);
      this.engineState = new EngineStateController(this, this.store);
      void this.refreshStorage();
    }
    // Whatever a load did (finished, failed, was cancelled), it changed what is on disk, for every tab.
    const status = this.store.state.status;
    if (this.lastStatus === 'loading' && status !== 'loading') {
      void this.refreshStorage();
      announceStoredModelsChanged();
    }
    this.lastStatus = status;
  }

  /** Re-read the caches and the storage estimate. */
  async refreshStorage(): Promise<void> {
    const [cached, recognizers, storage] = await Promise.all([
      this.library.listStored(),
      listStoredRecognizers().catch(() => []),
      probeStorage(),
    ]);
    this.cached = [...cached, ...recognizers];
    this.storage = storage;
  }

  private get store() {
    return this.library.engine.store;
  }

  private get fitted(): FittedEntry[] {
    return this.device ? fitEntries(this.library, this.device) : [];
  }

  private async onModelRequest(event: ApertoModelRequestEvent): Promise<void> {
    event.stopPropagation();
    if (event.action === 'load') {
      this.notice = '';
      const loaded = await this.library.engine.load(event.modelId);
      // The server's model is the one offered next time (with the key, if it was remembered).
      if (loaded && this.library instanceof RemoteModelLibrary) {
        const saved = await this.settings.remoteServer().catch(() => undefined);
        const baseUrl = this.library.engine.server?.baseUrl;
        if (baseUrl) {
          const apiKey = saved?.baseUrl === baseUrl ? saved.apiKey : undefined;
          await this.settings.setRemoteServer({ baseUrl, ...(apiKey ? { apiKey } : {}), modelId: event.modelId }).catch(() => undefined);
        }
      }
    } else {
      const name = this.nameOf(event.modelId);
      if (isRecognizerId(event.modelId)) await deleteStoredRecognizer(event.modelId);
      else {
        announceModelDeleted(event.modelId);
        await this.library.deleteModel(event.modelId);
        // Its files are gone: the next visit offers the recommended model instead of downloading it again.
        await this.settings.forgetLastModel(this.library.kind, event.modelId).catch(() => undefined);
      }
      this.notice = `${name} was deleted from this device.`;
      announceStoredModelsChanged();
      await this.refreshStorage();
    }
  }

  /**
   * Out of the catalog, the engine's list and the settings, with its files (unless a catalog model
   * reads the same weights). A model in the engine is unloaded in any case (deleteModel does that):
   * code the person no longer wants must not keep running.
   */
  private async onRemove(event: ApertoModelRemoveEvent): Promise<void> {
    event.stopPropagation();
    const entry = this.library.entries().find((e) => e.id === event.modelId && e.custom);
    if (!entry) return;
    const name = this.nameOf(entry.id);
    const inEngine = this.store.modelId === entry.id;
    const shared = this.library.entries().some((e) => e.id !== entry.id && e.modelUrl === entry.modelUrl);
    let filesLeft = false;
    if (inEngine || !shared) await this.library.deleteModel(entry.id).catch(() => (filesLeft = true));
    this.library.removeCustom(entry.id);
    const forgotten = await this.settings.removeCustomModel(this.library.kind, entry.modelUrl).then(
      () => true,
      () => false,
    );
    if (this.highlight === entry.id) this.highlight = undefined;
    this.notice = [
      `${name} was removed from the catalog.`,
      filesLeft ? 'Its downloaded files could not all be deleted; delete them under “On this device”.' : '',
      forgotten ? '' : 'The settings on this device could not be changed, so it will be back after a reload.',
    ]
      .filter(Boolean)
      .join(' ');
    await this.refreshStorage();
  }

  private nameOf(modelId: string): string {
    if (isRecognizerId(modelId)) return RECOGNIZER_NAMES[modelId];
    const entry = this.library.entries().find((e) => e.id === modelId);
    return entry ? `${entry.name} (${entry.quantization})` : modelId;
  }

  private isCached(modelId: string): boolean {
    return this.cached.some((c) => c.complete && c.modelIds.includes(modelId));
  }

  override render() {
    const fitted = this.fitted;
    if (this.library instanceof RemoteModelLibrary) {
      // A server's models: nothing is downloaded, stored or added here.
      return html`
        ${this.renderEngineStatus()}
        <aperto-remote-server .library=${this.library} .settings=${this.settings} @aperto-remote-change=${() => this.requestUpdate()}></aperto-remote-server>
        ${this.renderCatalog(fitted, undefined)} ${this.renderEngineChoice()}
      `;
    }
    const recommended = recommendedModel(fitted);
    return html`
      ${this.renderEngineStatus()} ${this.renderRecommendation(recommended)} ${this.renderStorage()}
      ${this.renderCatalog(fitted, recommended)} ${this.renderCustomForm()} ${this.renderEngineChoice()}
    `;
  }

  private renderEngineStatus() {
    const state = this.store.state;
    const engine = this.library.engine;
    let body;
    switch (state.status) {
      case 'loading':
        body = html`<div class="panel">
          <div class="row">
            <div class="grow">
              <strong>Loading ${this.nameOf(state.modelId)}</strong>
              <aperto-load-progress .progress=${state} label=${this.nameOf(state.modelId)}></aperto-load-progress>
            </div>
            <button @click=${() => engine.cancel()}>Cancel</button>
          </div>
        </div>`;
        break;
      case 'error':
        body = html`<div class="panel error" role="alert" data-code=${state.code}>
          <div class="row">
            <div class="grow">
              <strong>${state.message}</strong>
              <p>${state.hint}</p>
            </div>
            ${state.modelId && this.library.entries().some((e) => e.id === state.modelId)
              ? html`<button class="primary" @click=${() => engine.load(state.modelId!)}>Retry</button>`
              : nothing}
          </div>
          ${state.code === 'quota' ? this.renderMakeRoom(state.modelId) : nothing}
          ${state.detail ? html`<details><summary>Details</summary><pre>${state.detail}</pre></details>` : nothing}
        </div>`;
        break;
      case 'ready':
      case 'generating':
        body = html`<div class="panel" role="status">
          <strong>${this.nameOf(state.modelId)}</strong> is loaded and ready. Everything runs on this device.
        </div>`;
        break;
      case 'idle':
        body = html`<div class="panel" role="status">${state.note ?? 'No model is loaded yet.'} ${this.notice}</div>`;
        break;
    }
    return html`<section aria-labelledby="status-h">
      <h2 id="status-h">Model</h2>
      ${body}
    </section>`;
  }

  private renderRecommendation(recommended: FittedEntry | undefined) {
    if (!this.device) return html`<p class="muted">Checking what this device can run…</p>`;
    if (!recommended) return nothing;
    const state = this.store.state;
    if ('modelId' in state && state.modelId === recommended.id && state.status !== 'error') return nothing;
    return html`<section aria-labelledby="rec-h">
      <h2 id="rec-h">Recommended for this device</h2>
      <div class="panel row">
        <div class="grow">
          <strong>${recommended.name}</strong> (${recommended.quantization}) by ${recommended.maker}: about
          ${formatBytes(recommended.downloadBytes)} to download, the smallest Qwen model that fits this device.
        </div>
        <button class="primary" @click=${() => this.library.engine.load(recommended.id)}>
          ${this.isCached(recommended.id) ? 'Load' : 'Download and load'} ${recommended.name}
        </button>
      </div>
    </section>`;
  }

  private renderStorage() {
    const { usageBytes, quotaBytes, persisted } = this.storage;
    return html`<section aria-labelledby="storage-h">
      <h2 id="storage-h">On this device</h2>
      <div class="panel">
        ${quotaBytes
          ? html`<p>
              <meter min="0" max=${quotaBytes} value=${usageBytes ?? 0} aria-label="Storage used"></meter>
              ${formatBytes(usageBytes ?? 0)} used, ${formatBytes(Math.max(0, quotaBytes - (usageBytes ?? 0)))} free
              for this site.
            </p>`
          : html`<p class="muted">This browser does not report how much storage is available.</p>`}
        <p>
          ${persisted
            ? 'Storage is persistent: the browser will not remove models to free space.'
            : html`The browser may remove models when space runs low.
                <button @click=${this.persist}>Keep downloaded models</button>`}
        </p>
        ${this.notice ? html`<p role="status">${this.notice}</p>` : nothing} ${this.renderCachedTable()}
      </div>
    </section>`;
  }

  /** After a full disk: the other stored models, largest first, each one button away from deletion. */
  private renderMakeRoom(failedModelId: string | undefined) {
    const others = this.cached.filter((c) => !failedModelId || !c.modelIds.includes(failedModelId)).sort((a, b) => b.bytes - a.bytes);
    if (others.length === 0) {
      return html`<p>No other models are stored here; free space on the disk, or allow more storage to this site.</p>`;
    }
    return html`<p>To make room, delete a model you no longer use:</p>
      <ul class="make-room">
        ${others.map(
          (c) => html`<li>
            <button class="danger" @click=${() => this.dispatchEvent(new ApertoModelRequestEvent('delete', c.modelIds[0]))}>
              Delete ${this.nameOf(c.modelIds[0])} (${formatBytes(c.bytes)})
            </button>
          </li>`,
        )}
      </ul>`;
  }

  private renderCachedTable() {
    if (this.cached.length === 0) return html`<p class="muted">No models are stored on this device yet.</p>`;
    return html`<table aria-label="Models stored on this device">
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Size</th>
          <th scope="col">State</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${this.cached.map(
          (c) => html`<tr data-location=${c.location}>
            <td>${c.modelIds.map((id) => this.nameOf(id)).join(', ')}</td>
            <td class="num">${formatBytes(c.bytes)}</td>
            <td>${c.complete ? 'Complete' : 'Partial download'}</td>
            <td>
              <button
                class="danger"
                aria-label="Delete ${this.nameOf(c.modelIds[0])} from this device"
                @click=${() => this.dispatchEvent(new ApertoModelRequestEvent('delete', c.modelIds[0]))}
              >
                Delete
              </button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderCatalog(fitted: FittedEntry[], recommended: FittedEntry | undefined) {
    const query = this.query.trim().toLowerCase();
    // Models that fit come first; within each group the catalog keeps its family order.
    const visible = fitted
      .filter((e) => !this.onlyFitting || e.fit.fits)
      .filter((e) => !query || `${e.name} ${e.family} ${e.maker} ${e.quantization}`.toLowerCase().includes(query))
      .sort((a, b) => Number(b.id === this.highlight) - Number(a.id === this.highlight) || Number(b.fit.fits) - Number(a.fit.fits));
    const fitting = fitted.filter((e) => e.fit.fits).length;
    const state = this.store.state;
    const loadedId = state.status === 'ready' || state.status === 'generating' ? state.modelId : undefined;
    return html`<section aria-labelledby="catalog-h">
      <h2 id="catalog-h">Catalog</h2>
      <p class="muted">
        ${this.library instanceof RemoteModelLibrary
          ? html`${fitted.length} models served by ${this.library.label}. They run on the server: nothing is downloaded to this device.`
          : html`${fitted.length} open-weight models for the ${this.library.label} engine; ${fitting} fit this device. Weights
              download from the Hugging Face hub once and then stay on this device.`}
      </p>
      <div class="filters">
        <label>
          <span class="visually-hidden">Filter models</span>
          <input
            type="search"
            placeholder="Filter: qwen, 1B, q4f32…"
            aria-label="Filter models"
            .value=${this.query}
            @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          <input
            type="checkbox"
            .checked=${this.onlyFitting}
            @change=${(e: Event) => (this.onlyFitting = (e.target as HTMLInputElement).checked)}
          />
          Only models that fit this device
        </label>
      </div>
      <div class="grid" part="catalog" role="list" aria-label="Model catalog">
        ${visible.map(
          (entry) => html`<aperto-model-card
            role="listitem"
            data-model-id=${entry.id}
            .entry=${entry}
            ?cached=${this.isCached(entry.id)}
            ?recommended=${entry.id === recommended?.id}
            ?highlighted=${entry.id === this.highlight}
            ?loaded=${entry.id === loadedId}
          ></aperto-model-card>`,
        )}
      </div>
    </section>`;
  }

  private renderCustomForm() {
    const gpu = this.library.kind === 'webgpu';
    return html`<section aria-labelledby="custom-h">
      <h2 id="custom-h">Add a model by URL</h2>
      <form class="panel custom" @submit=${this.checkCustom} @input=${this.onCustomInput}>
        <p class="muted">
          ${gpu
            ? 'A web-llm (MLC) model: the folder or Hugging Face repository with mlc-chat-config.json, and the .wasm library compiled for it.'
            : 'A GGUF model file (for a split model, its first part, …-00001-of-0000N.gguf).'}
        </p>
        <label>Model URL <input name="url" type="url" required placeholder="https://huggingface.co/…" /></label>
        ${gpu
          ? html`<label>Library URL (.wasm) <input name="libraryUrl" type="url" required placeholder="https://…/model-webgpu.wasm" /></label>
              <label>
                Context window (tokens)
                <input
                  name="contextWindow"
                  type="number"
                  required
                  min=${MIN_CONTEXT_WINDOW}
                  max=${MAX_CONTEXT_WINDOW}
                  step="1"
                  value=${DEFAULT_CONTEXT_WINDOW}
                  inputmode="numeric"
                  aria-describedby="context-hint"
                />
              </label>
              <p class="muted hint" id="context-hint">
                How much of the conversation the model keeps in mind. Its memory is set aside on the GPU when the model
                loads: a larger window needs more GPU memory.
              </p>`
          : nothing}
        <button type="submit">Add model</button>
        ${this.customError ? html`<p class="form-error" role="alert">${this.customError}</p>` : nothing}
      </form>
      ${this.pending
        ? html`<aperto-model-proposal .entry=${this.pending.entry} @aperto-model-decision=${this.onDecision}></aperto-model-proposal>`
        : nothing}
    </section>`;
  }

  /**
   * "Add model" checks the addresses and asks "Add this model?", naming where the weights and the
   * code come from. Typing an address is not the same as trusting its host: the person may have
   * pasted it from somewhere, and this is the one moment the hosts are put in front of them. A host
   * this site's policy leaves out is refused here, naming it: no download from it could succeed.
   */
  private readonly checkCustom = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const input: CustomModelInput = {
      url: String(data.get('url') ?? ''),
      libraryUrl: data.has('libraryUrl') ? String(data.get('libraryUrl')) : undefined,
    };
    // Only the GPU form has the field; an empty one means the default, anything else the library checks.
    const context = String(data.get('contextWindow') ?? '').trim();
    if (context) input.contextWindow = Number(context);
    const check = ++this.customChecks;
    try {
      const entry = this.library.previewCustom(input);
      // Added before, so its sources were confirmed then: only its context window may change.
      const known = this.library.entries().includes(entry);
      if (!known) await refuseBlockedHosts(entry);
      // Typed again or submitted again meanwhile: that check answers instead.
      if (check !== this.customChecks) return;
      this.customError = '';
      if (known) void this.keep(input);
      else this.pending = { input, entry };
    } catch (error) {
      if (check !== this.customChecks) return;
      this.pending = undefined;
      this.customError = error instanceof CustomModelError ? error.message : `That model could not be added: ${String(error)}`;
    }
  };

  /** Whatever was asked about the previous text no longer applies. */
  private readonly onCustomInput = (): void => {
    this.customChecks++;
    this.pending = undefined;
  };

  private readonly onDecision = async (event: ApertoModelDecisionEvent): Promise<void> => {
    event.stopPropagation();
    const pending = this.pending;
    if (!pending) return;
    if (event.add) return this.keep(pending.input);
    // Cancel adds nothing and keeps what was typed, to correct or clear.
    this.pending = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('form.custom button[type="submit"]')?.focus();
  };

  private async keep(input: CustomModelInput): Promise<void> {
    this.pending = undefined;
    let kept;
    try {
      kept = keepCustomModel(this.library, this.settings, input);
    } catch (error) {
      this.customError = error instanceof CustomModelError ? error.message : `That model could not be added: ${String(error)}`;
      return;
    }
    const { entry } = kept;
    this.customError = '';
    this.highlight = entry.id;
    this.notice = `${entry.name} was added to the catalog.`;
    this.renderRoot.querySelector<HTMLFormElement>('form.custom')?.reset();
    if (!(await kept.saved)) this.notice = `${entry.name} was added to the catalog. ${NOT_SAVED_NOTE}`;
  }

  private renderEngineChoice() {
    return html`<section aria-labelledby="engine-h">
      <h2 id="engine-h">Engine</h2>
      <div class="panel">
        <p>Models now run on the <strong>${this.library.label}</strong> engine.</p>
        <fieldset>
          <legend>Run models on</legend>
          ${ENGINE_PREFERENCES.map(
            (preference) => html`<label class="choice">
              <input
                type="radio"
                name="engine"
                value=${preference}
                .checked=${preference === this.preference}
                @change=${() => this.chooseEngine(preference)}
              />
              ${ENGINE_LABELS[preference]}
            </label>`,
          )}
        </fieldset>
        <p class="muted">Changing the engine reloads the page; your conversations are kept.</p>
        <label class="choice">
          <input
            type="checkbox"
            name="load-last-model"
            .checked=${this.loadLastOnOpen ?? true}
            ?disabled=${this.loadLastOnOpen === undefined}
            @change=${(e: Event) => void this.setLoadLastOnOpen((e.target as HTMLInputElement).checked)}
          />
          Load the model I used last when Aperto opens, if it is stored on this device
        </label>
        ${this.loadLastOnOpenNote ? html`<p class="muted" role="status">${this.loadLastOnOpenNote}</p>` : nothing}
      </div>
    </section>`;
  }

  private loadLastOnOpenNote = '';

  private async setLoadLastOnOpen(on: boolean): Promise<void> {
    this.loadLastOnOpen = on;
    this.loadLastOnOpenNote = await this.settings.setLoadLastModelOnOpen(on).then(
      () => (on ? 'The model you used last will load by itself next time.' : 'Next time, the chat offers the model you used last with a Load button.'),
      () => 'This setting could not be saved on this device.',
    );
    this.requestUpdate();
  }

  private async chooseEngine(preference: EnginePreference): Promise<void> {
    await this.settings.setEnginePreference(preference).catch(() => undefined);
    const url = new URL(location.href);
    url.searchParams.set('engine', preference);
    location.replace(url);
  }

  private readonly persist = async (): Promise<void> => {
    const granted = await requestPersistentStorage();
    this.notice = granted
      ? 'Downloaded models will be kept.'
      : 'The browser declined for now; it may agree after you use the site more or bookmark it.';
    await this.refreshStorage();
  };
}
