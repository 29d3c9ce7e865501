import { ApertoApp } from './app.js';

customElements.get('aperto-app') || customElements.define('aperto-app', ApertoApp);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-app': ApertoApp;
  }
}
