/**
 * What of a model's answer is the translation. Small models asked to "translate without additional
 * explanation" still wrap the translation in chatter: a preamble ("Sure, here is the translation:"),
 * a label ("French:"), quotes, or a blank line followed by notes on grammar. A caption shows only the
 * translation, so the answer is cut to it here, the same way while it streams and at the end.
 *
 * The rules are deliberately narrow (they only remove things a translation never starts or ends with)
 * and linear in the length of the text.
 */
import { LANGUAGES } from './languages.js';

/** The name of every language we offer, in English and in its own words: possible labels. */
const LANGUAGE_LABELS = LANGUAGES.flatMap((language) => [language.name, language.native, language.name.replace(/ \(.*\)$/, '')]);
const LABEL_WORDS = ['Translation', 'Translated', 'Traduction', 'Traducción', 'Traduzione', 'Tradução', 'Übersetzung', ...LANGUAGE_LABELS];
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "Sure! Here is the translation into French:" and the like, at the very start. */
const PREAMBLE =
  /^\s*(?:(?:sure|certainly|of course|okay|ok)[,.!]?\s*)?(?:here(?:'s| is| are)\s+(?:the|a|your|my)\s+(?:\w+\s+){0,3}?translation\b[^:\n]{0,60}:|the\s+translation\b[^:\n]{0,60}\s+is:?)\s*/i;
/** The prompt's delimiters (translator.ts), which a small model sometimes copies around its answer. */
const OPENING_TAG = /^\s*<text>\s*/i;
const CLOSING_TAG = /<\/text>/i;
/** The start of a closing tag still streaming in ("</", "</te"): not shown while it may be one. */
const CLOSING_TAG_START = /<\/(?:t(?:e(?:x(?:t)?)?)?)?$/i;
/** An answer that so far is only the start of an opening tag ("<", "<te"). */
const OPENING_TAG_START = /^\s*<(?:t(?:e(?:x(?:t)?)?)?)?$/i;
/** "French:", "Translation:", "Traduction :" at the very start. */
const LABEL = new RegExp(`^\\s*(?:${LABEL_WORDS.map(escape).join('|')})(?:\\s+translation)?\\s*:\\s*`, 'i');
const QUOTES: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ['“', '”'],
  ['«', '»'],
  ['„', '“'],
  ["'", "'"],
  ['‘', '’'],
  ['「', '」'],
];

export interface TranslationText {
  /** The translation to show. */
  text: string;
  /** The model has gone past the translation (a new paragraph of notes): stop generating. */
  complete: boolean;
}

/**
 * The translation in `answer`, for a source segment `source`. A source written on one line gets a
 * translation on one line: the answer ends at the first line break after some text.
 */
export function translationText(answer: string, source: string): TranslationText {
  if (OPENING_TAG_START.test(answer)) return { text: '', complete: false };
  let text = answer.replace(OPENING_TAG, '').replace(PREAMBLE, '').replace(LABEL, '').replace(OPENING_TAG, '');
  let complete = false;
  // The model closed the delimited block: the translation is over.
  const closed = text.search(CLOSING_TAG);
  if (closed >= 0) {
    text = text.slice(0, closed);
    complete = true;
  } else {
    text = text.replace(CLOSING_TAG_START, '');
  }
  if (!source.includes('\n')) {
    const start = text.search(/\S/);
    const lineEnd = start < 0 ? -1 : text.indexOf('\n', start);
    if (lineEnd >= 0) {
      text = text.slice(0, lineEnd);
      complete = true;
    }
  }
  text = text.trim();
  // A translation wrapped in quotes the source did not have: drop them (the opening one as soon as it
  // streams in, so a caption never shows a lone quote).
  const quote = QUOTES.find(([open]) => text.startsWith(open) && !source.trimStart().startsWith(open));
  if (quote) {
    const [open, close] = quote;
    text = text.slice(open.length);
    if (text.endsWith(close) && !text.slice(0, -close.length).includes(close)) text = text.slice(0, -close.length);
    text = text.trim();
  }
  return { text, complete };
}
