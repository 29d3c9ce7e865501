import { describe, expect, it } from 'vitest';
import {
  LocalAgreement,
  TranslationCommitter,
  captionTokens,
  endsWithSentencePunctuation,
  normalizedErasure,
  type CaptionSnapshot,
} from '../../src/translate/commit-policy.js';

/** Feed hypotheses in order and keep every snapshot the UI would have rendered. */
function recognise(hypotheses: readonly string[]): { speech: LocalAgreement; snapshots: CaptionSnapshot[] } {
  const speech = new LocalAgreement();
  const snapshots = hypotheses.map((hypothesis) => speech.update(hypothesis));
  return { speech, snapshots };
}

describe('captionTokens', () => {
  it('splits words on whitespace and punctuation off the edges of words', () => {
    expect(captionTokens('  "Don\'t go home," she said.  ')).toEqual(['"', "Don't", 'go', 'home', ',"', 'she', 'said', '.']);
  });

  it('splits Chinese and Japanese into characters and keeps spaced words in between whole', () => {
    expect(captionTokens('我用 iPhone 拍照。これは')).toEqual(['我', '用', 'iPhone', '拍', '照', '。', 'こ', 'れ', 'は']);
  });
});

describe('endsWithSentencePunctuation', () => {
  it.each(['Go home.', 'Home?', 'Home!', '回家。', '回家？', '回家！', 'He said "go."', 'Wait…'])('is true for %s', (text) => {
    expect(endsWithSentencePunctuation(text)).toBe(true);
  });

  it.each(['Go home', 'Go home,', '回家', '3.5 kilos', ''])('is false for "%s"', (text) => {
    expect(endsWithSentencePunctuation(text)).toBe(false);
  });
});

describe('LocalAgreement', () => {
  it('shows a first hypothesis entirely as the uncommitted tail', () => {
    const speech = new LocalAgreement();

    const snapshot = speech.update('I want');

    expect(snapshot).toEqual({ committed: '', tail: 'I want' });
  });

  it('commits what the last two hypotheses agree on, growing and never shrinking', () => {
    const { snapshots } = recognise(['I', 'I want', 'I want to go', 'I want to go home']);

    expect(snapshots.map((s) => s.committed)).toEqual(['', 'I', 'I want', 'I want to go']);
    expect(snapshots.map((s) => s.tail)).toEqual(['I', ' want', ' to go', ' home']);
  });

  it('keeps the committed prefix when a later hypothesis revises the tail', () => {
    const { speech } = recognise(['I', 'I want', 'I want a', 'I want to go']);

    expect(speech.snapshot).toEqual({ committed: 'I want', tail: ' to go' });
  });

  it('counts a revised tail word as erasure over the final length', () => {
    const { speech } = recognise(['I', 'I want', 'I want a', 'I want to go', 'I want to go home']);

    expect(speech.erasure).toEqual({ erasedTokens: 1, displayedTokens: 5, normalized: 0.2 });
  });

  it('has no erasure when every hypothesis extends the one before', () => {
    const { speech } = recognise(['I', 'I want', 'I want to go', 'I want to go home']);
    speech.finalize('I want to go home.');

    expect(speech.erasure.normalized).toBe(0);
  });

  it('never un-commits when a re-decoding rewords committed words', () => {
    const { speech } = recognise(['I want to go', 'I want to go now', 'I wanna go home']);

    expect(speech.snapshot).toEqual({ committed: 'I want to go', tail: ' home' });
  });

  it('reads a hypothesis with inserted punctuation from where the committed words end', () => {
    const { speech } = recognise(['So the meeting is', 'So the meeting has', 'So, the meeting has been moved']);

    expect(speech.snapshot).toEqual({ committed: 'So the meeting has', tail: ' been moved' });
  });

  it('treats a full stop added to the last word as agreement on the word', () => {
    const { speech } = recognise(['I went home', 'I went home.']);

    expect(speech.snapshot).toEqual({ committed: 'I went home', tail: '.' });
  });

  it('commits everything on finalize', () => {
    const { speech } = recognise(['I', 'I want', 'I want to go']);

    const snapshot = speech.finalize('I want to go home.');

    expect(snapshot).toEqual({ committed: 'I want to go home.', tail: '' });
    expect(speech.finished).toBe(true);
  });

  it('lets the final text win over contradicting committed text and counts what it removed', () => {
    const { speech } = recognise(['I want to go', 'I want to go now']);

    speech.finalize('I wanted to go home');

    expect(speech.committed).toBe('I wanted to go home');
    expect(speech.erasure).toEqual({ erasedTokens: 4, displayedTokens: 5, normalized: 0.8 });
  });

  it('commits the current display when finalized without a final text', () => {
    const { speech } = recognise(['I want', 'I want to go']);

    speech.finalize();

    expect(speech.snapshot).toEqual({ committed: 'I want to go', tail: '' });
  });

  it('ignores a partial that arrives after finalize', () => {
    const speech = new LocalAgreement();
    speech.finalize('I want to go home.');

    speech.update('I want');

    expect(speech.snapshot).toEqual({ committed: 'I want to go home.', tail: '' });
  });

  it('agrees per character on Chinese', () => {
    const { speech, snapshots } = recognise(['我', '我想', '我想去', '我想回家']);

    expect(snapshots.map((s) => s.committed)).toEqual(['', '我', '我想', '我想']);
    expect(speech.tail).toBe('回家');
  });

  it('counts erasure in characters on Chinese', () => {
    const { speech } = recognise(['我', '我想', '我想去', '我想回家']);

    speech.finalize('我想回家。');

    expect(speech.erasure).toEqual({ erasedTokens: 1, displayedTokens: 5, normalized: 0.2 });
  });

  it('agrees on spaced words inside Chinese text', () => {
    const { speech } = recognise(['我用', '我用 iPhone', '我用 iPhone 拍照']);

    expect(speech.snapshot).toEqual({ committed: '我用 iPhone', tail: ' 拍照' });
  });

  it('commits nothing and has high erasure when hypotheses flip-flop', () => {
    const { speech } = recognise(['the cat sat', 'a cat sat', 'the cat sat', 'a cat sat']);

    expect(speech.committed).toBe('');
    expect(speech.erasure.normalized).toBe(3);
  });

  it('returns the same frozen snapshot while the caption does not change', () => {
    const speech = new LocalAgreement();
    speech.update('I want');
    const first = speech.update('I want');

    const second = speech.update('I  want ');

    expect(second).toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
  });
});

describe('TranslationCommitter', () => {
  it('commits the common prefix of the last two translations and shows the rest as the tail', () => {
    const captions = new TranslationCommitter();
    captions.apply(captions.request('I want'), 'Je veux');

    captions.apply(captions.request('I want to go'), 'Je veux aller');

    expect(captions.snapshot).toEqual({ committed: 'Je veux', tail: ' aller' });
  });

  it('ignores a stale result that arrives after a newer one', () => {
    const captions = new TranslationCommitter();
    const older = captions.request('I want');
    const newer = captions.request('I want to go');
    captions.apply(newer, 'Je veux aller');
    const before = captions.snapshot;

    const applied = captions.apply(older, 'Je veux');

    expect(applied).toBe(false);
    expect(captions.snapshot).toBe(before);
    expect(captions.erasure.erasedTokens).toBe(0);
  });

  it('shows an older result while no newer one has arrived', () => {
    const captions = new TranslationCommitter();
    const older = captions.request('I want');
    captions.request('I want to go');

    const applied = captions.apply(older, 'Je veux');

    expect(applied).toBe(true);
    expect(captions.tail).toBe('Je veux');
  });

  it.each(['I went home.', 'Did I go home?', 'Go home!', '我回家了。', '你回家吗？', '回家！'])(
    'commits the whole translation once the source ends a sentence: %s',
    (source) => {
      const captions = new TranslationCommitter();

      captions.apply(captions.request(source), 'Je rentre.');

      expect(captions.snapshot).toEqual({ committed: 'Je rentre.', tail: '' });
    },
  );

  it('keeps a lone translation uncommitted while its source sentence is unfinished', () => {
    const captions = new TranslationCommitter();

    captions.apply(captions.request('I went home and'), 'Je suis rentré et');

    expect(captions.snapshot).toEqual({ committed: '', tail: 'Je suis rentré et' });
  });

  it('lets the end-of-speech translation replace committed text and counts what it removed', () => {
    const captions = new TranslationCommitter();
    captions.apply(captions.request('I want to go'), 'Je veux aller');
    captions.apply(captions.request('I want to go'), 'Je veux aller');

    captions.apply(captions.request('I wanted to go home', { endOfSpeech: true }), 'Je voulais rentrer');

    expect(captions.snapshot).toEqual({ committed: 'Je voulais rentrer', tail: '' });
    expect(captions.finished).toBe(true);
    expect(captions.erasure).toEqual({ erasedTokens: 2, displayedTokens: 3, normalized: 2 / 3 });
  });

  it('commits the latest translation on finalize and ignores results after it', () => {
    const captions = new TranslationCommitter();
    captions.apply(captions.request('I want'), 'Je veux');
    const late = captions.request('I want to go');

    captions.finalize();

    expect(captions.apply(late, 'Je veux aller')).toBe(false);
    expect(captions.snapshot).toEqual({ committed: 'Je veux', tail: '' });
  });

  it('refuses a result for a request it never numbered', () => {
    const captions = new TranslationCommitter();

    expect(() => captions.apply(7, 'Je veux')).toThrow(RangeError);
  });
});

describe('normalizedErasure', () => {
  it('is 0 for displays that only grow', () => {
    expect(normalizedErasure(['I', 'I want', 'I want to go', 'I want to go home'])).toBe(0);
  });

  it('counts tokens deleted from the end of each display, over the final length', () => {
    expect(normalizedErasure(['I want a', 'I want to go'])).toBe(1 / 4);
  });

  it('does not count the last word growing while a model streams it', () => {
    expect(normalizedErasure(['Hel', 'Hello', 'Hello wor', 'Hello world'])).toBe(0);
  });

  it('counts characters for Chinese', () => {
    expect(normalizedErasure(['我想去', '我想回家'])).toBe(1 / 4);
  });

  it('is high for a stream that flip-flops between two readings', () => {
    expect(normalizedErasure(['yes it is', 'no it is not', 'yes it is', 'no it is not'])).toBe(10 / 4);
  });
});
