/**
 * Turns vad-web's frame-by-frame verdicts into our listener's events: speech started, the growing
 * utterance about once a second, and the finished segment with its place in time.
 *
 * Both sources feed it the same events in the same order (every frame, then what that frame
 * caused), so a file and the microphone report identically. Time is counted in frames, the sample
 * clock of the audio itself, rather than read from a wall clock.
 */
import { SPEECH_SAMPLE_RATE, type SourceListener, type SpeechSegment } from '../types.js';
import { MS_PER_FRAME } from './vad-tuning.js';

/** How much new audio makes a partial worth sending: recognition of a partial costs real time. */
const PARTIAL_EVERY_SAMPLES = SPEECH_SAMPLE_RATE;

function concat(frames: Float32Array[], length: number): Float32Array {
  const audio = new Float32Array(length);
  let offset = 0;
  for (const frame of frames) {
    audio.set(frame, offset);
    offset += frame.length;
  }
  return audio;
}

export class UtteranceTracker {
  private framesSeen = 0;
  /** While silent: the last frames, which become the start of the next utterance (its pre-speech pad). */
  private recent: Float32Array[] = [];
  /** While speaking: every frame of the utterance so far, pad included, as vad-web keeps them. */
  private utterance: Float32Array[] | undefined;
  private utteranceSamples = 0;
  private onsetMs = 0;
  private partialAtSamples = 0;
  /** The id of the confirmed utterance in progress; a misfire never gets one. */
  private currentId: number | undefined;
  private nextId = 1;

  constructor(
    private readonly listener: Required<SourceListener>,
    /** vad-web's preSpeechPadFrames: what it keeps before the frame where speech starts. */
    private readonly padFrames: number,
  ) {}

  /** Every frame Silero judged, in order, before any speech event that frame causes. */
  frame(frame: Float32Array): void {
    this.framesSeen++;
    if (this.utterance) {
      this.utterance.push(frame);
      this.utteranceSamples += frame.length;
      this.sendPartialIfDue();
      return;
    }
    this.recent.push(frame);
    if (this.recent.length > this.padFrames + 1) this.recent.shift();
  }

  /** The frame just seen crossed the speech threshold; it may still turn out to be a misfire. */
  speechStart(): void {
    this.onsetMs = (this.framesSeen - 1) * MS_PER_FRAME;
    this.utterance = this.recent;
    this.utteranceSamples = this.recent.reduce((sum, frame) => sum + frame.length, 0);
    this.recent = [];
    this.partialAtSamples = 0;
  }

  /**
   * Enough speech (minSpeechMs) to be real. Only now do we tell the listener: a cough or a click
   * should not flash a "listening" cue or cost a recognition pass.
   */
  speechConfirmed(): void {
    if (this.currentId !== undefined) return;
    this.currentId = this.nextId++;
    this.listener.speechStart(this.onsetMs);
    this.sendPartialIfDue();
  }

  /** Too little speech: forget it, as vad-web does. */
  misfire(): void {
    this.utterance = undefined;
    this.recent = [];
  }

  /** vad-web's finished utterance: pad + speech + the silence that ended it, ending with the last frame seen. */
  speechEnd(audio: Float32Array): void {
    if (this.currentId === undefined) this.speechConfirmed();
    const endMs = this.framesSeen * MS_PER_FRAME;
    const segment: SpeechSegment = {
      id: this.currentId!,
      startMs: endMs - (audio.length * 1000) / SPEECH_SAMPLE_RATE,
      endMs,
      audio,
      detectedAt: performance.now(),
    };
    this.currentId = undefined;
    this.utterance = undefined;
    this.recent = [];
    this.listener.speechEnd(segment);
  }

  private sendPartialIfDue(): void {
    if (this.currentId === undefined || !this.utterance) return;
    if (this.utteranceSamples - this.partialAtSamples < PARTIAL_EVERY_SAMPLES) return;
    this.partialAtSamples = this.utteranceSamples;
    this.listener.partialAudio(concat(this.utterance, this.utteranceSamples), this.currentId);
  }
}
