import { ApertoModelCard } from './model-card.js';

customElements.get('aperto-model-card') || customElements.define('aperto-model-card', ApertoModelCard);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-model-card': ApertoModelCard;
  }
}
