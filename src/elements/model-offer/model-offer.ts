import { LitElement, html, nothing } from 'lit';
import { OFFER_REASONS, offerAction, offerCost, type OfferPlan } from '../../app/model-offer.js';
import { ApertoModelRequestEvent } from '../../events/model-request.js';
import { tokens } from '../shared/tokens.styles.js';
import { modelOfferStyles } from './model-offer.styles.js';

/**
 * @summary What to do while no model is loaded, said where the person is (in the chat, in the
 * translator): one model, named, with what loading it costs, and one button — "Load Qwen3 0.6B"
 * when it is stored here, "Download and load Qwen3 0.6B" otherwise. The page decides which model
 * (app/model-offer.ts); this element shows it and asks for the load.
 * @fires aperto-model-request - The button was pressed: `action` "load" and the model's id.
 * @csspart load-button - The button that loads the offered model.
 */
export class ApertoModelOffer extends LitElement {
  static override styles = [tokens, modelOfferStyles];
  static override properties = {
    plan: { attribute: false },
    modelsHref: { attribute: 'models-href' },
  };

  /** The page's decision; undefined while it is still being made (the device probe, stored files). */
  declare plan?: OfferPlan;
  /** Where the full catalog is, for another model than the one offered. */
  declare modelsHref: string | null;

  constructor() {
    super();
    this.modelsHref = null;
  }

  override render() {
    const plan = this.plan;
    const others = this.modelsHref ? html`<a href=${this.modelsHref}>Other models</a>` : nothing;
    if (!plan) return html`<p class="offer" role="status">No model is loaded yet.</p>`;
    const problems = plan.problems.map((problem) => html`<p class="problem" role="alert">${problem}</p>`);
    const offer = plan.offer;
    if (!offer) {
      return html`${problems}
        <p class="offer" role="status">No model is loaded yet, and none in this engine’s catalog fits this device. ${others}</p>`;
    }
    const { entry } = offer;
    return html`${problems}
      <div class="offer" role="group" aria-labelledby="what">
        <p id="what" role="status">
          No model is loaded yet. ${OFFER_REASONS[offer.because]} <strong>${entry.name}</strong>
          (${entry.quantization}), ${offerCost(offer)}.
        </p>
        <div class="actions">
          <button
            part="load-button"
            class="primary"
            data-model-id=${entry.id}
            @click=${() => this.dispatchEvent(new ApertoModelRequestEvent('load', entry.id))}
          >
            ${offerAction(offer)}
          </button>
          ${others}
        </div>
      </div>`;
  }
}
