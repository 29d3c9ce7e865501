/**
 * Live translation's shared vocabulary. A source (microphone, audio file, typed text, Web Speech)
 * reports speech as it happens; recognition turns audio into hypotheses; the commit policy decides
 * what is stable enough to show; the translator turns committed source text into captions.
 */

/** 16 kHz mono samples, the rate Whisper and Silero VAD expect. */
export const SPEECH_SAMPLE_RATE = 16000;

export type SourceKind = 'microphone' | 'file' | 'text' | 'web-speech';

/** One stretch of speech found by voice activity detection. */
export interface SpeechSegment {
  /** Increasing per source session. */
  id: number;
  /**
   * Milliseconds from the start of the source (file time for files, capture time for the mic), the
   * span of `audio`: from the pre-speech pad to a short tail after the last voiced frame.
   */
  startMs: number;
  endMs: number;
  /** 16 kHz mono: the speech, with the silence that ended it trimmed to a short tail. */
  audio: Float32Array;
  /**
   * performance.now() when the person stopped speaking: the end of the last frame Silero judged as
   * speech. Latency figures start here, the moment a person starts waiting.
   */
  lastVoicedAt: number;
  /**
   * performance.now() when voice detection decided the speech had ended: after `redemptionMs` of
   * silence (about 384 ms after `lastVoicedAt`), the earliest the final recognition can start.
   * A file read faster than real time stamps both from this moment, the same distance apart.
   */
  detectedAt: number;
}

/** Text that arrives already recognised (typed, or from Web Speech). */
export interface TextUtterance {
  text: string;
  /** False while the person is still speaking/typing (a partial). */
  final: boolean;
  language?: string;
  detectedAt: number;
}

export type SourceErrorCode = 'microphone-denied' | 'microphone-missing' | 'file-unreadable' | 'vad-failed' | 'unsupported';

export interface SourceError {
  code: SourceErrorCode;
  message: string;
  hint: string;
}

export interface SourceListener {
  /** Speech began (VAD): captions may show a "listening" cue. */
  speechStart?(atMs: number): void;
  /** The growing audio of the current utterance, about once a second, for partial recognition. */
  partialAudio?(audioSoFar: Float32Array, segmentId: number): void;
  /**
   * The speaker paused: the audio so far ends with the short silence a finished segment keeps, so
   * if voice detection goes on to end the speech here, the segment holds exactly this audio.
   * `resumed` aborts when speech goes on instead (it never aborts once the segment has ended).
   */
  pause?(audioSoFar: Float32Array, segmentId: number, resumed: AbortSignal): void;
  /** Speech ended: one finished segment. */
  speechEnd?(segment: SpeechSegment): void;
  /** Text sources report text instead of audio. */
  text?(utterance: TextUtterance): void;
  error?(error: SourceError): void;
}

/** Every source of speech or text, behind one interface. */
export interface SpeechSource {
  readonly kind: SourceKind;
  start(listener: SourceListener): Promise<void>;
  stop(): Promise<void>;
}
