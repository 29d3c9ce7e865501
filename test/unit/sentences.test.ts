/**
 * Sentences in recognised text (settling a long utterance sentence by sentence) and the context a
 * translation prompt carries (the newest pairs within a budget).
 */
import { describe, expect, it } from 'vitest';
import { finishedSentences, sentencesOf, textAfter } from '../../src/translate/sentences.js';
import { CONTEXT_BUDGET_CHARS, translationContext } from '../../src/translate/translation-context.js';

describe('sentences in recognised text', () => {
  it('ends a sentence at a mark followed by a space, not inside a number or an abbreviation', () => {
    expect(sentencesOf('It costs 3.5 euros in the U.S today. Then "go," he said! And')).toEqual([
      'It costs 3.5 euros in the U.S today.',
      'Then "go," he said!',
      'And',
    ]);
  });

  it('keeps closing quotes with their sentence, and ends Chinese and Japanese sentences without a space', () => {
    expect(sentencesOf('He said "stop." She left.')).toEqual(['He said "stop."', 'She left.']);
    expect(sentencesOf('東京駅はどこですか。新幹線の切符')).toEqual(['東京駅はどこですか。', '新幹線の切符']);
  });

  it('takes a sentence as finished only once the next has begun, and not when it is too short to stand alone', () => {
    expect(finishedSentences('I went home early today.')).toBe('');
    expect(finishedSentences('I went home early today. And then')).toBe('I went home early today.');
    expect(finishedSentences('I went home early. It rained all day. We')).toBe('I went home early. It rained all day.');
    expect(finishedSentences('Mr. Smith')).toBe('');
  });

  it('reads what a text says after its start, whatever the spacing and letter case', () => {
    expect(textAfter('I went home.', 'i  went home. And then')).toBe('And then');
    expect(textAfter('I went home.', 'I went out. And then')).toBeUndefined();
    expect(textAfter('', 'All of it')).toBe('All of it');
  });

  it('reads a hostile text in time proportional to its length', () => {
    const text = '.'.repeat(200_000) + 'a'.repeat(200_000);
    const started = performance.now();
    expect(sentencesOf(text)).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('the context a translation carries', () => {
  const pair = (source: string, translation: string) => ({ source, translation });

  it('is the last two pairs when they are short', () => {
    const pairs = [pair('one', 'uno'), pair('two', 'dos'), pair('three', 'tres')];
    expect(translationContext(pairs)).toEqual([pair('two', 'dos'), pair('three', 'tres')]);
  });

  it('keeps the newest pair whole and drops an older one that would go over the budget', () => {
    const long = 'word '.repeat(50).trim();
    const pairs = [pair(long, long), pair('Where is it?', '¿Dónde está?')];
    expect(translationContext(pairs)).toEqual([pair('Where is it?', '¿Dónde está?')]);
  });

  it('cuts a pair too long for the budget to its last sentences, when they pair up', () => {
    const source = Array.from({ length: 20 }, (_, i) => `This is sentence number ${i}.`).join(' ');
    const translation = Array.from({ length: 20 }, (_, i) => `Esta es la frase número ${i}.`).join(' ');

    const [kept] = translationContext([pair(source, translation)]);

    expect(kept.source.length + kept.translation.length).toBeLessThanOrEqual(CONTEXT_BUDGET_CHARS);
    expect(kept.source.endsWith('This is sentence number 19.')).toBe(true);
    expect(kept.translation.endsWith('Esta es la frase número 19.')).toBe(true);
    expect(kept.source.split('.').length).toBe(kept.translation.split('.').length);
  });

  it('gives no context from a long pair whose sentences do not pair up', () => {
    const source = 'Short one. ' + 'word '.repeat(80) + 'end.';
    expect(translationContext([pair(source, 'una sola frase muy larga ' + 'palabra '.repeat(80))])).toEqual([]);
  });
});
