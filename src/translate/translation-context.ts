/**
 * Which earlier pairs go into a translation prompt as context. They keep names and terms consistent
 * from one utterance to the next, but every character of them is prefilled again with every
 * request, partial re-translations included: two pairs of twenty-second utterances are some 300
 * tokens, a third of a second of prefill on a mid GPU before the first translated word. So context
 * is the newest pairs within a character budget, and a pair too long for it gives its last
 * sentences when they can be paired up (the same number of sentences on both sides).
 */
import { sentencesOf } from './sentences.js';
import type { TranslationPair } from './translator.js';

/** Characters of source and translation together: about 100 prompt tokens. */
export const CONTEXT_BUDGET_CHARS = 400;
/** At most this many pairs (each one costs an instruction's tokens too). */
export const CONTEXT_MAX_PAIRS = 2;

const sizeOf = (pair: TranslationPair) => pair.source.length + pair.translation.length;

/** The pair cut to its last sentences that fit `budget`, or undefined when none fit or they do not pair up. */
function lastSentences(pair: TranslationPair, budget: number): TranslationPair | undefined {
  const source = sentencesOf(pair.source);
  const translation = sentencesOf(pair.translation);
  if (source.length !== translation.length) return undefined;
  let kept: TranslationPair | undefined;
  for (let count = 1; count <= source.length; count++) {
    const candidate = { source: source.slice(-count).join(' '), translation: translation.slice(-count).join(' ') };
    if (sizeOf(candidate) > budget) break;
    kept = candidate;
  }
  return kept;
}

/** The context for a translation: `pairs` are every earlier pair, oldest first. */
export function translationContext(pairs: readonly TranslationPair[], budget = CONTEXT_BUDGET_CHARS): TranslationPair[] {
  const chosen: TranslationPair[] = [];
  let left = budget;
  for (const pair of [...pairs].reverse().slice(0, CONTEXT_MAX_PAIRS)) {
    const fitting = sizeOf(pair) <= left ? pair : lastSentences(pair, left);
    if (!fitting) break;
    chosen.unshift(fitting);
    left -= sizeOf(fitting);
    // What came before a cut pair is further back than the sentences kept of it.
    if (fitting !== pair) break;
  }
  return chosen;
}
