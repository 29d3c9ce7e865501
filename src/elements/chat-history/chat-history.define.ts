import { ApertoChatHistory } from './chat-history.js';

customElements.get('aperto-chat-history') || customElements.define('aperto-chat-history', ApertoChatHistory);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-chat-history': ApertoChatHistory;
  }
}
