import { ApertoChat } from './chat.js';

customElements.get('aperto-chat') || customElements.define('aperto-chat', ApertoChat);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-chat': ApertoChat;
  }
}
