import { ApertoModelOffer } from './model-offer.js';

customElements.get('aperto-model-offer') || customElements.define('aperto-model-offer', ApertoModelOffer);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-model-offer': ApertoModelOffer;
  }
}
