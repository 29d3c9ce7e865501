import { describe, expect, it } from 'vitest';
import { translationText } from '../../src/translate/translation-text.js';

const source = 'The cat is on the table.';

describe('what of a model’s answer a caption shows', () => {
  it('keeps a plain translation as it is', () => {
    expect(translationText('Le chat est sur la table.', source)).toEqual({ text: 'Le chat est sur la table.', complete: false });
  });

  it('ends a one-line source’s translation at its first line break, and says the model can stop', () => {
    const answer = 'La cat est sur le tableau.\n\nIn French, the verb "est" is conjugated…';

    expect(translationText(answer, source)).toEqual({ text: 'La cat est sur le tableau.', complete: true });
  });

  it('ignores line breaks before any text, and keeps the lines of a source that has several', () => {
    expect(translationText('\n\nLe chat.', 'The cat.').text).toBe('Le chat.');
    expect(translationText('Ligne un.\nLigne deux.', 'Line one.\nLine two.')).toEqual({ text: 'Ligne un.\nLigne deux.', complete: false });
  });

  it.each([
    ['Sure, here is the translation: Le chat est sur la table.'],
    ['Here is the French translation: Le chat est sur la table.'],
    ["Here's your translation into French: Le chat est sur la table."],
    ['The translation is: Le chat est sur la table.'],
    ['French: Le chat est sur la table.'],
    ['Translation: Le chat est sur la table.'],
    ['Français : Le chat est sur la table.'],
    ['"Le chat est sur la table."'],
    ['« Le chat est sur la table. »'],
    ['Sure! Here is the translation:\n"Le chat est sur la table."\n\nNote: …'],
  ])('removes preambles, labels and quotes: %s', (answer) => {
    expect(translationText(answer, source).text).toBe('Le chat est sur la table.');
  });

  it('removes the prompt’s <text> tags when a small model copies them, and ends at the closing one', () => {
    expect(translationText('<text>Le chat est sur la table.</text>', source)).toEqual({ text: 'Le chat est sur la table.', complete: true });
    expect(translationText('Le chat est sur la table.</text> Note: …', source)).toEqual({ text: 'Le chat est sur la table.', complete: true });
  });

  it('never shows a tag while it streams in', () => {
    expect(translationText('<te', source).text).toBe('');
    expect(translationText('<text>Le chat', source).text).toBe('Le chat');
    expect(translationText('Le chat est sur la table.</te', source)).toEqual({ text: 'Le chat est sur la table.', complete: false });
  });

  it('drops an opening quote while the rest is still streaming', () => {
    expect(translationText('"Le chat est', source).text).toBe('Le chat est');
  });

  it('keeps quotes the source had, and words that only look like labels', () => {
    expect(translationText('"Bonjour."', '"Hello."').text).toBe('"Bonjour."');
    expect(translationText('Francesco è qui.', 'Francesco is here.').text).toBe('Francesco è qui.');
  });

  it('answers a hostile 500 kB answer without freezing (the rules are linear; the test timeout would catch one that is not)', () => {
    const hostile = `${'Here is the '.repeat(20_000)}${'"'.repeat(50_000)}${'x: '.repeat(50_000)}`;

    expect(translationText(hostile, source).text.length).toBeGreaterThan(0);
  });
});
