import { ApertoChatSettings } from './chat-settings.js';

customElements.get('aperto-chat-settings') || customElements.define('aperto-chat-settings', ApertoChatSettings);

declare global {
  interface HTMLElementTagNameMap {
    'aperto-chat-settings': ApertoChatSettings;
  }
}
