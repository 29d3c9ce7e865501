import { ApertoModelManager } from './model-manager.js';

customElements.get('aperto-model-manager') || customElements.define('aperto-model-manager', ApertoModelManager);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-model-manager': ApertoModelManager;
  }
}
