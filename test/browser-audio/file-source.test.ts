/** The file source's own behaviour: bad input, pacing, stopping, channels and sample rates. */
import { expect } from '@open-wc/testing';
import { utils } from '@ricky0123/vad-web';
import { decodeToSpeechRate } from '../../src/translate/audio/decode-audio.js';
import { FileSource } from '../../src/translate/audio/file-source.js';
import { waitFor } from '../support/dom.js';
import { recordEvents, sleep, speechFixture } from './record-events.js';

/** A WAV of the given channels (each a function of time in seconds), as 32-bit float. */
function toneWav(sampleRate: number, seconds: number, channels: ((t: number) => number)[]): Blob {
  const frames = Math.round(sampleRate * seconds);
  const interleaved = new Float32Array(frames * channels.length);
  for (let i = 0; i < frames; i++) channels.forEach((channel, c) => (interleaved[i * channels.length + c] = channel(i / sampleRate)));
  return new Blob([utils.encodeWAV(interleaved, 3, sampleRate, channels.length, 32)], { type: 'audio/wav' });
}

const rms = (samples: Float32Array, from = 0, to = samples.length) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / (to - from));
};

describe('the file source', () => {
  it('reports a file that is not audio as file-unreadable, naming the file', async () => {
    const notAudio = new File(['these are meeting notes, not sound'], 'notes.wav', { type: 'audio/wav' });
    const recording = recordEvents();
    const source = new FileSource(notAudio);

    await source.start(recording.listener);
    await source.finished;

    expect(recording.errors.map((e) => e.code)).to.deep.equal(['file-unreadable']);
    expect(recording.errors[0].message).to.include('notes.wav');
    expect(recording.errors[0].hint).to.match(/WAV, MP3 or OGG/);
    expect(recording.segments).to.have.length(0);
  });

  it('reports a URL that cannot be downloaded as file-unreadable, with the HTTP status', async () => {
    const recording = recordEvents();
    const source = new FileSource('/fixtures/speech/no-such-file.wav');

    await source.start(recording.listener);
    await source.finished;

    expect(recording.errors.map((e) => e.code)).to.deep.equal(['file-unreadable']);
    expect(recording.errors[0].message).to.include('HTTP 404');
  });

  it('turns a stereo 44.1 kHz file into 16 kHz mono, mixing the channels', async () => {
    const leftOnly = toneWav(44100, 1, [(t) => 0.5 * Math.sin(2 * Math.PI * 440 * t), () => 0]);

    const audio = await decodeToSpeechRate(await leftOnly.arrayBuffer());

    expect(audio.length).to.equal(16000);
    // Stereo to mono is (L + R) / 2: a 0.5 sine in one channel becomes a 0.25 sine (RMS 0.177).
    expect(rms(audio, 800, 15200)).to.be.closeTo(0.25 / Math.SQRT2, 0.01);
  });

  it('filters out sound above 8 kHz rather than folding it into the speech band', async () => {
    // 12 kHz cannot exist at 16 kHz. decodeAudioData's band-limited resampler removes it; playing a
    // 48 kHz buffer through a 16 kHz OfflineAudioContext would not (measured in Chromium: the tone
    // comes out at full strength, folded down to 4 kHz, in the middle of the speech band).
    const whistle = toneWav(48000, 1, [(t) => 0.5 * Math.sin(2 * Math.PI * 12000 * t)]);

    const audio = await decodeToSpeechRate(await whistle.arrayBuffer());

    expect(rms(audio, 800, 15200)).to.be.lessThan(0.01);
  });

  it('with realTime, reports speech no sooner than it would have been heard', async () => {
    const fixture = await speechFixture();
    const recording = recordEvents();
    const source = new FileSource(fixture.url, { realTime: true });
    const began = performance.now();

    await source.start(recording.listener);
    await waitFor(() => recording.starts.length > 0, 'the first speech start', 20_000);
    await source.stop();
    await source.finished;

    // The first sentence starts 1 s into the file; it is confirmed after minSpeechMs of speech.
    const { atMs, at } = recording.starts[0];
    expect(atMs).to.be.closeTo(fixture.speech[0].startMs, 96);
    expect(at - began).to.be.greaterThan(atMs + 200);
    expect(recording.segments).to.have.length(0); // stopped long before the first sentence ended
  });

  it('stops at once when asked, even mid-file, and reports nothing after', async () => {
    const fixture = await speechFixture();
    const recording = recordEvents();
    const source = new FileSource(fixture.url, { realTime: true });
    await source.start(recording.listener);
    await sleep(300);

    const asked = performance.now();
    await source.stop();
    await source.finished;
    const stoppedAfter = performance.now() - asked;
    const reported = recording.order.length;
    await sleep(1500);

    expect(stoppedAfter).to.be.lessThan(500);
    expect(recording.order.length).to.equal(reported);
    expect(recording.errors).to.deep.equal([]);
  });

  it('keeps going when the listener throws', async () => {
    const fixture = await speechFixture();
    const recording = recordEvents();
    const source = new FileSource(fixture.url);
    const originalError = console.error;
    console.error = () => {}; // the source logs each throw; keep the test output readable

    try {
      await source.start({
        ...recording.listener,
        speechStart: (atMs) => {
          recording.listener.speechStart!(atMs);
          throw new Error('a caption renderer bug');
        },
      });
      await source.finished;
    } finally {
      console.error = originalError;
    }

    expect(recording.starts).to.have.length(2);
    expect(recording.segments).to.have.length(2);
  });
});
