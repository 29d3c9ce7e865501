import { LitElement, html, nothing } from 'lit';
import { RemoteEngineClient } from '../../engine/remote/remote-engine-client.js';
import { leavesTheDevice } from '../../engine/remote/remote-server.js';
import type { EngineState } from '../../engine/store.js';
import { PageEngineObserver } from '../shared/page-engine-observer.js';
import { tokens } from '../shared/tokens.styles.js';
import { statusStripStyles } from './status-strip.styles.js';

function describe(state: EngineState): string {
  switch (state.status) {
    case 'idle':
      return 'no model loaded';
    case 'loading':
      return state.phase === 'other-tab' ? 'open in another tab' : `loading ${Math.floor(state.progress * 100)} %`;
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
  /** Held while on the page, so the strip never shows (or reloads into) an engine already freed. */
  private readonly engine = new PageEngineObserver(this);

  override willUpdate(): void {
    this.status = this.engine.state.status;
  }

  /** Shown once a model has been loaded: the way back when the model's worker crashed or hangs. */
  private renderReload() {
    const recovery = this.engine.page?.recovery;
    const status = this.engine.state.status;
    if (!recovery?.modelId || status === 'loading' || status === 'idle') return nothing;
    return html`<button class="reload" @click=${() => void recovery.reloadNow()}>Reload model</button>`;
  }

  /** The remote engine sends what people type to its server: the strip says so, always. */
  private renderLeavesTheDevice() {
    const client = this.engine.page?.engine;
    const server = client instanceof RemoteEngineClient ? client.server : undefined;
    return server ? html`<span class="leaves" data-field="leaves">${leavesTheDevice(server.baseUrl)}</span>` : nothing;
  }

  override render() {
    const state = this.engine.state;
    const model = 'modelId' in state && state.modelId ? state.modelId : '—';
    return html`<div class="strip" aria-label="Engine status">
      <span class="engine">Engine: <span data-field="engine">${this.engine.page?.library.label ?? '—'}</span></span>
      <span class="model">Model: <span data-field="model">${model}</span></span>
      <span class="state"><span class="dot" aria-hidden="true"></span><span class="label">State: </span><span data-field="state">${describe(state)}</span></span>
      ${this.renderReload()}
    </div>
    ${this.renderLeavesTheDevice()}`;
  }
}
