/**
 * How one Whisper decode is steered, step by step, as a logits processor for transformers.js's
 * `generate`. The installed transformers.js (4.3.x) cannot detect a language (with none given it
 * transcribes as English), ignores `prompt_ids`, drops `stopping_criteria` on Whisper, and its
 * `suppress_tokens` hides the no-speech token. So the decode starts from `<|startoftranscript|>`
 * alone (after an optional `<|startofprev|>` prompt) and this controller:
 *
 * 1. at the language position reads Whisper's no-speech probability from the raw logits (as
 *    OpenAI's Whisper does), then lets only the allowed language tokens through: one when the
 *    language is given, two in a conversation, all of them to detect;
 * 2. forces `<|transcribe|>` and `<|notimestamps|>`;
 * 3. in the text applies the model's suppress lists, and ends the decode (forces end-of-text) on a
 *    repetition loop, when asked to stop, or when the text budget is spent.
 *
 * Text already agreed on (a growing utterance's committed words) can start the transcript: with the
 * language known, `<|startoftranscript|> language <|transcribe|> <|notimestamps|> known text…` is
 * the decoder's input (after a `<|startofprev|>` prompt, if any), read in one batched pass, and only
 * the rest of the text costs a decoding step per token (OpenAI's Whisper calls this a prefix). The
 * steps then begin at the text.
 *
 * Pure: no transformers.js import, so it is tested with plain arrays.
 */
import { endsInTokenLoop } from './transcript-filters.js';

/** The special tokens of one Whisper model, from its generation config and tokenizer. */
export interface WhisperTokens {
  startOfTranscript: number;
  /** `<|startofprev|>`, which opens a prompt; absent when the model has none. */
  startOfPrevious?: number;
  endOfText: number;
  transcribe?: number;
  noTimestamps: number;
  /** `<|nospeech|>` (`<|nocaptions|>` in English-only models). */
  noSpeech?: number;
  /** ISO code (as Whisper writes it: "en", "haw") → its language token. Empty for English-only models. */
  languages: ReadonlyMap<string, number>;
  /** Tokens never to produce (symbols, and the special tokens after the prefix). */
  suppress: readonly number[];
  /** Tokens not to start the text with (a bare space, end-of-text). */
  beginSuppress: readonly number[];
  /** Whisper's text context, prompt and prefix included (448). */
  maxTargetPositions: number;
}

/** One row of logits as transformers.js hands it to a processor (a Tensor row: `.data` is a view). */
export interface LogitsRow {
  data: Float32Array;
}

export interface DecodeControl {
  /** Language tokens the decode may choose from (one forces it). Ignored for English-only models. */
  languageIds: readonly number[];
  /** The decoder's input ends with the control tokens and this many known text tokens (`decoderPrefixWithText`). */
  knownTextTokens?: number;
  /** Whether the caller has asked the decode to stop (checked at every step). */
  stopRequested?: () => boolean;
}

/** What the decode found, read by `read()` after `generate` returns. */
export interface DecodeResult {
  /** The language token chosen, if the model is multilingual. */
  languageId?: number;
  /** Text tokens, special tokens removed. */
  textTokens: number[];
  /** Probability of the chosen language among those allowed (absent when only one was allowed). */
  languageProbability?: number;
  /** Whisper's probability that the audio holds no speech. */
  noSpeechProbability?: number;
  /** Whether a repetition loop ended the decode. */
  loopStopped: boolean;
  /** Whether the caller's stop request ended it. */
  stopped: boolean;
}

/** The decoder's starting tokens: `<|startofprev|> prompt… <|startoftranscript|>`, or the latter alone. */
export function decoderPrefix(tokens: WhisperTokens, promptIds: readonly number[]): number[] {
  if (!promptIds.length || tokens.startOfPrevious === undefined) return [tokens.startOfTranscript];
  return [tokens.startOfPrevious, ...promptIds, tokens.startOfTranscript];
}

/**
 * The decoder's starting tokens when the beginning of the text is known: the control tokens,
 * language included, then the known text, all read in one pass.
 */
export function decoderPrefixWithText(
  tokens: WhisperTokens,
  languageId: number | undefined,
  knownIds: readonly number[],
  promptIds: readonly number[] = [],
): number[] {
  const language = tokens.languages.size && languageId !== undefined ? [languageId] : [];
  return [...decoderPrefix(tokens, promptIds), ...language, ...forcedAfterLanguage(tokens), ...knownIds];
}

/** Tokens forced after the language: `<|transcribe|> <|notimestamps|>` (only the latter for English-only models). */
function forcedAfterLanguage(tokens: WhisperTokens): number[] {
  return tokens.languages.size && tokens.transcribe !== undefined ? [tokens.transcribe, tokens.noTimestamps] : [tokens.noTimestamps];
}

/** Tokens `generate` must be allowed beyond the text: language (if any) and the forced ones. */
export function controlTokenCount(tokens: WhisperTokens): number {
  return (tokens.languages.size ? 1 : 0) + forcedAfterLanguage(tokens).length;
}

/**
 * How many prompt tokens fit: Whisper reads at most 448 tokens, so prompt, prefix, control
 * tokens and the text budget share them; OpenAI keeps at most the last 223 prompt tokens.
 */
export function promptBudget(tokens: WhisperTokens, maxTextTokens: number): number {
  const fixed = 2 + controlTokenCount(tokens) + maxTextTokens;
  return Math.max(0, Math.min(223, tokens.maxTargetPositions - fixed));
}

export class WhisperDecodeSteps {
  private languageProbability?: number;
  private noSpeechProbability?: number;
  private loopStopped = false;
  private stopped = false;
  private readonly forced: number[];
  private readonly multilingual: boolean;

  constructor(
    private readonly tokens: WhisperTokens,
    private readonly prefixLength: number,
    private readonly control: DecodeControl,
  ) {
    this.multilingual = tokens.languages.size > 0;
    this.forced = forcedAfterLanguage(tokens);
  }

  /** The logits processor to hand to `generate` (in an array: transformers.js calls each as a function). */
  readonly processor = (inputIds: bigint[][], logits: Record<number, LogitsRow>): Record<number, LogitsRow> => {
    for (let row = 0; row < inputIds.length; row++) this.step(inputIds[row], logits[row].data);
    return logits;
  };

  /** Where the text starts in the sequence: after the control tokens, known text included. */
  private get textStart(): number {
    const known = this.control.knownTextTokens;
    return known === undefined ? this.prefixLength + controlTokenCount(this.tokens) : this.prefixLength - known;
  }

  private step(ids: readonly bigint[], scores: Float32Array): void {
    if (this.control.knownTextTokens !== undefined) return this.textStep(ids, scores);
    let position = ids.length - this.prefixLength;
    if (position === 0) this.noSpeechProbability = this.tokens.noSpeech === undefined ? undefined : softmaxAt(scores, this.tokens.noSpeech);
    if (this.multilingual) {
      if (position === 0) return this.chooseLanguage(scores);
      position--;
    }
    if (position < this.forced.length) return force(scores, this.forced[position]);
    this.textStep(ids, scores);
  }

  /** A step in the text: suppress lists, the caller's stop, and loops. */
  private textStep(ids: readonly bigint[], scores: Float32Array): void {
    for (const token of this.tokens.suppress) scores[token] = -Infinity;
    if (ids.length === this.textStart) for (const token of this.tokens.beginSuppress) scores[token] = -Infinity;
    if (this.control.stopRequested?.()) {
      this.stopped = true;
      return force(scores, this.tokens.endOfText);
    }
    const text = ids.slice(this.textStart).map(Number);
    if (endsInTokenLoop(text)) {
      this.loopStopped = true;
      force(scores, this.tokens.endOfText);
    }
  }

  private chooseLanguage(scores: Float32Array): void {
    const allowed = this.control.languageIds;
    let best = allowed[0];
    let max = -Infinity;
    for (const id of allowed) {
      if (scores[id] > max) {
        max = scores[id];
        best = id;
      }
    }
    if (allowed.length > 1) {
      let sum = 0;
      for (const id of allowed) sum += Math.exp(scores[id] - max);
      this.languageProbability = 1 / sum;
    }
    force(scores, best);
  }

  /** What the finished sequence (prefix included, as `generate` returns it) holds. */
  read(sequence: readonly (number | bigint)[]): DecodeResult {
    const known = this.control.knownTextTokens !== undefined;
    const languageId = !this.multilingual
      ? undefined
      : known
        ? Number(sequence[this.textStart - controlTokenCount(this.tokens)])
        : Number(sequence[this.prefixLength]);
    const textTokens = sequence
      .slice(this.textStart)
      .map(Number)
      .filter((token) => token !== this.tokens.endOfText && !this.isSpecial(token));
    return {
      languageId,
      textTokens,
      languageProbability: this.languageProbability,
      noSpeechProbability: this.noSpeechProbability,
      loopStopped: this.loopStopped,
      stopped: this.stopped,
    };
  }

  /** Whisper's special tokens all come after end-of-text in its vocabulary. */
  private isSpecial(token: number): boolean {
    return token >= this.tokens.endOfText;
  }
}

/** Only `token` may come next. */
function force(scores: Float32Array, token: number): void {
  scores.fill(-Infinity);
  scores[token] = 0;
}

/** Probability of one token under the softmax of the row. */
function softmaxAt(scores: Float32Array, token: number): number {
  let max = -Infinity;
  for (const score of scores) if (score > max) max = score;
  let sum = 0;
  for (const score of scores) sum += Math.exp(score - max);
  return Math.exp(scores[token] - max) / sum;
}
