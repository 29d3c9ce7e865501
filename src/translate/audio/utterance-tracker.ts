/**
 * Turns vad-web's frame-by-frame verdicts into our listener's events: speech started, the growing
 * utterance about once a second, a pause (the audio a finished segment would hold if the speech
 * ended there), and the finished segment with its place in time.
 *
 * Both sources feed it the same events in the same order (every frame with its speech score, then
 * what that frame caused), so a file and the microphone report identically. Time is counted in
 * frames, the sample clock of the audio itself, rather than read from a wall clock: the one wall
 * clock reading is taken when speech ends, and the end of the last voiced frame is counted back
 * from it in frames.
 */
import { Message } from '@ricky0123/vad-web';
import type { FrameProcessorEvent } from '@ricky0123/vad-web/dist/frame-processor.js';
import { SPEECH_SAMPLE_RATE, type SourceListener, type SpeechSegment } from '../types.js';
import { CAPTION_VAD_TUNING, MS_PER_FRAME, TRAILING_SILENCE_KEPT_FRAMES } from './vad-tuning.js';

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
  /** The sizes of the frames seen since the last one Silero judged as speech (what may be trimmed). */
  private sinceVoiced: number[] = [];
  /** The pause reported in the current silence: aborted when speech resumes. */
  private pauseReported: AbortController | undefined;

  constructor(
    private readonly listener: Required<SourceListener>,
    /** vad-web's preSpeechPadFrames: what it keeps before the frame where speech starts. */
    private readonly padFrames: number,
  ) {}

  /**
   * Every frame Silero judged, with its speech probability, in order, before any speech event that
   * frame causes.
   */
  frame(frame: Float32Array, speechProbability: number): void {
    this.framesSeen++;
    // Speech as vad-web counts it (the score that starts speech and resets its end-of-speech wait).
    // Between utterances nothing is counted: an utterance always starts on a voiced frame.
    if (speechProbability >= CAPTION_VAD_TUNING.positiveSpeechThreshold) {
      this.sinceVoiced = [];
      this.pauseReported?.abort();
      this.pauseReported = undefined;
    } else if (this.utterance) this.sinceVoiced.push(frame.length);
    if (this.utterance) {
      this.utterance.push(frame);
      this.utteranceSamples += frame.length;
      this.reportPauseIfDue();
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
    this.sinceVoiced = [];
    this.pauseReported = undefined;
  }

  /**
   * vad-web's finished utterance: pad + speech + the silence that ended it, ending with the last
   * frame seen. Handed on with that silence cut to a short tail, stamped with the end of the last
   * voiced frame as well as the moment of the decision.
   */
  speechEnd(audio: Float32Array): void {
    if (this.currentId === undefined) this.speechConfirmed();
    const detectedAt = performance.now();
    const silentFrames = this.sinceVoiced.length;
    const trimmedFrames = this.sinceVoiced.slice(TRAILING_SILENCE_KEPT_FRAMES);
    const trimmedSamples = Math.min(audio.length, trimmedFrames.reduce((sum, samples) => sum + samples, 0));
    // A copy, not a view: the recogniser transfers the buffer to its worker whole.
    const kept = audio.slice(0, audio.length - trimmedSamples);
    const endMs = (this.framesSeen - trimmedFrames.length) * MS_PER_FRAME;
    const segment: SpeechSegment = {
      id: this.currentId!,
      startMs: endMs - (kept.length * 1000) / SPEECH_SAMPLE_RATE,
      endMs,
      audio: kept,
      lastVoicedAt: detectedAt - silentFrames * MS_PER_FRAME,
      detectedAt,
    };
    this.currentId = undefined;
    this.utterance = undefined;
    this.recent = [];
    this.sinceVoiced = [];
    // The pause it was is now the end: the next voiced frame belongs to another utterance.
    this.pauseReported = undefined;
    this.listener.speechEnd(segment);
  }

  /**
   * Once the silence after the last voiced frame is as long as the tail a segment keeps, the audio
   * so far is what the segment will hold if voice detection ends the speech here: reported now, its
   * recognition and translation can start some 250 ms before that decision.
   */
  private reportPauseIfDue(): void {
    if (this.currentId === undefined || !this.utterance || this.sinceVoiced.length !== TRAILING_SILENCE_KEPT_FRAMES) return;
    this.pauseReported = new AbortController();
    this.listener.pause(concat(this.utterance, this.utteranceSamples), this.currentId, this.pauseReported.signal);
  }

  private sendPartialIfDue(): void {
    if (this.currentId === undefined || !this.utterance) return;
    if (this.utteranceSamples - this.partialAtSamples < PARTIAL_EVERY_SAMPLES) return;
    this.partialAtSamples = this.utteranceSamples;
    this.listener.partialAudio(concat(this.utterance, this.utteranceSamples), this.currentId);
  }
}

/** Hand one of vad-web's frame processor events to the tracker (the file source's path; the microphone's callbacks map one to one). */
export function trackFrameEvent(tracker: UtteranceTracker, event: FrameProcessorEvent): void {
  switch (event.msg) {
    case Message.FrameProcessed:
      return tracker.frame(event.frame, event.probs.isSpeech);
    case Message.SpeechStart:
      return tracker.speechStart();
    case Message.SpeechRealStart:
      return tracker.speechConfirmed();
    case Message.VADMisfire:
      return tracker.misfire();
    case Message.SpeechEnd:
      return tracker.speechEnd(event.audio);
  }
}
