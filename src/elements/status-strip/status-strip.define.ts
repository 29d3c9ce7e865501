import { ApertoStatusStrip } from './status-strip.js';

customElements.get('aperto-status-strip') || customElements.define('aperto-status-strip', ApertoStatusStrip);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-status-strip': ApertoStatusStrip;
  }
}
