import { ApertoTranslate } from './translate.js';

customElements.get('aperto-translate') || customElements.define('aperto-translate', ApertoTranslate);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-translate': ApertoTranslate;
  }
}
