/**
 * Sentences in recognised text: for settling a long utterance's translation sentence by sentence,
 * and for cutting a context pair to its last sentences. Whisper punctuates what it hears; a
 * sentence ends at . ! ? … (and their CJK, Arabic and Indic forms), closing quotes included.
 * All of it is a single pass over the text.
 */

/** Marks that end a sentence when a space (or the end) follows them: "3.5" and "U.S" go on. */
const SPACED_END = /[.!?…‽؟۔।॥]/u;
/** Marks that end a sentence whatever follows (Chinese and Japanese put no space after them). */
const UNSPACED_END = /[。！？｡]/u;
/** What may follow the mark and still belong to the sentence: closing quotes and brackets. */
const CLOSER = /[\p{Pe}\p{Pf}"'」』]/u;

/** The text's sentences, trimmed, in one pass; text after the last mark is a sentence of its own. */
export function sentencesOf(text: string): string[] {
  const chars = [...text];
  const sentences: string[] = [];
  let start = 0;
  let i = 0;
  while (i < chars.length) {
    const unspaced = UNSPACED_END.test(chars[i]);
    if (!unspaced && !SPACED_END.test(chars[i])) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < chars.length && (SPACED_END.test(chars[end]) || UNSPACED_END.test(chars[end]) || CLOSER.test(chars[end]))) end++;
    if (unspaced || end === chars.length || /\s/u.test(chars[end])) {
      sentences.push(chars.slice(start, end).join('').trim());
      start = end;
    }
    i = end;
  }
  sentences.push(chars.slice(start).join('').trim());
  return sentences.filter(Boolean);
}

/**
 * The whole sentences at the start of `text` that later words have confirmed as finished (a
 * sentence is only known to be over once the next one has begun), as one string; '' when there are
 * none, or when they are too short to stand alone ("Mr." is not a sentence worth translating alone).
 */
export function finishedSentences(text: string, minChars = 20): string {
  const sentences = sentencesOf(text);
  if (sentences.length < 2) return '';
  const finished = sentences.slice(0, -1).join(' ');
  return finished.length >= minChars ? finished : '';
}

const isSpace = (code: number) => code === 32 || (code >= 9 && code <= 13) || code === 160 || code === 0x3000;

/**
 * What `text` says after `start`, when it starts with it (spacing and letter case aside);
 * undefined when it does not.
 */
export function textAfter(start: string, text: string): string | undefined {
  let at = 0;
  for (let i = 0; i < start.length; i++) {
    if (isSpace(start.charCodeAt(i))) continue;
    while (at < text.length && isSpace(text.charCodeAt(at))) at++;
    if (at >= text.length || text[at].toLowerCase() !== start[i].toLowerCase()) return undefined;
    at++;
  }
  return text.slice(at).trim();
}
