export interface ApertoErrorDetail {
  /** A stable code: an engine error (`network`, `quota`, `worker-lost`, …) or `bad-attribute`. */
  code: string;
  /** What happened, in words for people. */
  message: string;
  /** What to do next. */
  hint: string;
}

/** Something failed: a model load, a reply, or an attribute with a value the element cannot use. */
export class ApertoErrorEvent extends CustomEvent<ApertoErrorDetail> {
  static readonly type = 'aperto-error';
  constructor(detail: ApertoErrorDetail) {
    super(ApertoErrorEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'aperto-error': ApertoErrorEvent;
  }
}
