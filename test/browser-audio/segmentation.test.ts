/**
 * The real Silero v5 model on the fixture the fake microphone plays: two sentences spoken by
 * espeak-ng with exactly one second of silence between them (see test/support/speech-fixtures.mjs).
 * The microphone and the file source each hear it once, in `before`; the tests read what they
 * reported.
 */
import { expect } from '@open-wc/testing';
import { FileSource } from '../../src/translate/audio/file-source.js';
import { MicrophoneSource } from '../../src/translate/audio/microphone-source.js';
import {
  CAPTION_VAD_TUNING,
  FRAME_SAMPLES,
  MS_PER_FRAME,
  PRE_SPEECH_PAD_FRAMES,
  TRAILING_SILENCE_KEPT_FRAMES,
} from '../../src/translate/audio/vad-tuning.js';
import { SPEECH_SAMPLE_RATE } from '../../src/translate/types.js';
import { waitFor } from '../support/dom.js';
import { recordEvents, sleep, speechFixture, type Recording, type SpeechFixtureLayout } from './record-events.js';

const PAD_MS = PRE_SPEECH_PAD_FRAMES * MS_PER_FRAME;
const REDEMPTION_MS = Math.floor(CAPTION_VAD_TUNING.redemptionMs / MS_PER_FRAME) * MS_PER_FRAME;
/** What a segment keeps of the silence after its last voiced frame. */
const TAIL_MS = TRAILING_SILENCE_KEPT_FRAMES * MS_PER_FRAME;
/**
 * Three 32 ms frames. Silero decides per frame, so a boundary is on the frame grid (up to one frame
 * off the true instant), and its probability rises or falls over a frame or two at the edges of
 * speech (measured here: onsets 30–56 ms late, ends 38 ms after the redemption time).
 */
const FRAME_TOLERANCE_MS = 3 * MS_PER_FRAME;

describe('cutting speech at pauses, with the real Silero model', () => {
  let fixture: SpeechFixtureLayout;
  let mic: Recording;
  let file: Recording;

  before(async function () {
    this.timeout(120_000);
    fixture = await speechFixture();

    const microphone = new MicrophoneSource();
    // Loaded beforehand, so capture begins right after getUserMedia starts the fake device's file.
    await microphone.prepare();
    mic = recordEvents();
    await microphone.start(mic.listener);
    await waitFor(() => mic.segments.length >= 2 || mic.errors.length > 0, 'two utterances from the microphone', fixture.durationMs + 20_000);
    await sleep(1500); // anything more (a third segment) would show up now; after the file the device is silent
    await microphone.stop();

    file = recordEvents();
    const source = new FileSource(fixture.url);
    await source.start(file.listener);
    await source.finished;
  });

  it('the microphone finds exactly two utterances, split at the one-second pause', () => {
    const [pause] = fixture.pauses;

    expect(mic.errors).to.deep.equal([]);
    expect(mic.segments).to.have.length(2);
    const [first, second] = mic.segments;
    // Capture time runs behind file time by however long the fake device played before the first
    // frame reached Silero (longer on a busy machine). Take that lag from the first onset, then the
    // end of the first utterance (its ~400 ms end-of-speech wait included) and the start of the
    // second (its 192 ms pad included) must both fall inside the pause.
    const lag = fixture.speech[0].startMs - (first.startMs + PAD_MS);
    expect(lag).to.be.within(-FRAME_TOLERANCE_MS, fixture.speech[0].startMs - PAD_MS);
    expect(first.endMs + lag).to.be.greaterThan(pause.startMs).and.lessThan(pause.endMs);
    expect(second.startMs + lag).to.be.greaterThan(pause.startMs).and.lessThan(pause.endMs);
    expect(second.startMs).to.be.greaterThan(first.endMs);
    console.log(
      `microphone: [${first.startMs}, ${first.endMs}] [${second.startMs}, ${second.endMs}] ms; ` +
        `pause [${pause.startMs.toFixed(0)}, ${pause.endMs.toFixed(0)}] ms of file time`,
    );
  });

  it('the file source puts the boundaries where the speech and the pause really are', () => {
    const [one, two] = fixture.speech;

    expect(file.errors).to.deep.equal([]);
    expect(file.segments).to.have.length(2);
    const [first, second] = file.segments;
    // Starts: the onset frame, less the pre-speech pad. Ends: the last speech, plus the short tail of
    // silence a segment keeps (the rest of the wait that ended it is trimmed). File time is exact, so
    // these are tight.
    expect(first.startMs + PAD_MS).to.be.closeTo(one.startMs, FRAME_TOLERANCE_MS);
    expect(second.startMs + PAD_MS).to.be.closeTo(two.startMs, FRAME_TOLERANCE_MS);
    expect(first.endMs - TAIL_MS).to.be.closeTo(one.endMs, FRAME_TOLERANCE_MS);
    expect(second.endMs - TAIL_MS).to.be.closeTo(two.endMs, FRAME_TOLERANCE_MS);
    console.log(`file: [${first.startMs}, ${first.endMs}] [${second.startMs}, ${second.endMs}] ms`);
  });

  it('the file source gives the same two segments as the microphone', () => {
    expect(file.segments).to.have.length(2);
    expect(mic.segments).to.have.length(2);
    // The one unknown: how far into the file capture began. Take it from the first start, then every
    // other boundary must agree. The microphone path adds the browser's voice processing (gain
    // control lifts a soft onset) and a frame grid at another phase, so allow three frames.
    const lag = file.segments[0].startMs - mic.segments[0].startMs;
    expect(lag).to.be.within(0, fixture.speech[0].startMs - PAD_MS);
    const aligned = mic.segments.map((s) => [s.startMs + lag, s.endMs + lag]).flat();
    const expected = file.segments.map((s) => [s.startMs, s.endMs]).flat();
    aligned.forEach((ms, i) => expect(ms).to.be.closeTo(expected[i], FRAME_TOLERANCE_MS));
    console.log(`capture began ${lag} ms into the file`);
  });

  it('reports start, partials about once a second, and end, for one utterance at a time', () => {
    for (const run of [mic, file]) {
      expect(run.order.join(' ')).to.match(/^start (partial )+end start (partial )+end$/);
      expect(run.segments.map((s) => s.id)).to.deep.equal([1, 2]);
      for (const segment of run.segments) {
        const partials = run.partials.filter((p) => p.segmentId === segment.id);
        const seconds = segment.audio.length / SPEECH_SAMPLE_RATE;
        expect(partials.length).to.be.within(Math.floor(seconds) - 1, Math.ceil(seconds));
        // Each partial is the utterance so far, grown by a second (rounded up to whole frames).
        partials.forEach((p, i) => {
          const grown = p.samples - (i === 0 ? 0 : partials[i - 1].samples);
          expect(grown).to.be.within(SPEECH_SAMPLE_RATE, SPEECH_SAMPLE_RATE + FRAME_SAMPLES);
        });
        expect(partials.at(-1)!.samples).to.be.lessThan(segment.audio.length);
      }
    }
  });

  it('speech starts are reported at the onset, inside the segment, after its pad', () => {
    for (const run of [mic, file]) {
      run.segments.forEach((segment, i) => expect(run.starts[i].atMs).to.equal(segment.startMs + PAD_MS));
    }
  });

  it('each segment carries its 16 kHz audio, exactly as long as its start-to-end span', () => {
    for (const segment of [...mic.segments, ...file.segments]) {
      expect(segment.audio.length).to.equal(((segment.endMs - segment.startMs) * SPEECH_SAMPLE_RATE) / 1000);
      const peak = segment.audio.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
      expect(peak).to.be.greaterThan(0.05); // speech, not silence
      expect(segment.detectedAt).to.be.greaterThan(0).and.at.most(performance.now());
    }
  });

  it('each segment ends in a short tail after the speech, not in the whole silence that ended it', () => {
    const rms = (samples: Float32Array) => Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
    const samplesIn = (ms: number) => (ms * SPEECH_SAMPLE_RATE) / 1000;
    for (const segment of [...mic.segments, ...file.segments]) {
      const { audio } = segment;
      const tail = audio.subarray(audio.length - samplesIn(TAIL_MS));
      // The quarter second before the tail is the end of the speech itself (with the old 384 ms of
      // silence kept, it was silence).
      const lastSpeech = audio.subarray(audio.length - samplesIn(TAIL_MS + 256), audio.length - tail.length);
      // Speech fades at its end: well below the utterance's level, but far above silence.
      expect(rms(lastSpeech)).to.be.greaterThan(rms(audio) / 10);
      expect(rms(tail)).to.be.lessThan(rms(lastSpeech) / 2);
    }
  });

  it('both sources stamp the real end of speech, the end-of-speech wait before the decision', () => {
    for (const segment of [...mic.segments, ...file.segments]) {
      // Silero's score falls over a frame or two, and a frame between the thresholds neither ends
      // nor extends speech: the wait can only be longer than the redemption time, never shorter.
      expect(segment.detectedAt - segment.lastVoicedAt).to.be.within(REDEMPTION_MS, REDEMPTION_MS + FRAME_TOLERANCE_MS);
    }
    // On the microphone, the stamps are capture time: from the first speech reported to the end of
    // that utterance's speech is as long as the speech in the file, less the frames Silero needed
    // to confirm it (minSpeechMs).
    const confirmMs = Math.floor(CAPTION_VAD_TUNING.minSpeechMs / MS_PER_FRAME) * MS_PER_FRAME;
    mic.segments.forEach((segment, i) => {
      const spoken = fixture.speech[i].endMs - fixture.speech[i].startMs;
      expect(segment.lastVoicedAt - mic.starts[i].at).to.be.closeTo(spoken - confirmMs, 2 * FRAME_TOLERANCE_MS);
    });
  });
});
