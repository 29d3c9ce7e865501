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
  /** ISO code to force, or undefined to detect. */
  language?: string;
}

export type AsrRequest =
  | { kind: 'load'; id: number; payload: LoadPayload }
  | { kind: 'transcribe'; id: number; payload: TranscribePayload };

export interface AsrReplies {
  load: { device: 'webgpu' | 'wasm' };
  transcribe: { text: string; language?: string };
}

export type AsrErrorCode = 'recognizer-download-failed' | 'recognizer-failed' | 'language-not-supported';

export type AsrMessage =
  | { kind: 'progress'; id: number; payload: { file: string; loaded: number; total: number } }
  | { kind: 'reply'; id: number; payload: AsrReplies[keyof AsrReplies] }
  | { kind: 'error'; id: number; payload: { code: AsrErrorCode; detail: string } };
