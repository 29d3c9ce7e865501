import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { CatalogEntry } from '../../engine/catalog.js';
import { modelSources } from '../../engine/model-library.js';
import { ApertoModelDecisionEvent } from '../../events/model-decision.js';
import { tokens } from '../shared/tokens.styles.js';
import { modelProposalStyles } from './model-proposal.styles.js';

/**
 * @summary "Add this model?" for a model from outside the catalog: names every place its files come
 * from (weights, and for web-llm the code that runs in the model worker), warns to add only models
 * from sources one trusts, and asks. Adds nothing itself: its host acts on the answer.
 * @fires aperto-model-decision - Add this model or Cancel was pressed.
 * @csspart proposal - The box holding the question and its buttons.
 */
export class ApertoModelProposal extends LitElement {
  static override styles = [tokens, modelProposalStyles];
  static override properties = {
    entry: { attribute: false },
    fromLink: { type: Boolean, attribute: 'from-link' },
  };

  /** The model proposed, described but not added. */
  declare entry?: CatalogEntry;
  /** Offered by the page's link rather than typed by the person: says so, and that nothing happened yet. */
  declare fromLink: boolean;

  constructor() {
    super();
    this.fromLink = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A new question takes the focus, so a screen reader reads it before the buttons.
    if (changed.has('entry') && this.entry) this.renderRoot.querySelector<HTMLElement>('#question')?.focus();
  }

  override render() {
    const entry = this.entry;
    if (!entry) return nothing;
    const sources = modelSources(entry);
    const code = sources.find((s) => s.what === 'code');
    const weights = sources.find((s) => s.what === 'weights')!;
    return html`<div part="proposal" class="proposal" role="group" aria-labelledby="question">
      <p>
        ${this.fromLink
          ? html`This link offers a model that is not in the catalog: <strong>${entry.name}</strong>. Nothing has been
              downloaded or saved.`
          : html`<strong>${entry.name}</strong> is not in the catalog.`}
      </p>
      <ul class="sources" aria-label="Where its files come from">
        ${sources.map(
          (s) => html`<li data-source=${s.what}>${s.what === 'code' ? 'Code' : 'Weights'} from <strong>${s.place}</strong></li>`,
        )}
      </ul>
      <p id="question" tabindex="-1">
        <strong>Add this model?</strong>
        ${code
          ? `Its program comes from ${code.place} — only add models from sources you trust. The program runs on this device and decides every word the model shows.`
          : `Its weights come from ${weights.place} — only add models from sources you trust. They decide every word the model shows.`}
      </p>
      <details>
        <summary>Full addresses</summary>
        <ul class="addresses">
          <li>${entry.modelUrl}</li>
          ${entry.libraryUrl ? html`<li>${entry.libraryUrl}</li>` : nothing}
        </ul>
      </details>
      <div class="actions">
        <button class="primary" @click=${() => this.dispatchEvent(new ApertoModelDecisionEvent(true))}>Add this model</button>
        <button @click=${() => this.dispatchEvent(new ApertoModelDecisionEvent(false))}>Cancel</button>
      </div>
    </div>`;
  }
}
