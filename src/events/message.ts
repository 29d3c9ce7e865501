export interface ApertoMessageDetail {
  conversationId: string;
  messageId: string;
  role: 'assistant';
  /** The reply's text (the answer, without any "thinking" part). */
  content: string;
  /** `done`, or `stopped` when Stop was pressed, or `error`. */
  status: 'done' | 'stopped' | 'error';
}

/** The model finished a reply in `<aperto-chat>`. */
export class ApertoMessageEvent extends CustomEvent<ApertoMessageDetail> {
  static readonly type = 'aperto-message';
  constructor(detail: ApertoMessageDetail) {
    super(ApertoMessageEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'aperto-message': ApertoMessageEvent;
  }
}
