import { ApertoKiosk } from './kiosk.js';

customElements.get('aperto-kiosk') || customElements.define('aperto-kiosk', ApertoKiosk);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-kiosk': ApertoKiosk;
  }
}
