import { describe, expect, it } from 'vitest';
import {
  WHISPER_MAX_NEW_TOKENS,
  cutRepetitions,
  endsInTokenLoop,
  filterTranscript,
  isPhantom,
  maxNewTokens,
  transcribeTimeoutMs,
} from '../../src/translate/transcript-filters.js';

const silence = { seconds: 3, voicedSeconds: 0 };
const speech = { seconds: 3, voicedSeconds: 1.4 };

describe('the token budget of one decode', () => {
  it('grows with the audio: 8 tokens a second plus 10', () => {
    expect(maxNewTokens(1)).toBe(18);
    expect(maxNewTokens(2.5)).toBe(30);
    expect(maxNewTokens(20)).toBe(170);
  });

  it("stops at Whisper's own 224 however long the audio", () => {
    expect(maxNewTokens(30)).toBe(WHISPER_MAX_NEW_TOKENS);
    expect(maxNewTokens(600)).toBe(224);
  });

  it('keeps a short utterance far from the 448 tokens a loop could run to', () => {
    expect(maxNewTokens(2)).toBeLessThan(30);
    expect(maxNewTokens(0)).toBe(10);
  });

  it('lets longer audio take longer before the recogniser is taken to be stuck', () => {
    expect(transcribeTimeoutMs(2)).toBeGreaterThanOrEqual(15_000);
    expect(transcribeTimeoutMs(20)).toBeGreaterThan(transcribeTimeoutMs(2));
    expect(transcribeTimeoutMs(45)).toBeGreaterThan(transcribeTimeoutMs(25));
  });
});

describe('repetition loops', () => {
  it('cut a sentence said over and over to one copy', () => {
    expect(cutRepetitions('Thank you. Thank you. Thank you. Thank you. Thank you.')).toEqual({ text: 'Thank you.', cut: true });
  });

  it('cut a phrase repeated three times inside speech, keeping what follows', () => {
    expect(cutRepetitions('I think I think I think we should go.').text).toBe('I think we should go.');
  });

  it('cut one word said four times or more', () => {
    expect(cutRepetitions('We went home and and and and then slept.').text).toBe('We went home and then slept.');
  });

  it('compare words without case or punctuation', () => {
    expect(cutRepetitions('Go on, go on. Go on! go on').text).toBe('Go on,');
  });

  it('cut loops in scripts written without spaces', () => {
    expect(cutRepetitions('ありがとうありがとうありがとうありがとう').text).toBe('ありがとう');
    expect(cutRepetitions('我们走吧我们走吧我们走吧').text).toBe('我们走吧');
  });

  it('leave ordinary speech alone, a word said three times included', () => {
    for (const text of ['No, no, no, I said the blue one.', 'The cat sat on the mat. The dog sat on the log.', 'Ha ha ha, very funny.', 'Very very good.']) {
      expect(cutRepetitions(text)).toEqual({ text, cut: false });
    }
  });
});

describe('stopping a decode that loops', () => {
  it('stops on one token repeated 16 times, not 15', () => {
    expect(endsInTokenLoop([7, 8, ...Array(16).fill(5)])).toBe(true);
    expect(endsInTokenLoop([7, 8, ...Array(15).fill(5)])).toBe(false);
  });

  it('stops on a phrase repeated four times, not three', () => {
    const phrase = [11, 12, 13, 14, 15];
    expect(endsInTokenLoop([1, 2, ...phrase, ...phrase, ...phrase, ...phrase])).toBe(true);
    expect(endsInTokenLoop([1, 2, ...phrase, ...phrase, ...phrase])).toBe(false);
  });

  it('lets ordinary text run on', () => {
    expect(endsInTokenLoop(Array.from({ length: 200 }, (_, i) => 100 + i))).toBe(false);
    expect(endsInTokenLoop([])).toBe(false);
  });
});

describe('phantom phrases', () => {
  it('are dropped when they come from silence', () => {
    expect(filterTranscript('Thank you.', silence)).toEqual({ text: '', loopCut: false, droppedPhantom: 'Thank you.' });
    expect(filterTranscript(' you', silence).text).toBe('');
    expect(filterTranscript('Thanks for watching! Bye.', silence).text).toBe('');
    expect(filterTranscript('Subtitles by the Amara.org community', silence).text).toBe('');
    expect(filterTranscript('Untertitel im Auftrag des ZDF, 2021', silence).text).toBe('');
    expect(filterTranscript('ご視聴ありがとうございました', silence).text).toBe('');
    expect(filterTranscript('Gracias.', silence).text).toBe('');
  });

  it('are kept when a person said them', () => {
    expect(filterTranscript('Thank you.', speech, 0.05)).toEqual({ text: 'Thank you.', loopCut: false });
    expect(filterTranscript('Grazie.', speech).text).toBe('Grazie.');
  });

  it('are dropped in noise that Whisper itself judges not to be speech', () => {
    expect(filterTranscript('Thank you.', speech, 0.8).text).toBe('');
  });

  it('never take real words with them', () => {
    expect(filterTranscript('Thank you for the report, it helped a lot.', silence).text).toBe('Thank you for the report, it helped a lot.');
    expect(filterTranscript('We bought bread. Thank you.', speech).text).toBe('We bought bread. Thank you.');
    expect(isPhantom('We bought bread. Thank you.')).toBe(false);
  });

  it('include punctuation alone and sound descriptions, dropped even with sound', () => {
    for (const text of ['.', '...', '♪', '[Music]', '(upbeat music)', '[BLANK_AUDIO]', '*laughs*']) {
      expect(filterTranscript(text, speech).text, text).toBe('');
    }
  });

  it('are judged after a loop is cut', () => {
    expect(filterTranscript('Thank you. Thank you. Thank you. Thank you.', silence)).toEqual({ text: '', loopCut: true, droppedPhantom: 'Thank you.' });
  });
});
