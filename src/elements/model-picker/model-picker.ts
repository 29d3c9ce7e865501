import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { recommendedModel, type FittedEntry } from '../../engine/catalog.js';
import { fitEntries } from '../../engine/model-library.js';
import { deviceReport, type PageEngine } from '../../engine/page-engine.js';
import { formatBytes } from '../../engine/progress.js';
import { PageEngineController } from '../shared/page-engine-controller.js';
import { tokens } from '../shared/tokens.styles.js';
import { modelPickerStyles } from './model-picker.styles.js';

/**
 * @summary Choose and load a model for the page: the catalog entries this device can run, with
 * download progress. Every Aperto element on the page uses the model it loads.
 *
 * `<aperto-model-picker engine="auto" model="…" autoload>`: `model` preselects (and with
 * `autoload`, loads) a catalog id or a model URL; otherwise the model recommended for this device
 * is preselected.
 *
 * @fires aperto-ready - A model is loaded; `detail: {modelId, engine}`.
 * @fires aperto-progress - Model loading progress; `detail: {modelId, phase, progress, loadedBytes, totalBytes?}`.
 * @fires aperto-error - A load failed, or an attribute was unusable; `detail: {code, message, hint}`.
 * @csspart select - The list of models.
 * @csspart load-button - The Load button.
 * @csspart progress - The loading progress.
 * @cssprop --aperto-accent - Accent colour (buttons).
 */
export class ApertoModelPicker extends LitElement {
  static override styles = [tokens, modelPickerStyles];
  static override properties = {
    enginePreference: { attribute: 'engine' },
    model: {},
    autoload: { type: Boolean },
    fitted: { state: true },
  };

  /** Which engine the page uses if this element is the first to ask: auto (default), webgpu, cpu. */
  declare enginePreference: string | null;
  /** The model to preselect: a catalog id or a model URL. */
  declare model: string | null;
  declare autoload: boolean;
  declare fitted: FittedEntry[];

  private readonly pageEngine = new PageEngineController(this, {
    explicitEngine: () => undefined,
    onEngine: (page) => void this.listModels(page),
  });

  constructor() {
    super();
    this.enginePreference = null;
    this.model = null;
    this.autoload = false;
    this.fitted = [];
  }

  private async listModels(page: PageEngine): Promise<void> {
    const device = await deviceReport();
    // The `model` attribute's URL joins the list (resolveModel adds it to the catalog).
    const wanted = this.pageEngine.resolveModel();
    this.fitted = fitEntries(page.library, device);
    if (wanted) this.model = wanted;
    else this.model = recommendedModel(this.fitted)?.id ?? this.fitted.find((e) => e.fit.fits)?.id ?? null;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    const page = this.pageEngine.page;
    // A model given later (a URL set by script) joins the list.
    if (changed.has('model') && this.hasUpdated && page && this.model && !this.fitted.some((e) => e.id === this.model)) {
      void this.listModels(page);
    }
  }

  private onSelect(event: Event): void {
    this.model = (event.target as HTMLSelectElement).value;
  }

  override render() {
    const page = this.pageEngine.page;
    const state = page?.store.state;
    const busy = state?.status === 'loading' || state?.status === 'generating';
    const loaded = state && 'modelId' in state && state.status !== 'error' ? state.modelId : undefined;
    return html`
      ${this.pageEngine.problems.map((p) => html`<p class="notice" role="alert">${p}</p>`)}
      <div class="row">
        <label>
          Model
          <select part="select" aria-label="Model" ?disabled=${!page || busy} @change=${this.onSelect}>
            ${this.fitted.map(
              (e) => html`<option value=${e.id} ?selected=${e.id === this.model} ?disabled=${!e.fit.fits}>
                ${e.name} · ${e.quantization} · ${formatBytes(e.downloadBytes)}${e.fit.fits ? '' : ` (${e.fit.reason ?? 'does not fit this device'})`}
              </option>`,
            )}
          </select>
        </label>
        <button part="load-button" class="primary" ?disabled=${!page || busy || !this.model} @click=${() => void this.pageEngine.load()}>
          Load
        </button>
        ${state?.status === 'loading' ? html`<button @click=${() => page?.engine.cancel()}>Cancel</button>` : nothing}
      </div>
      ${state?.status === 'loading'
        ? html`<aperto-load-progress part="progress" .progress=${state} label=${state.modelId}></aperto-load-progress>`
        : nothing}
      ${state?.status === 'error' ? html`<p class="notice error" role="alert">${state.message} ${state.hint}</p>` : nothing}
      ${loaded ? html`<p class="muted" role="status">${state?.status === 'ready' || state?.status === 'generating' ? 'Loaded' : 'Loading'}: ${loaded}</p>` : nothing}
    `;
  }
}
