export interface ApertoCaptionDetail {
  /** Increases by one per utterance; a caption is updated while it is translated. */
  utteranceId: number;
  /** What was said (or typed), in the source language. */
  source: string;
  /** Its translation so far. */
  translation: string;
  /** Source language code, when known. */
  from?: string;
  to: string;
  /** True once the translation is complete and will not change. */
  final: boolean;
}

/** `<aperto-translate>` has a finished caption. */
export class ApertoCaptionEvent extends CustomEvent<ApertoCaptionDetail> {
  static readonly type = 'aperto-caption';
  constructor(detail: ApertoCaptionDetail) {
    super(ApertoCaptionEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'aperto-caption': ApertoCaptionEvent;
  }
}
