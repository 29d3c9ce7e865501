/**
 * What a translation caption shows while re-translations stream in, and the erasure counted on it.
 * The texts are the Spanish of bench/erasure.mjs: re-translations of a growing English sentence,
 * each streaming word by word from its first word.
 */
import { describe, expect, it } from 'vitest';
import { normalizedErasure } from '../../src/translate/commit-policy.js';
import { ShownTranslation, hasCaughtUp } from '../../src/translate/shown-translation.js';

/** A translation as a model streams it: the text after each word. */
function streamed(text: string): string[] {
  const words = text.split(' ');
  return words.map((_, i) => words.slice(0, i + 1).join(' '));
}

const uncommitted = (tail: string) => ({ committed: '', tail });

const T3 = 'Así que la reunión del jueves ha sido trasladada';
const T4 = 'Así que la reunión del jueves se ha trasladado al viernes';
const FINAL = 'Así que la reunión del jueves se ha trasladado al viernes por la tarde.';

/** Every text the screen shows when each re-translation is shown as it streams, whole (no hold-back). */
function screenFor(translations: string[], shown = new ShownTranslation({ holdBackTokens: 0 })): ShownTranslation {
  for (const [i, translation] of translations.entries()) {
    const last = i === translations.length - 1;
    for (const text of streamed(translation)) {
      if (last) shown.offerEndOfSpeech(uncommitted(text));
      else shown.offerPartial(uncommitted(text));
    }
    if (last) shown.show(uncommitted(translation));
  }
  return shown;
}

describe('ShownTranslation', () => {
  it('keeps the caption while a new re-translation streams the words already on screen: the tail never shrinks and regrows', () => {
    const shown = screenFor([T3, T4, FINAL]);

    // Each text on screen is shown once: nothing is taken away only to be written again.
    expect(new Set(shown.texts).size).toBe(shown.texts.length);
    // From T3 the screen goes straight to T4 once T4 has as many words, never back to "Así que…".
    const afterT3 = shown.texts.slice(shown.texts.indexOf(T3) + 1);
    expect(afterT3[0]).toBe('Así que la reunión del jueves se ha trasladado');
    expect(afterT3.every((text) => text.length > 'Así que la reunión del jueves'.length)).toBe(true);
    expect(shown.caption).toEqual({ committed: '', tail: FINAL });
  });

  it('reports the erasure a person counts: only the words that were replaced', () => {
    const shown = screenFor([T3, T4, FINAL]);

    // "ha sido trasladada" gave way to "se ha trasladado": 3 tokens taken away, 15 tokens at the end.
    expect(shown.erasure).toBeCloseTo(3 / 15, 10);
    expect(shown.erasure).toBe(normalizedErasure(shown.texts));
    // Shown as they stream, the same translations would count every shrink: "ha sido trasladada"
    // and "jueves…viernes" erased again and again.
    const asTheyStream = [T3, T4, FINAL].flatMap(streamed);
    expect(normalizedErasure(asTheyStream)).toBeGreaterThan(1);
  });

  it('never replaces a longer caption with a partial result that ends shorter', () => {
    const shown = new ShownTranslation({ holdBackTokens: 0 });
    shown.offerPartial(uncommitted(T4));

    // A rephrasing that came out shorter, and a stream stopped after a few words.
    expect(shown.offerPartial(uncommitted('Así que la reunión del jueves pasó al viernes'))).toEqual(uncommitted(T4));
    expect(shown.offerPartial(uncommitted('Así que la reunión'))).toEqual(uncommitted(T4));
    expect(shown.texts).toEqual([T4]);
  });

  it('always shows the final translation, even shorter, and counts what it took away', () => {
    const shown = new ShownTranslation({ holdBackTokens: 0 });
    shown.offerPartial(uncommitted(T4));

    const final = 'La reunión del jueves pasó al viernes.';
    expect(shown.show(uncommitted(final))).toEqual(uncommitted(final));
    // Nothing in common from the first word: all 11 tokens taken away; 8 at the end.
    expect(shown.erasure).toBeCloseTo(11 / 8, 10);
  });

  it('counts an emptied caption (the direction turned) as erasure', () => {
    const shown = new ShownTranslation({ holdBackTokens: 0 });
    shown.offerPartial(uncommitted('Así que el'));
    shown.show(uncommitted(''));
    shown.show(uncommitted('So the'));

    expect(shown.texts).toEqual(['Así que el', '', 'So the']);
    expect(shown.erasure).toBeCloseTo(3 / 2, 10);
  });

  it('changes the dimming without recording a new text when only more of it is committed', () => {
    const shown = new ShownTranslation({ holdBackTokens: 0 });
    const first = shown.offerPartial(uncommitted(T3));
    const committed = shown.offerPartial({ committed: 'Así que la reunión del jueves', tail: ' ha sido trasladada' });

    expect(committed).not.toBe(first);
    expect(committed).toEqual({ committed: 'Así que la reunión del jueves', tail: ' ha sido trasladada' });
    expect(shown.texts).toEqual([T3]);
  });

  it('returns the same caption object while the screen does not change', () => {
    const shown = new ShownTranslation({ holdBackTokens: 0 });
    const caption = shown.offerPartial(uncommitted(T3));

    expect(shown.offerPartial(uncommitted('Así que'))).toBe(caption);
    expect(shown.offerPartial(uncommitted(T3))).toBe(caption);
  });

  describe('while the person is still speaking (hold-back)', () => {
    it('keeps the last uncommitted word of a re-translation off the screen', () => {
      const shown = new ShownTranslation();

      expect(shown.offerPartial(uncommitted('Así que el'))).toEqual(uncommitted('Así que'));
      expect(shown.offerPartial({ committed: 'Así que', tail: ' la reunión del' })).toEqual({ committed: 'Así que', tail: ' la reunión' });
      // Committed text is never held back.
      expect(shown.offerPartial({ committed: 'Así que la reunión del', tail: '' })).toEqual({ committed: 'Así que la reunión del', tail: '' });
    });

    it('never shows a word still being written', () => {
      const shown = new ShownTranslation();

      expect(shown.offerPartial(uncommitted('Así que la reu'))).toEqual(uncommitted('Así que la'));
      expect(shown.offerPartial(uncommitted('Así que la reunión'))).toEqual(uncommitted('Así que la'));
    });

    it('shows the end-of-speech translation whole', () => {
      const shown = new ShownTranslation();
      shown.offerPartial(uncommitted('Así que el'));

      expect(shown.offerEndOfSpeech(uncommitted('Así que la reunión'))).toEqual(uncommitted('Así que la reunión'));
    });

    it('keeps the guesses at an unfinished sentence that the next re-translation revises off the screen', () => {
      // Re-translations of "So the", "So the meeting on", "… has been moved", "… to Friday", then the final.
      const shown = new ShownTranslation();
      for (const translation of ['Así que el', 'Así que la reunión del', T3, T4]) {
        for (const text of streamed(translation)) shown.offerPartial(uncommitted(text));
      }
      for (const text of streamed(FINAL)) shown.offerEndOfSpeech(uncommitted(text));
      shown.show(uncommitted(FINAL));

      // "el" (before "reunión" made it "la") never showed; of "ha sido trasladada" only "ha sido" did.
      expect(shown.texts.some((text) => text.endsWith(' el'))).toBe(false);
      expect(shown.erasure).toBeCloseTo(2 / 15, 10);
    });
  });
});

describe('hasCaughtUp', () => {
  it('is true for a stream with more tokens than the screen', () => {
    expect(hasCaughtUp('Así que la reunión', 'Así que el jueves se')).toBe(true);
  });

  it('is false for a stream with fewer tokens', () => {
    expect(hasCaughtUp('Así que la reunión', 'Así que la')).toBe(false);
  });

  it('is false while the stream is still writing the screen\'s last word, true once it differs', () => {
    expect(hasCaughtUp('Así que la reunión', 'Así que la reun')).toBe(false);
    expect(hasCaughtUp('Así que la reunión', 'Así que la cita')).toBe(true);
  });

  it('counts Chinese by characters, as erasure does', () => {
    expect(hasCaughtUp('我想回家', '我想回')).toBe(false);
    expect(hasCaughtUp('我想回家', '我想回去')).toBe(true);
  });
});
