import { LitElement, html, nothing } from 'lit';
import type { FittedEntry } from '../../engine/catalog.js';
import { modelSources } from '../../engine/model-library.js';
import { formatBytes } from '../../engine/progress.js';
import { ApertoModelRemoveEvent } from '../../events/model-remove.js';
import { ApertoModelRequestEvent } from '../../events/model-request.js';
import { tokens } from '../shared/tokens.styles.js';
import { modelCardStyles } from './model-card.styles.js';

/**
 * @summary One model of the catalog: who made it, how big it is, whether it fits this device. A
 * model added by URL says instead where its weights and code come from, and can be removed.
 * @fires aperto-model-request - Load or Delete was pressed.
 * @fires aperto-model-remove - Remove was pressed on a model added by URL.
 * @csspart card - The card's frame.
 * @csspart note - A line to read before choosing the model (e.g. what it is too small for).
 */
export class ApertoModelCard extends LitElement {
  static override styles = [tokens, modelCardStyles];
  static override properties = {
    entry: { attribute: false },
    cached: { type: Boolean },
    recommended: { type: Boolean },
    loaded: { type: Boolean },
    highlighted: { type: Boolean, reflect: true },
    unavailable: { type: Boolean, reflect: true },
  };

  declare entry?: FittedEntry;
  declare cached: boolean;
  declare recommended: boolean;
  declare loaded: boolean;
  /** Pointed out to the person: the model a link named, or the one just added. */
  declare highlighted: boolean;
  /** Reflected so CSS can dim models that do not fit. */
  declare unavailable: boolean;

  constructor() {
    super();
    this.cached = false;
    this.recommended = false;
    this.loaded = false;
    this.highlighted = false;
    this.unavailable = false;
  }

  override willUpdate(): void {
    this.unavailable = this.entry ? !this.entry.fit.fits : false;
  }

  override render() {
    const e = this.entry;
    if (!e) return nothing;
    const verdictId = `verdict-${e.id}`;
    const fit = e.fit;
    return html`
      <article part="card" aria-labelledby="name">
        <h3 id="name">${e.name}</h3>
        ${e.custom
          ? html`<div class="maker muted" data-sources>${sourcesLine(e)}</div>`
          : html`<div class="maker muted">${e.maker} · ${e.country}</div>`}
        ${this.recommended || this.loaded || this.cached || e.reasoning || e.custom
          ? html`<div class="badges">
              ${e.custom ? html`<span class="badge rec">Added by URL</span>` : nothing}
              ${this.recommended ? html`<span class="badge rec">Recommended</span>` : nothing}
              ${this.loaded ? html`<span class="badge ok">Loaded</span>` : nothing}
              ${this.cached ? html`<span class="badge ok">On this device</span>` : nothing}
              ${e.reasoning ? html`<span class="badge">Thinks before answering</span>` : nothing}
            </div>`
          : nothing}
        ${e.note ? html`<p class="note" part="note">${e.note}</p>` : nothing}
        ${e.engine === 'remote'
          ? // Served by the server: what this device would download or hold does not apply.
            html`<dl><div><dt>Runs on</dt><dd>${e.maker}</dd></div></dl>`
          : html`<dl>
          <div><dt>Family</dt><dd>${e.family}</dd></div>
          <div><dt>Parameters</dt><dd>${e.parametersB ? formatParameters(e.parametersB) : 'unknown'}</dd></div>
          <div><dt>Quantization</dt><dd>${e.quantization}</dd></div>
          <div><dt>Download</dt><dd>${e.downloadBytes ? `≈ ${formatBytes(e.downloadBytes)}` : 'unknown'}</dd></div>
          <div>
            <dt>${e.engine === 'cpu' ? 'Memory' : 'GPU memory'}</dt>
            <dd>${e.vramMB ? `${(e.vramMB / 1024).toFixed(1)} GB` : 'unknown'}</dd>
          </div>
          <div><dt>Context</dt><dd>${e.contextWindow.toLocaleString('en')} tokens</dd></div>
          <div><dt>Licence</dt><dd>${e.licence}</dd></div>
        </dl>`}
        ${fit.fits
          ? fit.warning
            ? html`<p class="verdict warn" id=${verdictId}>${fit.warning}</p>`
            : nothing
          : html`<p class="verdict bad" id=${verdictId} data-verdict=${fit.verdict}>
              <strong>Unavailable on this device.</strong> ${fit.reason}
            </p>`}
        <div class="actions">
          <button
            class="primary"
            ?disabled=${!fit.fits || this.loaded}
            aria-label="Load ${e.name} ${e.quantization}"
            aria-describedby=${fit.fits && !fit.warning ? nothing : verdictId}
            @click=${() => this.dispatchEvent(new ApertoModelRequestEvent('load', e.id))}
          >
            ${this.loaded ? 'Loaded' : this.cached || e.engine === 'remote' ? 'Load' : 'Download and load'}
          </button>
          ${this.cached
            ? html`<button
                class="danger"
                aria-label="Delete ${e.name} ${e.quantization} from this device"
                @click=${() => this.dispatchEvent(new ApertoModelRequestEvent('delete', e.id))}
              >
                Delete
              </button>`
            : nothing}
          ${e.custom
            ? html`<button
                aria-label="Remove ${e.name} ${e.quantization} from the catalog"
                @click=${() => this.dispatchEvent(new ApertoModelRemoveEvent(e.id))}
              >
                Remove
              </button>`
            : nothing}
        </div>
      </article>
    `;
  }
}

/** "Weights from huggingface.co/acct/repo · code from example.com/libs/…": every place, since nobody vouches for it. */
function sourcesLine(entry: FittedEntry) {
  return modelSources(entry).map((source, i) => {
    const what = source.what === 'code' ? 'code' : 'weights';
    return html`${i ? ' · ' : ''}${i ? what : what[0].toUpperCase() + what.slice(1)} from <span class="place">${source.place}</span>`;
  });
}

function formatParameters(billions: number): string {
  return billions >= 1 ? `${billions} B` : `${Math.round(billions * 1000)} M`;
}
