import { ApertoRemoteNotice } from './remote-notice.js';

customElements.get('aperto-remote-notice') || customElements.define('aperto-remote-notice', ApertoRemoteNotice);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-remote-notice': ApertoRemoteNotice;
  }
}
