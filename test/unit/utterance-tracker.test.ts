/**
 * Where a segment says speech ended, and what audio it hands on: vad-web's real frame processor with
 * the captions' tuning, fed frames whose speech scores are scripted (the model is the only stand-in),
 * one 32 ms frame per tick of a clock that runs as a microphone's would.
 */
import { FrameProcessor } from '@ricky0123/vad-web';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trackFrameEvent, UtteranceTracker } from '../../src/translate/audio/utterance-tracker.js';
import { CAPTION_VAD_TUNING, FRAME_SAMPLES, MS_PER_FRAME } from '../../src/translate/audio/vad-tuning.js';
import { SPEECH_SAMPLE_RATE, type SpeechSegment } from '../../src/translate/types.js';

const SPEECH = 0.9;
const SILENCE = 0.05;
/** Between vad-web's two thresholds: neither speech nor the silence that ends it. */
const UNSURE = 0.27;
/** The clock reading when the first frame has been heard. */
const CLOCK_START = 10_000;

/** Runs of [score, frames]. */
type Script = Array<[number, number]>;

interface Pause {
  audio: Float32Array;
  resumed: AbortSignal;
}

interface Heard {
  segments: SpeechSegment[];
  pauses: Pause[];
  /** The clock at the end of each frame (index = frame number from 0). */
  frameEndsAt: number[];
}

let now = 0;

beforeEach(() => {
  now = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
});
afterEach(() => vi.restoreAllMocks());

/**
 * Each frame's samples all hold its frame number, so the audio handed on says which frames it kept.
 * `stopAfter` ends the source there (a file's end, or the microphone stopped), as vad-web's
 * endSegment does.
 */
async function listen(script: Script, { stopAfter = false } = {}): Promise<Heard> {
  const scores = script.flatMap(([score, frames]) => Array<number>(frames).fill(score));
  const heard: Heard = { segments: [], pauses: [], frameEndsAt: [] };
  const tracker = new UtteranceTracker(
    {
      speechStart() {},
      partialAudio() {},
      pause: (audio, _id, resumed) => heard.pauses.push({ audio, resumed }),
      speechEnd: (segment) => heard.segments.push(segment),
      text() {},
      error() {},
    },
    Math.floor(CAPTION_VAD_TUNING.preSpeechPadMs / MS_PER_FRAME),
  );
  const model = async (frame: Float32Array) => ({ isSpeech: scores[frame[0]], notSpeech: 1 - scores[frame[0]] });
  const frames = new FrameProcessor(model, () => undefined, CAPTION_VAD_TUNING, MS_PER_FRAME);
  frames.resume();
  for (let index = 0; index < scores.length; index++) {
    now = CLOCK_START + index * MS_PER_FRAME;
    heard.frameEndsAt.push(now);
    await frames.process(new Float32Array(FRAME_SAMPLES).fill(index), (event) => trackFrameEvent(tracker, event));
  }
  if (stopAfter) frames.endSegment((event) => trackFrameEvent(tracker, event));
  return heard;
}

/** The frame numbers a segment's audio covers, first and last. */
const framesIn = (segment: SpeechSegment) => [segment.audio[0], segment.audio.at(-1)];

describe('the end of speech, as a segment reports it', () => {
  it('is stamped at the end of the last voiced frame, 384 ms before the decision that speech ended', async () => {
    const { segments, frameEndsAt } = await listen([
      [SILENCE, 20],
      [SPEECH, 40], // frames 20–59
      [SILENCE, 30],
    ]);

    expect(segments).toHaveLength(1);
    const [segment] = segments;
    expect(segment.lastVoicedAt).toBe(frameEndsAt[59]);
    // vad-web's redemption: 12 silent frames after the last voiced one.
    expect(segment.detectedAt).toBe(frameEndsAt[59 + 12]);
    expect(segment.detectedAt - segment.lastVoicedAt).toBe(384);
  });

  it('keeps 128 ms of the silence that ended the speech, not all 384 ms of it', async () => {
    const { segments } = await listen([
      [SILENCE, 20],
      [SPEECH, 40],
      [SILENCE, 30],
    ]);

    const [segment] = segments;
    // The 6-frame pre-speech pad (14–19), the speech (20–59), a 4-frame tail (60–63).
    expect(framesIn(segment)).toEqual([14, 63]);
    expect(segment.audio.length).toBe((6 + 40 + 4) * FRAME_SAMPLES);
    // Its place in time is where that audio is, so a recording and its figures agree.
    expect(segment.endMs).toBe(64 * MS_PER_FRAME);
    expect(segment.startMs).toBe(14 * MS_PER_FRAME);
    expect(((segment.endMs - segment.startMs) * SPEECH_SAMPLE_RATE) / 1000).toBe(segment.audio.length);
  });

  it('moves with speech that resumes after a pause shorter than the end-of-speech wait', async () => {
    const { segments, frameEndsAt } = await listen([
      [SILENCE, 20],
      [SPEECH, 20], // 20–39
      [SILENCE, 8], // a breath: 256 ms
      [SPEECH, 15], // 48–62
      [SILENCE, 30],
    ]);

    expect(segments).toHaveLength(1);
    const [segment] = segments;
    expect(segment.lastVoicedAt).toBe(frameEndsAt[62]);
    expect(framesIn(segment)).toEqual([14, 66]);
  });

  it('does not count frames scored between the thresholds as speech, and keeps them only within the tail', async () => {
    const { segments, frameEndsAt } = await listen([
      [SILENCE, 20],
      [SPEECH, 30], // 20–49
      [UNSURE, 6], // 50–55: neither extends the speech nor ends it
      [SILENCE, 30],
    ]);

    const [segment] = segments;
    expect(segment.lastVoicedAt).toBe(frameEndsAt[49]);
    expect(segment.detectedAt - segment.lastVoicedAt).toBe((6 + 12) * MS_PER_FRAME);
    expect(framesIn(segment)).toEqual([14, 53]);
  });

  it('stopped while someone is speaking, keeps every frame and ends where the speech was cut', async () => {
    const { segments, frameEndsAt } = await listen(
      [
        [SILENCE, 20],
        [SPEECH, 40],
      ],
      { stopAfter: true },
    );

    expect(segments).toHaveLength(1);
    const [segment] = segments;
    expect(segment.lastVoicedAt).toBe(frameEndsAt[59]);
    expect(segment.detectedAt).toBe(segment.lastVoicedAt);
    expect(framesIn(segment)).toEqual([14, 59]);
  });

  it('gives each of two utterances its own stamps and tail', async () => {
    const { segments, frameEndsAt } = await listen([
      [SILENCE, 20],
      [SPEECH, 30], // 20–49
      [SILENCE, 31], // 50–80: one second
      [SPEECH, 20], // 81–100
      [SILENCE, 20],
    ]);

    expect(segments.map((s) => s.lastVoicedAt)).toEqual([frameEndsAt[49], frameEndsAt[100]]);
    expect(segments.map(framesIn)).toEqual([
      [14, 53],
      [75, 104],
    ]);
  });
});

describe('a pause, reported before voice detection decides that speech has ended', () => {
  it('hands on exactly the audio the segment holds when the speech ends there, 256 ms before the decision', async () => {
    const { pauses, segments } = await listen([
      [SILENCE, 20],
      [SPEECH, 40], // 20–59
      [SILENCE, 30],
    ]);

    expect(pauses).toHaveLength(1);
    const [pause] = pauses;
    // So the recognition of the pause's audio is the final recognition of the segment.
    expect(pause.audio).toEqual(segments[0].audio);
    expect(pause.resumed.aborted).toBe(false);
  });

  it('is called off when speech resumes, and the pause that ends the speech is reported again', async () => {
    const { pauses, segments } = await listen([
      [SILENCE, 20],
      [SPEECH, 20], // 20–39
      [SILENCE, 8], // a breath: 256 ms, shorter than the end-of-speech wait
      [SPEECH, 15], // 48–62
      [SILENCE, 30],
    ]);

    expect(segments).toHaveLength(1);
    expect(pauses.map((p) => p.resumed.aborted)).toEqual([true, false]);
    expect(pauses[1].audio).toEqual(segments[0].audio);
  });

  it('is not reported for a cough too short to be speech', async () => {
    const { pauses, segments } = await listen([
      [SILENCE, 20],
      [SPEECH, 3], // 96 ms: below minSpeechMs
      [SILENCE, 30],
    ]);

    expect(segments).toHaveLength(0);
    expect(pauses).toHaveLength(0);
  });
});
