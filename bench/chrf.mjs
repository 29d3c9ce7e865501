/**
 * chrF (Popović 2015) and chrF++ (word n-grams, Popović 2017), computed exactly as sacrebleu 2.x's
 * `sacrebleu.metrics.CHRF` does with its defaults (char_order=6, word_order=0, beta=2,
 * lowercase=False, whitespace=False, eps_smoothing=False), so a figure printed by a bench here can
 * be set beside one from sacrebleu. test/unit/chrf.test.ts holds values from real sacrebleu.
 *
 * The parts where a straightforward chrF would differ from sacrebleu's:
 * - Precision and recall are averaged over the n-gram orders first, and one F-beta is taken of the
 *   averages (not an average of per-order F scores, which is what eps_smoothing=True does).
 * - Only "effective" orders enter those averages: an order counts when both the hypothesis and
 *   the reference have at least one n-gram of it. A short sentence is therefore not punished for
 *   having no 5- or 6-grams at all; an order with n-grams on both sides but no match does count,
 *   with precision and recall 0.
 * - When the reference has no n-grams of an order, the hypothesis's n-grams of that order are not
 *   counted either (sacrebleu zeroes them). This changes corpus scores, which sum the counts.
 * - An empty (or all-whitespace) hypothesis or reference scores 0, never NaN: no order is
 *   effective.
 * - Characters are Unicode code points, as Python indexes strings, not UTF-16 units; no Unicode
 *   normalisation is applied, so a decomposed "é" (e + U+0301) is two characters.
 * - Whitespace is what Python's str.split() splits on, which is not JavaScript's \s.
 */

/**
 * @typedef {object} ChrFOptions
 * @property {number} [charOrder] Longest character n-gram (sacrebleu's char_order, default 6).
 * @property {number} [wordOrder] Longest word n-gram (word_order, default 0; 2 gives chrF++).
 * @property {number} [beta] How many times recall weighs more than precision (default 2).
 */

/**
 * Per order, [hypothesis n-grams, reference n-grams, matched n-grams], flattened: the character
 * orders first, then the word orders — the layout of sacrebleu's segment statistics.
 * @typedef {number[]} ChrFStatistics
 */

// Python's str.isspace() set, the one str.split() uses. JavaScript's \s lacks U+001C–U+001F and
// U+0085 and adds U+FEFF; with a different set, texts holding those would get different n-grams.
const PYTHON_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const PYTHON_WHITESPACE_GLOBAL = new RegExp(PYTHON_WHITESPACE.source, 'g');

// string.punctuation, which sacrebleu's chrF++ tokenizer splits off word ends.
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/**
 * Validate and complete the options; sacrebleu would fail or misbehave on anything else.
 * @param {ChrFOptions} [options]
 * @returns {{ charOrder: number, wordOrder: number, beta: number }}
 */
function settle({ charOrder = 6, wordOrder = 0, beta = 2 } = {}) {
  if (!Number.isInteger(charOrder) || charOrder < 0) throw new RangeError(`charOrder must be a whole number ≥ 0, not ${charOrder}`);
  if (!Number.isInteger(wordOrder) || wordOrder < 0) throw new RangeError(`wordOrder must be a whole number ≥ 0, not ${wordOrder}`);
  if (charOrder + wordOrder === 0) throw new RangeError('charOrder and wordOrder cannot both be 0');
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0) throw new RangeError(`beta must be a finite number ≥ 0, not ${beta}`);
  return { charOrder, wordOrder, beta };
}

/**
 * @param {unknown} value
 * @param {string} what
 * @returns {string}
 */
function asString(value, what) {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, not ${value === null ? 'null' : typeof value}`);
  return value;
}

/**
 * Count each n-gram of orders 1..maxOrder of a sequence, one Map per order.
 * n-grams are built as strings so they hash in a Map: with orders bounded (6 by default) this is
 * linear in the length of the text.
 * @param {string[]} units Characters (code points) or words.
 * @param {number} maxOrder
 * @param {string} separator '' for characters, ' ' for words, as sacrebleu joins them.
 * @returns {Map<string, number>[]}
 */
function countNgrams(units, maxOrder, separator) {
  /** @type {Map<string, number>[]} */
  const counts = [];
  for (let n = 1; n <= maxOrder; n++) {
    /** @type {Map<string, number>} */
    const orderCounts = new Map();
    for (let i = 0; i + n <= units.length; i++) {
      const gram = units.slice(i, i + n).join(separator);
      orderCounts.set(gram, (orderCounts.get(gram) ?? 0) + 1);
    }
    counts.push(orderCounts);
  }
  return counts;
}

/**
 * sacrebleu's chrF++ tokenizer: split on whitespace, then split one punctuation mark off the end
 * of a word or, failing that, off its start ("(hi)" becomes "(hi" and ")": a quirk kept on purpose,
 * sacrebleu issue #124).
 * @param {string} sentence
 * @returns {string[]}
 */
function words(sentence) {
  /** @type {string[]} */
  const tokens = [];
  for (const word of sentence.split(PYTHON_WHITESPACE)) {
    if (word === '') continue;
    const chars = Array.from(word);
    if (chars.length === 1) {
      tokens.push(word);
    } else if (PUNCTUATION.has(chars[chars.length - 1])) {
      tokens.push(chars.slice(0, -1).join(''), chars[chars.length - 1]);
    } else if (PUNCTUATION.has(chars[0])) {
      tokens.push(chars[0], chars.slice(1).join(''));
    } else {
      tokens.push(word);
    }
  }
  return tokens;
}

/**
 * All n-gram counts of one sentence: character orders, then word orders.
 * @param {string} sentence
 * @param {{ charOrder: number, wordOrder: number }} options
 * @returns {Map<string, number>[]}
 */
function ngrams(sentence, { charOrder, wordOrder }) {
  // Array.from splits by code point, as Python indexes a str; whitespace is dropped before the
  // n-grams are taken, so they span word boundaries (whitespace=False).
  const chars = Array.from(sentence.replace(PYTHON_WHITESPACE_GLOBAL, ''));
  const counts = countNgrams(chars, charOrder, '');
  if (wordOrder > 0) counts.push(...countNgrams(words(sentence), wordOrder, ' '));
  return counts;
}

/**
 * The [hypothesis, reference, matched] counts of every order for one sentence pair.
 * @param {string} hypothesis
 * @param {string} reference
 * @param {{ charOrder: number, wordOrder: number }} options
 * @returns {ChrFStatistics}
 */
function sentenceStatistics(hypothesis, reference, options) {
  const hypothesisCounts = ngrams(hypothesis, options);
  const referenceCounts = ngrams(reference, options);
  /** @type {ChrFStatistics} */
  const statistics = [];
  hypothesisCounts.forEach((hypothesisOrder, order) => {
    const referenceOrder = referenceCounts[order];
    let hypothesisTotal = 0;
    let matched = 0;
    for (const [gram, count] of hypothesisOrder) {
      hypothesisTotal += count;
      matched += Math.min(count, referenceOrder.get(gram) ?? 0);
    }
    let referenceTotal = 0;
    for (const count of referenceOrder.values()) referenceTotal += count;
    // sacrebleu drops the hypothesis count of an order the reference has no n-grams of.
    statistics.push(referenceOrder.size > 0 ? hypothesisTotal : 0, referenceTotal, matched);
  });
  return statistics;
}

/**
 * The score of (summed) statistics, 0–100. The arithmetic is done in sacrebleu's order so the
 * result is the same double, not merely close.
 * @param {ChrFStatistics} statistics
 * @param {number} beta
 * @returns {number}
 */
function fScore(statistics, beta) {
  const factor = beta ** 2;
  let precisionSum = 0;
  let recallSum = 0;
  let effectiveOrder = 0;
  for (let i = 0; i < statistics.length; i += 3) {
    const [hypothesisTotal, referenceTotal, matched] = statistics.slice(i, i + 3);
    // Orders missing on either side are left out rather than smoothed (see the header).
    if (hypothesisTotal > 0 && referenceTotal > 0) {
      precisionSum += matched / hypothesisTotal;
      recallSum += matched / referenceTotal;
      effectiveOrder++;
    }
  }
  if (effectiveOrder === 0) return 0;
  const precision = precisionSum / effectiveOrder;
  const recall = recallSum / effectiveOrder;
  if (precision + recall === 0) return 0;
  let score = (1 + factor) * precision * recall;
  score /= factor * precision + recall;
  return 100 * score;
}

/**
 * Sentence-level chrF of `hypothesis` against one `reference`, 0–100, as sacrebleu's
 * `CHRF(char_order, word_order, beta).sentence_score(hypothesis, [reference]).score`.
 * @param {string} hypothesis
 * @param {string} reference
 * @param {ChrFOptions} [options]
 * @returns {number}
 */
export function chrF(hypothesis, reference, options) {
  const settled = settle(options);
  return fScore(sentenceStatistics(asString(hypothesis, 'hypothesis'), asString(reference, 'reference'), settled), settled.beta);
}

/**
 * Corpus-level chrF, 0–100, as sacrebleu's `CHRF(...).corpus_score(hypotheses, [references]).score`:
 * the counts of all sentences are summed before precision and recall are taken, so it is not the
 * mean of the sentence scores (long sentences weigh more).
 * @param {readonly string[]} hypotheses
 * @param {readonly string[]} references One reference per hypothesis, in the same order.
 * @param {ChrFOptions} [options]
 * @returns {number}
 */
export function corpusChrF(hypotheses, references, options) {
  const settled = settle(options);
  if (!Array.isArray(hypotheses) || !Array.isArray(references)) throw new TypeError('hypotheses and references must be arrays of strings');
  // sacrebleu zips the two and silently drops the tail of the longer; a length mismatch here is
  // far more likely a bug in the bench than an intent, so it is refused.
  if (hypotheses.length !== references.length) {
    throw new RangeError(`${hypotheses.length} hypotheses but ${references.length} references`);
  }
  if (hypotheses.length === 0) throw new RangeError('a corpus needs at least one sentence');
  /** @type {ChrFStatistics} */
  const totals = new Array(3 * (settled.charOrder + settled.wordOrder)).fill(0);
  hypotheses.forEach((hypothesis, index) => {
    const statistics = sentenceStatistics(asString(hypothesis, `hypothesis ${index}`), asString(references[index], `reference ${index}`), settled);
    statistics.forEach((value, i) => {
      totals[i] += value;
    });
  });
  return fScore(totals, settled.beta);
}
