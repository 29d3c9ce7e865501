/**
 * The speech-recognition worker's messages: a discriminated union `{kind, id, payload}` with a
 * typed reply per kind. Audio is transferred, not copied.
 */
export type WhisperModel = 'whisper-tiny' | 'whisper-base';

export const WHISPER_REPOS: Record<WhisperModel, string> = {
  'whisper-tiny': 'onnx-community/whisper-tiny',
  'whisper-base': 'onnx-community/whisper-base',
};

export interface LoadPayload {
  model: WhisperModel;
  device: 'webgpu' | 'wasm';
  /** Where model files come from: the Hugging Face hub, or a stand-in in tests. Ends with "/". */
  remoteHost: string;
  /** Our own copies of onnxruntime-web's runtime (never a CDN). */
  wasmPaths: { mjs: string; wasm: string };
}

export interface TranscribePayload {
  /** 16 kHz mono. */
  audio: Float32Array;
  /** ISO code to force, or undefined to let Whisper detect the language. */
  language?: string;
  /** Detect, but only among these (conversation mode: the two people's languages). */
  languages?: string[];
  /** The text said just before this audio (e.g. the committed text), which Whisper continues. */
  prompt?: string;
  /** Text agreed on at the start of this audio: the transcript starts with it, only the rest is decoded. */
  known?: string;
}

export interface TranscribeReply {
  /** The transcript after the repetition and phantom filters; '' when nothing was said. */
  text: string;
  /**
   * The language Whisper transcribed in (ISO 639-1, as Whisper writes it): the one given, else
   * the one Whisper detected from the audio (its language token, not a guess from the words).
   */
  language?: string;
  /** How sure Whisper was of the language it detected, among those it could choose (0–1). */
  languageProbability?: number;
  /** Whisper's probability that the audio holds no speech at all (0–1). */
  noSpeechProbability?: number;
  /** Whether a repetition loop was cut to one copy. */
  loopCut?: boolean;
  /** Text the phantom filter removed (e.g. "Thank you." heard in silence). */
  droppedPhantom?: string;
}

/** Requests that get a reply. */
export type AsrCall =
  | { kind: 'load'; id: number; payload: LoadPayload }
  | { kind: 'transcribe'; id: number; payload: TranscribePayload };

/** Stop the transcription with this id as soon as the decoder allows (no reply of its own). */
export interface AsrCancel {
  kind: 'cancel';
  id: number;
}

export type AsrRequest = AsrCall | AsrCancel;

export interface AsrReplies {
  load: { device: 'webgpu' | 'wasm' };
  transcribe: TranscribeReply;
}

export type AsrErrorCode = 'recognizer-download-failed' | 'recognizer-failed' | 'language-not-supported';

export type AsrMessage =
  | { kind: 'progress'; id: number; payload: { file: string; loaded: number; total: number } }
  | { kind: 'reply'; id: number; payload: AsrReplies[keyof AsrReplies] }
  | { kind: 'error'; id: number; payload: { code: AsrErrorCode; detail: string } };
