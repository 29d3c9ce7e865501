export type ConversationAction = 'open' | 'rename' | 'delete' | 'new';

/** A person picked, renamed, deleted or started a conversation in the history list. */
export class ApertoConversationRequestEvent extends Event {
  static readonly type = 'aperto-conversation-request';
  constructor(
    readonly action: ConversationAction,
    readonly conversationId?: string,
    readonly title?: string,
  ) {
    super(ApertoConversationRequestEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'aperto-conversation-request': ApertoConversationRequestEvent;
  }
}
