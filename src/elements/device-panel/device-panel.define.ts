import { ApertoDevicePanel } from './device-panel.js';

customElements.get('aperto-device-panel') || customElements.define('aperto-device-panel', ApertoDevicePanel);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-device-panel': ApertoDevicePanel;
  }
}
