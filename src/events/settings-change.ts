import type { ConversationSettings } from '../chat/conversation.js';

/** New settings for the open conversation. */
export class ApertoSettingsChangeEvent extends Event {
  static readonly type = 'aperto-settings-change';
  constructor(readonly settings: Partial<ConversationSettings>) {
    super(ApertoSettingsChangeEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'aperto-settings-change': ApertoSettingsChangeEvent;
  }
}
