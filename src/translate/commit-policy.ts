/**
 * The commit policy: what part of a caption is stable enough to show as final, so that captions
 * grow instead of flickering. Pure logic, no DOM; one instance per utterance.
 *
 * Recognition partials — `LocalAgreement` (LocalAgreement-2, as in whisper_streaming):
 *   const speech = new LocalAgreement();
 *   speech.update(hypothesis): CaptionSnapshot   every partial for the current utterance
 *   speech.finalize(finalText?): CaptionSnapshot  end of speech: the final text wins
 *   speech.snapshot, speech.finished, speech.erasure
 *
 * Translations — `TranslationCommitter` (re-translation of the growing committed source):
 *   const captions = new TranslationCommitter();
 *   const seq = captions.request(sourceCommitted, { endOfSpeech? })   before asking the translator
 *   captions.apply(seq, translation): boolean    false when the result is stale (and ignored)
 *   captions.finalize(): CaptionSnapshot          commit the latest translation as it stands
 *   captions.snapshot, captions.finished, captions.erasure
 *
 * Measuring flicker:
 *   normalizedErasure(displays: readonly string[]): number
 *   new ErasureMeter().record(display) / .stats: ErasureStats
 *   captionTokens(text): string[]                 the unit everything here counts in
 *   endsWithSentencePunctuation(text): boolean
 *
 * A `CaptionSnapshot` is frozen: `committed` never changes once shown (it only grows), `tail` is
 * the latest guess beyond it (the UI dims it), and `committed + tail` is exactly what is displayed.
 * The object is replaced only when the text changes, so `===` tells a renderer whether to redraw.
 *
 * Tokens are words split on whitespace, with punctuation at a word's edges as its own token
 * (Whisper keeps revising "home" → "home." → "home, and"; that is growth, not a changed word), and
 * single characters for scripts written without spaces (Chinese, Japanese, Thai…), so agreement
 * and erasure work the same on "I want to go home." and "我想回家。".
 */

/** What a caption shows; immutable. `committed + tail` is the displayed text. */
export interface CaptionSnapshot {
  /** Stable: never shortened or changed, except by the final text at end of speech. */
  readonly committed: string;
  /** The part of the latest hypothesis not yet agreed on; may change. */
  readonly tail: string;
}

export interface ErasureStats {
  /** Tokens shown and later taken away, summed over every update. */
  readonly erasedTokens: number;
  /** Tokens displayed now (at the end: the final caption's length). */
  readonly displayedTokens: number;
  /** erasedTokens ÷ displayedTokens (÷ 1 if nothing is displayed): 0 means the caption only grew. */
  readonly normalized: number;
}

export interface TranslationRequestOptions {
  /** This source is the utterance's final text: its translation is committed whole and ends it. */
  endOfSpeech?: boolean;
}

// ——— Tokens ———

/** Scripts written without spaces between words: each character is a token. */
const UNSPACED = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}\\u3001-\\u303F\\uFF01-\\uFFEF';
/** Optional whitespace, then one unspaced character (with its combining marks) or one spaced chunk. */
const CHUNK = new RegExp(`(\\s*)(?:([${UNSPACED}]\\p{M}*)|([^\\s${UNSPACED}]+))`, 'gu');
/** Punctuation at either edge of a chunk; inside it ("don't", "3.5", "U.S") it stays part of the word. */
const WORD_EDGES = /^(\p{P}*)(.*?)(\p{P}*)$/su;

interface Token {
  /** As displayed, with one leading space if it followed whitespace. */
  readonly text: string;
  /** What is compared: the token without its space. */
  readonly key: string;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const [, space, unspaced, chunk] of text.trim().matchAll(CHUNK)) {
    // Runs of whitespace become one space, so the same words always produce the same string.
    let lead = space ? ' ' : '';
    const parts = unspaced ? [unspaced] : WORD_EDGES.exec(chunk)!.slice(1);
    for (const part of parts) {
      if (!part) continue;
      tokens.push({ text: lead + part, key: part });
      lead = '';
    }
  }
  return tokens;
}

/** The tokens that agreement and erasure count: words and edge punctuation, or characters for CJK. */
export function captionTokens(text: string): string[] {
  return tokenize(text).map((token) => token.key);
}

function join(tokens: readonly Token[]): string {
  return tokens.map((token) => token.text).join('');
}

function commonPrefixLength(a: readonly Token[], b: readonly Token[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n].key === b[n].key) n++;
  return n;
}

/** Closing quotes and brackets may follow the full stop: `He said "go."` ends a sentence. */
const SENTENCE_END = /[.!?…‽。！？｡؟۔।॥][\p{Pe}\p{Pf}"'」』]*$/u;

/** True when the text ends a sentence (. ! ? 。 ！ ？ and the like). "Mr." counts too: a cheap, safe-side guess. */
export function endsWithSentencePunctuation(text: string): boolean {
  return SENTENCE_END.test(text.trim());
}

// ——— Erasure ———

/**
 * Normalized erasure (Arivazhagan et al., "Re-translation versus streaming for simultaneous
 * translation", 2020): every update, the tokens that must be deleted from the end of what was
 * displayed to reach the new display are counted; the sum is divided by the final length.
 */
export class ErasureMeter {
  private shown: Token[] = [];
  private erased = 0;

  record(display: string): void {
    const next = tokenize(display);
    const kept = commonPrefixLength(this.shown, next);
    // The last shown token growing in place ("Hel" → "Hello" while a model streams) is not a
    // deletion anyone sees.
    const lastGrows = kept === this.shown.length - 1 && kept < next.length && next[kept].key.startsWith(this.shown[kept].key);
    this.erased += this.shown.length - kept - (lastGrows ? 1 : 0);
    this.shown = next;
  }

  get stats(): ErasureStats {
    const displayedTokens = this.shown.length;
    return Object.freeze({
      erasedTokens: this.erased,
      displayedTokens,
      normalized: this.erased / Math.max(1, displayedTokens),
    });
  }
}

/** Normalized erasure of a sequence of displayed texts, oldest first (starting from an empty screen). */
export function normalizedErasure(displays: readonly string[]): number {
  const meter = new ErasureMeter();
  for (const display of displays) meter.record(display);
  return meter.stats.normalized;
}

// ——— Agreement ———

/**
 * Where the committed text ends inside a hypothesis. Usually the hypothesis starts with it; when a
 * re-decoding reworded the committed part ("So the" → "So, the"), the committed tokens are matched
 * to the hypothesis prefix they most resemble (fewest token edits; ties go to the same length), so
 * the tail shown after them is the genuinely new part and nothing is repeated or dropped.
 */
function committedEndIn(committed: readonly Token[], hypothesis: readonly Token[]): number {
  const same = commonPrefixLength(committed, hypothesis);
  if (same === committed.length) return same;
  const want = committed.slice(same);
  const have = hypothesis.slice(same);
  // Edit distance between `want` and every prefix of `have`, one row per token of `want`.
  let row = have.map((_, j) => j).concat(have.length);
  for (let i = 1; i <= want.length; i++) {
    const next = [i];
    for (let j = 1; j <= have.length; j++) {
      const substitute = row[j - 1] + (want[i - 1].key === have[j - 1].key ? 0 : 1);
      next.push(Math.min(substitute, row[j] + 1, next[j - 1] + 1));
    }
    row = next;
  }
  let best = Math.min(want.length, have.length);
  for (let j = 0; j <= have.length; j++) {
    const closer = Math.abs(j - want.length) < Math.abs(best - want.length);
    if (row[j] < row[best] || (row[j] === row[best] && closer)) best = j;
  }
  return same + best;
}

/**
 * A committed token list that only grows, plus the latest hypothesis's tail beyond it. Shared by
 * recognition and translation: both commit what the last two outputs agree on.
 */
class StableCaption {
  private committed: Token[] = [];
  private tail: Token[] = [];
  private previous: Token[] | undefined;
  private shown: CaptionSnapshot = Object.freeze({ committed: '', tail: '' });
  private readonly meter = new ErasureMeter();

  /** LocalAgreement-2: commit the longest common prefix of this output and the one before. */
  offer(output: readonly Token[]): void {
    let tail = output.slice(committedEndIn(this.committed, output));
    if (this.previous) {
      // The previous output is re-read against what is committed now, so both tails start at the same place.
      const previousTail = this.previous.slice(committedEndIn(this.committed, this.previous));
      const agreed = commonPrefixLength(previousTail, tail);
      this.committed.push(...tail.slice(0, agreed));
      tail = tail.slice(agreed);
    }
    this.previous = [...output];
    this.tail = tail;
    this.show();
  }

  /** Commit the latest tail as it stands (sentence end, or end of speech without a final text). */
  commitTail(): void {
    this.committed.push(...this.tail);
    this.tail = [];
    this.show();
  }

  /** End of speech: the final output replaces everything; any contradiction counts as erasure. */
  replaceWith(final: readonly Token[]): void {
    this.committed = [...final];
    this.tail = [];
    this.show();
  }

  get snapshot(): CaptionSnapshot {
    return this.shown;
  }

  get erasure(): ErasureStats {
    return this.meter.stats;
  }

  private show(): void {
    const committed = join(this.committed);
    const tail = join(this.tail);
    if (committed === this.shown.committed && tail === this.shown.tail) return;
    this.shown = Object.freeze({ committed, tail });
    this.meter.record(committed + tail);
  }
}

// ——— Recognition ———

/**
 * LocalAgreement-2 over the partial hypotheses of one utterance (each hypothesis is the whole
 * utterance so far, re-recognised from its growing audio). A token is committed once two
 * consecutive hypotheses agree on it and on everything before it.
 */
/** What both policies show: the caption so far, whether the utterance is over, and its erasure. */
abstract class CaptionPolicy {
  protected readonly caption = new StableCaption();
  protected done = false;

  get snapshot(): CaptionSnapshot {
    return this.caption.snapshot;
  }

  get committed(): string {
    return this.caption.snapshot.committed;
  }

  get tail(): string {
    return this.caption.snapshot.tail;
  }

  get finished(): boolean {
    return this.done;
  }

  get erasure(): ErasureStats {
    return this.caption.erasure;
  }
}

export class LocalAgreement extends CaptionPolicy {

  /** Offer the newest partial hypothesis. Ignored after `finalize` (a late partial is stale). */
  update(hypothesis: string): CaptionSnapshot {
    if (!this.done) this.caption.offer(tokenize(hypothesis));
    return this.caption.snapshot;
  }

  /**
   * End of speech: commit everything. The recogniser's final text wins even where it contradicts
   * committed text (that shows up in `erasure`); without one, the current display is committed.
   */
  finalize(finalText?: string): CaptionSnapshot {
    if (this.done) return this.caption.snapshot;
    this.done = true;
    if (finalText === undefined) this.caption.commitTail();
    else this.caption.replaceWith(tokenize(finalText));
    return this.caption.snapshot;
  }

}

// ——— Translation ———

interface PendingRequest {
  source: string;
  endOfSpeech: boolean;
}

/**
 * Re-translation of one utterance's committed source text as it grows. Consecutive translations
 * commit what they agree on; a translation of a source that ends a sentence, or of the final
 * source, is committed whole. Requests are numbered so a slow, superseded result never overwrites
 * a newer one.
 */
export class TranslationCommitter extends CaptionPolicy {
  private readonly pending = new Map<number, PendingRequest>();
  private lastIssued = 0;
  private newestApplied = 0;

  /** Number a translation request for `source` (the committed source text); pass it back to `apply`. */
  request(source: string, options: TranslationRequestOptions = {}): number {
    const seq = ++this.lastIssued;
    this.pending.set(seq, { source, endOfSpeech: options.endOfSpeech ?? false });
    return seq;
  }

  /**
   * Show the translation for request `seq`. Returns false, changing nothing, when a newer result
   * was already applied or the utterance is finished.
   */
  apply(seq: number, translation: string): boolean {
    if (this.done || seq <= this.newestApplied) return false;
    const request = this.pending.get(seq);
    if (!request) throw new RangeError(`Translation result ${seq} has no request: number requests with request() first.`);
    for (const issued of this.pending.keys()) if (issued <= seq) this.pending.delete(issued);
    this.newestApplied = seq;

    const output = tokenize(translation);
    if (request.endOfSpeech) {
      this.done = true;
      this.caption.replaceWith(output);
      return true;
    }
    this.caption.offer(output);
    // A finished source sentence will not be re-translated differently enough to wait for.
    if (endsWithSentencePunctuation(request.source)) this.caption.commitTail();
    return true;
  }

  /** End of speech with no final translation coming: commit the latest translation as it stands. */
  finalize(): CaptionSnapshot {
    if (!this.done) {
      this.done = true;
      this.caption.commitTail();
    }
    return this.caption.snapshot;
  }

}
