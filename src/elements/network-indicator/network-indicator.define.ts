import { ApertoNetworkIndicator } from './network-indicator.js';

customElements.get('aperto-network-indicator') || customElements.define('aperto-network-indicator', ApertoNetworkIndicator);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-network-indicator': ApertoNetworkIndicator;
  }
}
