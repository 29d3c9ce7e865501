import { ApertoUpdatePrompt } from './update-prompt.js';

customElements.get('aperto-update-prompt') || customElements.define('aperto-update-prompt', ApertoUpdatePrompt);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-update-prompt': ApertoUpdatePrompt;
  }
}
