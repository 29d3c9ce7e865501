/**
 * How a Whisper decode is steered (language chosen among the allowed ones, no-speech probability,
 * forced control tokens, loops stopped) and how the audio is prepared (voice measured, silence
 * trimmed, long audio split), with a miniature vocabulary and a greedy loop shaped like
 * transformers.js's `generate`. test/browser/recognizer.test.ts runs the same steps inside the
 * installed transformers.js's own loop.
 */
import { describe, expect, it } from 'vitest';
import { speechEvidence, splitIntoWindows, trimSilence, WHISPER_SAMPLE_RATE } from '../../src/translate/whisper-audio.js';
import {
  controlTokenCount,
  decoderPrefix,
  decoderPrefixWithText,
  promptBudget,
  WhisperDecodeSteps,
  type WhisperTokens,
} from '../../src/translate/whisper-decoding.js';

const VOCAB = 70;
const tokens: WhisperTokens = {
  endOfText: 50,
  startOfTranscript: 51,
  languages: new Map([
    ['en', 52],
    ['de', 53],
    ['fr', 54],
  ]),
  transcribe: 55,
  noSpeech: 56,
  noTimestamps: 57,
  startOfPrevious: 58,
  suppress: [9, 55, 56],
  beginSuppress: [1, 50],
  maxTargetPositions: 448,
};
const ALL_LANGUAGES = [52, 53, 54];

/** Greedy decoding as transformers.js does it: processor over the logits, then the highest score. */
function decode(
  prefix: number[],
  steps: WhisperDecodeSteps,
  scores: (position: number) => Partial<Record<number, number>>,
  maxNewTokens = 40,
): { sequence: number[]; seen: Float32Array[] } {
  const ids = prefix.map(BigInt);
  const seen: Float32Array[] = [];
  for (let position = 0; position < maxNewTokens; position++) {
    const row = new Float32Array(VOCAB);
    for (const [token, score] of Object.entries(scores(position))) row[Number(token)] = score ?? 0;
    steps.processor([ids], { 0: { data: row } });
    seen.push(row);
    let best = 0;
    for (let t = 1; t < VOCAB; t++) if (row[t] > row[best]) best = t;
    ids.push(BigInt(best));
    if (best === tokens.endOfText) break;
  }
  return { sequence: ids.map(Number), seen };
}

/** Text positions after language, <|transcribe|> and <|notimestamps|>. */
const text = (position: number) => position - 3;

describe('a Whisper decode, step by step', () => {
  it('detects the language from the audio: the language token Whisper scores highest', () => {
    const steps = new WhisperDecodeSteps(tokens, 1, { languageIds: ALL_LANGUAGES });
    const { sequence } = decode([51], steps, (p) => (p === 0 ? { 52: 1, 53: 4, 54: 2, 20: 9 } : text(p) < 2 ? { [20 + text(p)]: 5 } : { 50: 5 }));

    const result = steps.read(sequence);

    expect(result.languageId).toBe(53);
    expect(result.textTokens).toEqual([20, 21]);
    expect(result.languageProbability).toBeGreaterThan(0.8);
  });

  it('chooses only between the two languages of a conversation', () => {
    const steps = new WhisperDecodeSteps(tokens, 1, { languageIds: [52, 54] });
    const { sequence } = decode([51], steps, (p) => (p === 0 ? { 52: 1, 53: 9, 54: 2 } : { 50: 5 }));

    expect(steps.read(sequence).languageId).toBe(54);
  });

  it('transcribes in the given language whatever Whisper hears', () => {
    const steps = new WhisperDecodeSteps(tokens, 1, { languageIds: [52] });
    const { sequence } = decode([51], steps, (p) => (p === 0 ? { 53: 9 } : { 50: 5 }));

    const result = steps.read(sequence);
    expect(result.languageId).toBe(52);
    expect(result.languageProbability).toBeUndefined();
  });

  it('forces <|transcribe|> and <|notimestamps|> after the language', () => {
    const steps = new WhisperDecodeSteps(tokens, 1, { languageIds: ALL_LANGUAGES });
    const { sequence } = decode([51], steps, () => ({ 54: 1, 50: 3, 30: 8 }), 4);

    expect(sequence.slice(0, 4)).toEqual([51, 54, 55, 57]);
  });

  it("reads the no-speech probability before the model's suppress list hides it", () => {
    const steps = new WhisperDecodeSteps(tokens, 1, { languageIds: ALL_LANGUAGES });
    const { sequence } = decode([51], steps, (p) => (p === 0 ? { 56: 10, 52: 1 } : { 50: 5 }));

    expect(steps.read(sequence).noSpeechProbability).toBeGreaterThan(0.99);
    expect(sequence).not.toContain(56);
  });

  it('never lets the text start with a blank or end at once, and suppresses symbols throughout', () => {
    const steps = new WhisperDecodeSteps(tokens, 1, { languageIds: [52] });
    const { sequence } = decode([51], steps, (p) => ({ 50: 9, 1: 8, 9: 7, [20 + Math.max(0, text(p))]: 6 }));

    expect(sequence).toEqual([51, 52, 55, 57, 20, 50]);
  });

  it('ends a decode that loops instead of running to its token budget', () => {
    const steps = new WhisperDecodeSteps(tokens, 1, { languageIds: [52] });
    const { sequence } = decode([51], steps, () => ({ 30: 5, 52: 1 }), 200);

    const result = steps.read(sequence);
    expect(result.loopStopped).toBe(true);
    expect(result.textTokens).toHaveLength(16);
    expect(sequence.at(-1)).toBe(tokens.endOfText);
  });

  it('ends the decode at the next step once the caller gives up', () => {
    let giveUp = false;
    const steps = new WhisperDecodeSteps(tokens, 1, { languageIds: [52], stopRequested: () => giveUp });
    const { sequence } = decode([51], steps, (p) => {
      if (text(p) === 3) giveUp = true;
      return { [20 + Math.max(0, text(p))]: 5 };
    });

    const result = steps.read(sequence);
    expect(result.stopped).toBe(true);
    expect(result.textTokens).toEqual([20, 21, 22]);
  });

  it('follows a prompt of earlier text and reads only what comes after it', () => {
    const prefix = decoderPrefix(tokens, [40, 41, 42]);
    expect(prefix).toEqual([58, 40, 41, 42, 51]);
    const steps = new WhisperDecodeSteps(tokens, prefix.length, { languageIds: [53] });
    const { sequence } = decode(prefix, steps, (p) => (text(p) === 0 ? { 43: 5 } : { 50: 5 }));

    expect(steps.read(sequence).textTokens).toEqual([43]);
  });

  it('starts from known text read in one pass with the control tokens, and decodes only what follows', () => {
    const prefix = decoderPrefixWithText(tokens, 53, [40, 41]);
    expect(prefix).toEqual([51, 53, 55, 57, 40, 41]);
    const steps = new WhisperDecodeSteps(tokens, prefix.length, { languageIds: [53], knownTextTokens: 2 });

    const { sequence, seen } = decode(prefix, steps, (p) => (p === 0 ? { 42: 5 } : { 50: 5 }));

    expect(seen, 'a step for the new word and one for the end').toHaveLength(2);
    expect(steps.read(sequence)).toMatchObject({ textTokens: [40, 41, 42], languageId: 53 });
  });

  it('puts a prompt of earlier text before the known text', () => {
    expect(decoderPrefixWithText(tokens, 53, [40], [30, 31])).toEqual([58, 30, 31, 51, 53, 55, 57, 40]);
  });

  it('may end right after the known text: it is not the start of the text, which may not end at once', () => {
    const prefix = decoderPrefixWithText(tokens, 53, [40, 41]);
    const steps = new WhisperDecodeSteps(tokens, prefix.length, { languageIds: [53], knownTextTokens: 2 });

    const { sequence } = decode(prefix, steps, () => ({ 50: 5 }));

    expect(steps.read(sequence).textTokens).toEqual([40, 41]);
  });

  it('leaves room in the 448-token context for the text budget', () => {
    expect(controlTokenCount(tokens)).toBe(3);
    expect(promptBudget(tokens, 224)).toBe(448 - 2 - 3 - 224);
    expect(promptBudget(tokens, 20)).toBe(223);
  });

  it('works for an English-only model: no language step, only <|notimestamps|> forced', () => {
    const english = { ...tokens, languages: new Map<string, number>(), transcribe: undefined };
    const steps = new WhisperDecodeSteps(english, 1, { languageIds: [] });
    const { sequence } = decode([51], steps, (p) => (p === 1 ? { 25: 5 } : { 50: 4, 25: 1 }));

    expect(sequence).toEqual([51, 57, 25, 50]);
    expect(steps.read(sequence)).toMatchObject({ languageId: undefined, textTokens: [25] });
  });
});

const seconds = (s: number) => Math.round(s * WHISPER_SAMPLE_RATE);
/** A 220 Hz tone standing in for voice, at `amplitude`. */
function voice(length: number, amplitude = 0.1): Float32Array {
  return Float32Array.from({ length: seconds(length) }, (_, i) => amplitude * Math.sin((2 * Math.PI * 220 * i) / WHISPER_SAMPLE_RATE));
}
function join(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
const quiet = (length: number) => voice(length, 0.0005);

describe('the audio Whisper is given', () => {
  it('counts the voiced time, not the silence around it', () => {
    const evidence = speechEvidence(join(quiet(1), voice(1.2), quiet(2)));
    expect(evidence.seconds).toBeCloseTo(4.2, 1);
    expect(evidence.voicedSeconds).toBeCloseTo(1.2, 1);
    expect(speechEvidence(quiet(3)).voicedSeconds).toBe(0);
  });

  it('has its silent edges trimmed to 0.3 s around the voice', () => {
    const trimmed = trimSilence(join(quiet(2), voice(1), quiet(3)));
    expect(trimmed.length / WHISPER_SAMPLE_RATE).toBeCloseTo(1.6, 1);
  });

  it('is left whole when nothing in it is voiced', () => {
    const silent = quiet(2);
    expect(trimSilence(silent)).toBe(silent);
  });

  it('is split into windows Whisper hears whole, at the pauses, when longer than 30 s', () => {
    const audio = join(voice(27), quiet(0.5), voice(27), quiet(0.5), voice(15));

    const windows = splitIntoWindows(audio);

    expect(windows.map((w) => w.length / WHISPER_SAMPLE_RATE).every((s) => s <= 30)).toBe(true);
    expect(windows.reduce((n, w) => n + w.length, 0)).toBe(audio.length);
    expect(windows[0].length / WHISPER_SAMPLE_RATE).toBeCloseTo(27.25, 0);
    expect(windows).toHaveLength(3);
  });

  it('is one window up to 30 s', () => {
    expect(splitIntoWindows(voice(30))).toHaveLength(1);
  });
});
