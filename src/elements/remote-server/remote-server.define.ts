import { ApertoRemoteServer } from './remote-server.js';

customElements.get('aperto-remote-server') || customElements.define('aperto-remote-server', ApertoRemoteServer);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-remote-server': ApertoRemoteServer;
  }
}
