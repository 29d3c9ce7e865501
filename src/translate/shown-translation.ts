/**
 * What an utterance's translation caption actually shows, and the erasure a person sees on it.
 *
 * While someone speaks, the growing source is translated again and again, and every re-translation
 * streams from its first word. Put on screen as it streams, each one would cut the caption back to
 * its first words and grow it again: a tail that shrinks and regrows on every re-translation, which
 * the commit policy's own erasure never counts (it sees whole translations, not the screen). So:
 *
 * - The screen keeps what it shows until a new stream has caught up with it (`hasCaughtUp`), then
 *   shows the stream. A partial result that ends short of the screen (a rephrasing that came out
 *   shorter, a stream stopped early) is never shown: the longer text stays until a later stream
 *   passes it or the final translation arrives.
 * - While the person is still speaking, the last token of a re-translation's uncommitted tail is
 *   held back ("mask-k" with k = 1, Arivazhagan et al. 2020, "Re-translation versus streaming for
 *   simultaneous translation"): it is the word a translation of an unfinished sentence guesses at
 *   most (an article before its noun's gender is known, a verb before its object), and while a
 *   stream runs it is usually a word still being written. Committed text is never held back, and
 *   nothing is once speech has ended.
 * - The final translation always wins, shorter or not: it is what the utterance ends with.
 * - The erasure reported is measured on the texts really shown, with `normalizedErasure`.
 *
 *   const shown = new ShownTranslation();        one per utterance
 *   shown.offerPartial(caption)                    a re-translation while the person speaks, as it
 *                                                  streams or once complete
 *   shown.offerEndOfSpeech(caption)                the end-of-speech translation as it streams
 *   shown.show(caption)                            the final translation, or an emptied caption:
 *                                                  shown whatever is on screen
 *   each returns what to show (the same object while nothing changes, so `===` tells a renderer)
 *   shown.caption, shown.texts, shown.erasure
 *
 *   hasCaughtUp(screen, next): boolean             the rule the two offers apply
 */
import { captionTokens, normalizedErasure, type CaptionSnapshot } from './commit-policy.js';

export interface ShownTranslationOptions {
  /**
   * Tokens at the end of a re-translation's uncommitted tail kept off the screen while the person
   * is still speaking. 0 shows every stream whole once it has caught up.
   */
  holdBackTokens?: number;
}

const EMPTY: CaptionSnapshot = Object.freeze({ committed: '', tail: '' });

/**
 * Whether a stream now at `next` has caught up with the `screen`, so that showing it takes nothing
 * away that it is not about to replace: it has more tokens than the screen, or as many and its last
 * one is not still spelling out the screen's ("reun" while the screen shows "reunión").
 */
export function hasCaughtUp(screen: string, next: string): boolean {
  const shown = captionTokens(screen);
  const coming = captionTokens(next);
  if (coming.length !== shown.length) return coming.length > shown.length;
  const last = coming.length - 1;
  if (last < 0 || coming[last] === shown[last]) return true;
  return !shown[last].startsWith(coming[last]);
}

/** `text` without its last `count` tokens (and the space before them). */
function withoutLastTokens(text: string, count: number): string {
  const tokens = captionTokens(text);
  if (count <= 0 || tokens.length === 0) return text;
  const keep = tokens.slice(0, Math.max(0, tokens.length - count));
  if (keep.length === 0) return '';
  // The longest prefix that reads as exactly the tokens kept: it ends where the last kept one does.
  for (let end = text.length - 1; end > 0; end--) {
    const prefix = captionTokens(text.slice(0, end));
    if (prefix.length === keep.length && prefix.every((token, i) => token === keep[i])) return text.slice(0, end).trimEnd();
  }
  return '';
}

const textOf = (caption: CaptionSnapshot) => caption.committed + caption.tail;

export class ShownTranslation {
  private shown: CaptionSnapshot = EMPTY;
  private readonly shownTexts: string[] = [];
  private readonly holdBackTokens: number;

  constructor(options: ShownTranslationOptions = {}) {
    this.holdBackTokens = Math.max(0, Math.floor(options.holdBackTokens ?? 1));
  }

  /** What the screen shows now. */
  get caption(): CaptionSnapshot {
    return this.shown;
  }

  /** Every text the screen showed, oldest first, each one once (a change of dimming alone is not a new text). */
  get texts(): readonly string[] {
    return this.shownTexts;
  }

  /** Tokens taken off the screen ÷ the length of what it shows last (0: the caption only grew). */
  get erasure(): number {
    return normalizedErasure(this.shownTexts);
  }

  /**
   * A re-translation made while the person is still speaking, streaming or complete: its last
   * uncommitted tokens held back, then shown once it has caught up with the screen.
   */
  offerPartial(next: CaptionSnapshot): CaptionSnapshot {
    return this.offer({ committed: next.committed, tail: withoutLastTokens(next.tail, this.holdBackTokens) });
  }

  /** The end-of-speech translation as it streams: shown whole, once it has caught up with the screen. */
  offerEndOfSpeech(next: CaptionSnapshot): CaptionSnapshot {
    return this.offer(next);
  }

  /** Shown whatever is on screen: the final translation, or an emptied caption (the direction turned). */
  show(next: CaptionSnapshot): CaptionSnapshot {
    return this.put(next);
  }

  private offer(next: CaptionSnapshot): CaptionSnapshot {
    const screen = textOf(this.shown);
    const text = textOf(next);
    // The same words, perhaps more of them committed: no one sees a change but the dimming.
    if (text === screen || hasCaughtUp(screen, text)) return this.put(next);
    return this.shown;
  }

  private put(next: CaptionSnapshot): CaptionSnapshot {
    if (next.committed === this.shown.committed && next.tail === this.shown.tail) return this.shown;
    const text = textOf(next);
    if (text !== textOf(this.shown)) this.shownTexts.push(text);
    this.shown = Object.freeze({ committed: next.committed, tail: next.tail });
    return this.shown;
  }
}
