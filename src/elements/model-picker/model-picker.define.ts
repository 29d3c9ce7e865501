import { ApertoModelPicker } from './model-picker.js';

customElements.get('aperto-model-picker') || customElements.define('aperto-model-picker', ApertoModelPicker);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-model-picker': ApertoModelPicker;
  }
}
