export type MessageAction = 'regenerate' | 'edit';

/** Asks the chat to regenerate a reply or resend an edited message. */
export class ApertoMessageActionEvent extends Event {
  static readonly type = 'aperto-message-action';
  constructor(
    readonly action: MessageAction,
    readonly messageId: string,
    readonly text?: string,
  ) {
    super(ApertoMessageActionEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'aperto-message-action': ApertoMessageActionEvent;
  }
}
