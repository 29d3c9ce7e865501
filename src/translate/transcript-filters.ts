/**
 * What Whisper may say that nobody said, and the limits that keep one bad decode from blocking
 * live translation: a token budget from the audio's length, repetition loops cut to one copy, and
 * the phrases Whisper invents for silence ("Thank you.", "Subtitles by …") dropped when the audio
 * holds no speech. Pure functions: the speech worker applies them, tests pin them.
 */

/**
 * Whisper's own ceiling for one decode: half its 448-token text context, the `sample_len`
 * OpenAI's decoder uses, so a prompt of committed text still fits beside it.
 */
export const WHISPER_MAX_NEW_TOKENS = 224;

/**
 * How many text tokens a decode of `seconds` of audio may produce. Speech rarely exceeds 4–5
 * Whisper tokens a second: English runs at 2.5–4 words/s and ~1.3 tokens a word; Chinese and
 * Japanese at 5–8 characters/s, many of which Whisper's byte-level tokens split in two, reach ~8.
 * 8 a second plus 10 for a word cut at the edge leaves room for the fastest speech while a
 * hallucination loop stops near the length of what was said instead of running to 448 tokens.
 */
export function maxNewTokens(seconds: number): number {
  const budget = Math.ceil(Math.max(0, seconds) * 8) + 10;
  return Math.min(budget, WHISPER_MAX_NEW_TOKENS);
}

/** Whisper hears at most 30 s at a time; longer audio is decoded in windows of at most this. */
export const WHISPER_WINDOW_SECONDS = 30;

/**
 * How long a transcription may take before the recogniser is taken to be stuck (and restarted):
 * per 30 s window, 15 s for features and the encoder (seconds on a slow CPU), plus 150 ms per
 * token the decoder may produce (WebAssembly on a slow phone; WebGPU needs a tenth of that).
 * Generous on purpose: a real decode is never cut, a hung one still ends.
 */
export function transcribeTimeoutMs(seconds: number): number {
  const windows = Math.max(1, Math.ceil(seconds / WHISPER_WINDOW_SECONDS));
  const perWindowSeconds = Math.min(seconds, WHISPER_WINDOW_SECONDS);
  return windows * (15_000 + maxNewTokens(perWindowSeconds) * 150);
}

// ——— Repetition loops ———

/**
 * Whether decoding should stop because its last tokens are a loop: a block of n tokens
 * (1 ≤ n ≤ 32) repeated back to back at least max(4, ⌈16/n⌉) times. Stopping is for good (what
 * would follow is lost), so it asks for more than the text cut below: at least four copies and
 * at least 16 tokens of loop. "No, no, no, I said…" keeps decoding; the text cut tidies it later.
 */
export function endsInTokenLoop(tokens: readonly number[]): boolean {
  for (let n = 1; n <= 32 && n * 4 <= tokens.length; n++) {
    const needed = Math.max(4, Math.ceil(16 / n));
    if (n * needed > tokens.length) continue;
    let copies = 1;
    while (copies < needed && sameBlock(tokens, tokens.length - n, tokens.length - n * (copies + 1), n)) copies++;
    if (copies >= needed) return true;
  }
  return false;
}

function sameBlock(tokens: readonly number[], a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (tokens[a + i] !== tokens[b + i]) return false;
  return true;
}

/** A word, or one character of a script written without spaces (each counts as a word for repetition). */
const UNIT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]|[^\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+/gu;

interface Unit {
  start: number;
  end: number;
  key: string;
}

function unitsOf(text: string): Unit[] {
  return [...text.matchAll(UNIT)].map((match) => {
    const raw = match[0];
    const key = raw.normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}]/gu, '');
    return { start: match.index, end: match.index + raw.length, key: key || raw };
  });
}

/** The longest phrase, in words (or characters of unspaced scripts), looked for as a loop. */
const LONGEST_LOOP_UNITS = 24;

/**
 * Repetition loops cut to one copy: a phrase of two or more words repeated at least 3 times in a
 * row, or one word at least 4 times ("no, no, no" is speech; a fourth is Whisper stuck). Words are
 * compared without case or punctuation; characters count as words in Chinese, Japanese and Thai.
 * "Thank you. Thank you. Thank you." → "Thank you."; "I think I think I think we go" → "I think we go".
 */
export function cutRepetitions(text: string): { text: string; cut: boolean } {
  const units = unitsOf(text);
  const removals: Array<[from: number, to: number]> = [];
  let i = 0;
  while (i < units.length) {
    let best: { n: number; copies: number } | undefined;
    for (let n = 1; n <= LONGEST_LOOP_UNITS && i + n * 2 <= units.length; n++) {
      let copies = 1;
      while (i + n * (copies + 1) <= units.length && sameUnits(units, i, i + n * copies, n)) copies++;
      const needed = n === 1 ? 4 : 3;
      if (copies >= needed && (!best || n * copies > best.n * best.copies)) best = { n, copies };
    }
    if (!best) {
      i++;
      continue;
    }
    const keptEnd = units[i + best.n - 1].end;
    const loopEnd = units[i + best.n * best.copies - 1].end;
    removals.push([keptEnd, loopEnd]);
    i += best.n * best.copies;
  }
  if (!removals.length) return { text, cut: false };
  let result = '';
  let from = 0;
  for (const [start, end] of removals) {
    result += text.slice(from, start);
    from = end;
  }
  result += text.slice(from);
  return { text: result.replace(/\s{2,}/g, ' ').trim(), cut: true };
}

function sameUnits(units: readonly Unit[], a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (units[a + k].key !== units[b + k].key) return false;
  return true;
}

// ——— Phantom phrases ———

/**
 * What Whisper says over silence or noise, learned from subtitled video: sign-offs, subscription
 * pleas and subtitle credits, in the app's languages. Compared without case, punctuation or
 * spacing, one sentence at a time.
 */
const PHANTOM_SENTENCES = new Set(
  [
    // English
    'you', 'thank you', 'thank you very much', 'thank you so much', 'thanks', 'thank you for watching',
    'thanks for watching', 'thank you so much for watching', 'thank you for listening', 'please subscribe',
    'subscribe', 'like and subscribe', 'please like and subscribe', 'bye', 'bye bye', 'goodbye',
    'see you next time', 'see you in the next video', 'ill see you next time', 'so', 'oh', 'um', 'uh', 'hmm',
    // Italian, Spanish, French, German, Portuguese
    'grazie', 'grazie a tutti', 'grazie per la visione', 'grazie per lattenzione', 'ciao',
    'gracias', 'muchas gracias', 'gracias por ver', 'gracias por ver el video', 'suscríbete', 'adiós',
    'merci', 'merci beaucoup', 'merci davoir regardé', 'merci à tous', 'au revoir', 'abonnezvous',
    'danke', 'vielen dank', 'danke schön', 'danke fürs zuschauen', 'tschüss', 'bis zum nächsten mal',
    'obrigado', 'obrigada', 'muito obrigado', 'obrigado por assistir', 'tchau',
    // Chinese, Japanese, Korean, Arabic
    '谢谢', '谢谢观看', '谢谢大家', '感谢观看', '謝謝', '謝謝觀看', '请不吝点赞订阅转发打赏支持明镜与点点栏目',
    'ありがとうございました', 'ご視聴ありがとうございました', 'おやすみなさい', 'では', 'またね',
    '감사합니다', '시청해주셔서 감사합니다', '구독과 좋아요 부탁드립니다', '안녕히 계세요',
    'شكرا', 'شكرا لكم', 'شكرا للمشاهدة', 'شكرا لكم على المشاهدة', 'اشتركوا في القناة',
  ].map(phantomKey),
);

/** Subtitle credits Whisper copies from its training data, whatever the wording around them. */
const PHANTOM_PATTERNS: readonly RegExp[] = [
  /amara ?org/,
  /^(subtitles|subtitle|captions|captioning|transcription|transcript|translation|translated|subtitled)( (are|were))? (by|from|made by|provided by)\b/,
  /^(sottotitoli|sous ?titres|subtítulos|untertitel|untertitelung|legendas)\b/,
  // No \b: it only knows ASCII letters.
  /^(字幕|자막)/,
  /(^| )(zdf|swr|ard) \d{4}$/,
];

function phantomKey(sentence: string): string {
  return sentence
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A sound description, not words: "[Music]", "(upbeat music)", "[BLANK_AUDIO]", "*laughs*". */
const SOUND_TAG = /^\s*(\[[^\]]*\]|\([^)]*\)|（[^）]*）|【[^】]*】|\*[^*]*\*|♪[^♪]*♪)\s*$/u;

/**
 * Whether the text holds nothing but what Whisper invents for silence: punctuation alone, sound
 * descriptions, or sentences from the phantom list ("Thank you.", "Thanks for watching! Bye.").
 */
export function isPhantom(text: string): boolean {
  if (isNonSpeech(text)) return true;
  // A full stop ends a sentence only before a space ("Amara.org" is one word); CJK stops always do.
  const sentences = text.split(/(?<=[.!?…])\s+|(?<=[。！？])/u).filter((s) => phantomKey(s));
  return (
    sentences.length > 0 &&
    sentences.every((sentence) => {
      if (isNonSpeech(sentence)) return true;
      const key = phantomKey(sentence);
      return PHANTOM_SENTENCES.has(key) || PHANTOM_PATTERNS.some((pattern) => pattern.test(key));
    })
  );
}

/** Punctuation, symbols or a sound description only: nothing anyone could translate. */
function isNonSpeech(text: string): boolean {
  return phantomKey(text) === '' || SOUND_TAG.test(text);
}

/** What the audio shows of speech, independent of what Whisper made of it. */
export interface SpeechEvidence {
  /** Length of the audio. */
  seconds: number;
  /** Time the audio is louder than its silence (see speechEvidence in whisper-audio.ts). */
  voicedSeconds: number;
}

/**
 * Less voice than this is no utterance: a short "yes" has ~0.25 s of voiced sound, a cough or a
 * click less. Below it, a phantom phrase is taken for Whisper's invention.
 */
export const LEAST_VOICED_SECONDS = 0.25;

/**
 * Whisper's probability of "no speech" above which its phantom phrases are dropped even in
 * audio that is not silent (noise, music): OpenAI's own no_speech_threshold.
 */
export const NO_SPEECH_THRESHOLD = 0.6;

export interface FilteredTranscript {
  text: string;
  /** Whether a repetition loop was cut to one copy. */
  loopCut: boolean;
  /** What the phantom rule removed, if anything. */
  droppedPhantom?: string;
}

/**
 * The rule for what Whisper said:
 * 1. Repetition loops are cut to one copy (`cutRepetitions`).
 * 2. Punctuation alone and sound descriptions ("[Music]") are dropped always: nothing to translate.
 * 3. A phantom phrase (`isPhantom`) is dropped when the audio had almost no voice
 *    (< LEAST_VOICED_SECONDS) or Whisper itself judged it probably not speech
 *    (no-speech probability ≥ NO_SPEECH_THRESHOLD). Said by a person, in audio with speech, it is kept.
 * 4. Only the whole result is judged, never a phrase inside longer speech ("…the store. Thank you."
 *    keeps its thanks). That phantoms never replace committed text is the caller's rule: a result
 *    for which `isPhantom` holds must not overwrite text already agreed on (see pipeline.ts).
 */
export function filterTranscript(
  text: string,
  evidence: SpeechEvidence,
  noSpeechProbability?: number,
): FilteredTranscript {
  const { text: cutText, cut } = cutRepetitions(text.trim());
  if (!cutText) return { text: '', loopCut: cut };
  const silent = evidence.voicedSeconds < LEAST_VOICED_SECONDS || (noSpeechProbability ?? 0) >= NO_SPEECH_THRESHOLD;
  if (isNonSpeech(cutText) || (silent && isPhantom(cutText))) return { text: '', loopCut: cut, droppedPhantom: cutText };
  return { text: cutText, loopCut: cut };
}

/** Languages written without spaces between words: windows of long audio are joined without one. */
export function joinsWithoutSpaces(language: string | undefined): boolean {
  return language === 'zh' || language === 'ja' || language === 'th' || language === 'lo' || language === 'km' || language === 'my' || language === 'yue';
}

