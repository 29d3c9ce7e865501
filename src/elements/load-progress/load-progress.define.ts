import { ApertoLoadProgress } from './load-progress.js';

customElements.get('aperto-load-progress') || customElements.define('aperto-load-progress', ApertoLoadProgress);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-load-progress': ApertoLoadProgress;
  }
}
