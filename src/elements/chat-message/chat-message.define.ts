import { ApertoChatMessage } from './chat-message.js';

customElements.get('aperto-chat-message') || customElements.define('aperto-chat-message', ApertoChatMessage);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-chat-message': ApertoChatMessage;
  }
}
