import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of the bench scripts, without type declarations.
import { chrF, corpusChrF } from '../../bench/chrf.mjs';

// Every expected value below was computed with sacrebleu 2.6.0 (Python 3.11) and rounded to 4
// decimals:
//   from sacrebleu.metrics import CHRF
//   CHRF().sentence_score(hypothesis, [reference]).score
//   CHRF().corpus_score(hypotheses, [references]).score      (the corpus case)
//   CHRF(word_order=2).sentence_score(hypothesis, [reference]).score   (the chrF++ case)
// CHRF() is char_order=6, word_order=0, beta=2, lowercase=False, whitespace=False,
// eps_smoothing=False. Recompute them with sacrebleu rather than editing them by hand.
const sentences: { name: string; hypothesis: string; reference: string; sacrebleu: number }[] = [
  { name: 'identical strings', hypothesis: 'The cat sat on the mat.', reference: 'The cat sat on the mat.', sacrebleu: 100 },
  { name: 'no character in common', hypothesis: 'xyz qwv', reference: 'The cat sat on the mat.', sacrebleu: 0 },
  { name: 'partial overlap', hypothesis: 'The cat is on the mat.', reference: 'The cat sat on the mat.', sacrebleu: 64.5817 },
  { name: 'different case (chrF is case-sensitive)', hypothesis: 'the cat sat on the mat.', reference: 'The Cat Sat On The Mat.', sacrebleu: 18.0351 },
  { name: 'punctuation', hypothesis: 'Hello, world!', reference: 'Hello world', sacrebleu: 56.343 },
  { name: 'accents dropped (è, à, ñ)', hypothesis: 'Il caffè è già pronto, señor.', reference: 'Il caffe e gia pronto, senor.', sacrebleu: 51.9362 },
  { name: 'accents kept (ù, è)', hypothesis: "Où est la gare ? Très près d'ici.", reference: "Où est la gare ? C'est très près d'ici.", sacrebleu: 72.2348 },
  { name: 'empty hypothesis', hypothesis: '', reference: 'Buongiorno a tutti.', sacrebleu: 0 },
  { name: 'empty reference', hypothesis: 'Buongiorno a tutti.', reference: '', sacrebleu: 0 },
  // Only orders 1 and 2 exist on both sides, so only they are averaged (effective order).
  { name: 'shorter than the n-gram order', hypothesis: 'ab', reference: 'abc', sacrebleu: 63.6364 },
  {
    name: 'multi-word sentence',
    hypothesis: '¿Dónde está la estación de tren más cercana?',
    reference: '¿Dónde queda la estación de trenes más próxima?',
    sacrebleu: 52.1515,
  },
  // An emoji is one code point for Python but two UTF-16 units for JavaScript.
  { name: 'a character outside the BMP', hypothesis: 'Buen día 😀!', reference: 'Buen día 😀', sacrebleu: 96.1732 },
];

describe('chrF matches sacrebleu', () => {
  for (const { name, hypothesis, reference, sacrebleu } of sentences) {
    it(name, () => {
      expect(chrF(hypothesis, reference)).toBeCloseTo(sacrebleu, 4);
    });
  }

  it('gives the defaults when the options are spelled out', () => {
    const { hypothesis, reference, sacrebleu } = sentences[2];
    expect(chrF(hypothesis, reference, { charOrder: 6, wordOrder: 0, beta: 2 })).toBeCloseTo(sacrebleu, 4);
  });

  it('chrF++ (word_order=2)', () => {
    expect(chrF('The cat is on the mat.', 'The cat sat on the mat.', { wordOrder: 2 })).toBeCloseTo(67.493, 4);
  });

  it('corpus chrF sums the statistics of all sentences before scoring', () => {
    const hypotheses = ['Good morning, how are you?', 'The train leaves at nine.', 'I would like a coffee, please.'];
    const references = ['Good morning, how are you doing?', "The train departs at nine o'clock.", 'A coffee, please.'];

    const corpus = corpusChrF(hypotheses, references);

    expect(corpus).toBeCloseTo(64.3088, 4);
    // sacrebleu's mean of the three sentence scores is 66.7251: the corpus score is not that mean.
    const mean = hypotheses.reduce((sum, hypothesis, i) => sum + chrF(hypothesis, references[i]), 0) / hypotheses.length;
    expect(mean).toBeCloseTo(66.7251, 4);
  });

  it('a corpus of one sentence scores as that sentence', () => {
    const { hypothesis, reference } = sentences[5];
    expect(corpusChrF([hypothesis], [reference])).toBe(chrF(hypothesis, reference));
  });

  it('refuses a corpus whose hypotheses and references do not pair up', () => {
    expect(() => corpusChrF(['a', 'b'], ['a'])).toThrow(RangeError);
    expect(() => corpusChrF([], [])).toThrow(RangeError);
  });
});
