import { LitElement, html, nothing } from 'lit';
import { pageEngine, type PageEngine } from '../../engine/page-engine.js';
import { EngineStateController } from '../../engine/store-controller.js';
import type { EngineState } from '../../engine/store.js';
import { tokens } from '../shared/tokens.styles.js';
import { statusStripStyles } from './status-strip.styles.js';

function describe(state: EngineState): string {
  switch (state.status) {
    case 'idle':
      return 'no model loaded';
    case 'loading':
      return `loading ${Math.floor(state.progress * 100)} %`;
    case 'ready':
      return 'ready';
    case 'generating':
      return 'generating';
    case 'error':
      return `error: ${state.code}`;
  }
}

/**
 * @summary One line saying which engine runs, which model, and in what state.
 * @cssprop --aperto-ok - Colour of the "ready" dot.
 */
export class ApertoStatusStrip extends LitElement {
  static override styles = [tokens, statusStripStyles];
  static override properties = { status: { reflect: true } };

  declare status: string;
  private readonly engine: PageEngine = pageEngine();
  private readonly state = new EngineStateController(this, this.engine.store);

  override willUpdate(): void {
    this.status = this.state.state.status;
  }

  /** Shown once a model has been loaded: the way back when the model's worker crashed or hangs. */
  private renderReload() {
    const status = this.state.state.status;
    if (!this.engine.recovery.modelId || status === 'loading' || status === 'idle') return nothing;
    return html`<button class="reload" @click=${() => void this.engine.recovery.reloadNow()}>Reload model</button>`;
  }

  override render() {
    const state = this.state.state;
    const model = 'modelId' in state && state.modelId ? state.modelId : '—';
    return html`<div class="strip" aria-label="Engine status">
      <span>Engine: <span data-field="engine">${this.engine.library.label}</span></span>
      <span>Model: <span data-field="model">${model}</span></span>
      <span><span class="dot" aria-hidden="true"></span>State: <span data-field="state">${describe(state)}</span></span>
      ${this.renderReload()}
    </div>`;
  }
}
