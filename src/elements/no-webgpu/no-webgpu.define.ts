import { ApertoNoWebgpu } from './no-webgpu.js';

customElements.get('aperto-no-webgpu') || customElements.define('aperto-no-webgpu', ApertoNoWebgpu);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-no-webgpu': ApertoNoWebgpu;
  }
}
