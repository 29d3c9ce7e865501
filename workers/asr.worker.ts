/**
 * The speech-recognition worker: multilingual Whisper through transformers.js, a thin handler over
 * its pipeline's model (see whisper-transcriber.ts for how each utterance is decoded). On WebGPU
 * the encoder runs in fp32 and the decoder in q4 (fp16 decoders are known to garble); on
 * WebAssembly both are q8. The first load warms the model up on silence so shaders are compiled
 * before the first utterance.
 */
import { env, pipeline, type AutomaticSpeechRecognitionPipeline } from '@huggingface/transformers';
import { WHISPER_REPOS, type AsrCall, type AsrMessage, type AsrRequest, type LoadPayload } from '../src/translate/asr-protocol.js';
import type { WhisperTokens } from '../src/translate/whisper-decoding.js';
import { LanguageNotSupportedError, transcribeWithWhisper, whisperTokens, type WhisperParts } from '../src/translate/whisper-transcriber.js';

interface LoadedWhisper {
  pipeline: AutomaticSpeechRecognitionPipeline;
  parts: WhisperParts;
  tokens: WhisperTokens;
}

let whisper: LoadedWhisper | undefined;
/** Transcriptions the page has given up on: each stops at its next decoding step. */
const cancelled = new Set<number>();
/**
 * One request at a time. The page sends one at a time too; this keeps two decodes from ever
 * sharing the ONNX sessions at once, whatever arrives.
 */
let queue: Promise<void> = Promise.resolve();

function post(message: AsrMessage, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(message, transfer);
}

async function load(id: number, payload: LoadPayload): Promise<void> {
  env.allowLocalModels = false;
  env.remoteHost = payload.remoteHost;
  const wasm = env.backends.onnx.wasm;
  if (wasm) wasm.wasmPaths = payload.wasmPaths;
  const webgpu = payload.device === 'webgpu';
  const loaded = (await pipeline('automatic-speech-recognition', WHISPER_REPOS[payload.model], {
    device: payload.device,
    dtype: webgpu ? { encoder_model: 'fp32', decoder_model_merged: 'q4' } : { encoder_model: 'q8', decoder_model_merged: 'q8' },
    progress_callback: (info: { status: string; file?: string; loaded?: number; total?: number }) => {
      if (info.status === 'progress' && info.file) {
        post({ kind: 'progress', id, payload: { file: info.file, loaded: info.loaded ?? 0, total: info.total ?? 0 } });
      }
    },
  })) as AutomaticSpeechRecognitionPipeline;
  const parts = loaded as unknown as WhisperParts;
  const tokens = whisperTokens(parts);
  // Warmed up through the same path as every utterance: shaders compile now, and a model this
  // code cannot steer fails here, at load, instead of on every utterance.
  await transcribeWithWhisper(parts, tokens, new Float32Array(16000), {});
  // The page keeps one recogniser (one worker): another model replaces the one loaded, whose
  // sessions would otherwise keep their memory until the worker ends.
  const previous = whisper;
  whisper = { pipeline: loaded, parts, tokens };
  await previous?.pipeline.dispose().catch(() => undefined);
  post({ kind: 'reply', id, payload: { device: payload.device } });
}

async function handle(request: AsrCall): Promise<void> {
  // Ids only grow: a cancel that arrived after its transcription had finished is of no use.
  for (const id of cancelled) if (id < request.id) cancelled.delete(id);
  try {
    if (request.kind === 'load') {
      await load(request.id, request.payload);
    } else {
      if (!whisper) throw new Error('not loaded');
      const { audio, language, languages, prompt, known } = request.payload;
      const reply = await transcribeWithWhisper(whisper.parts, whisper.tokens, audio, {
        language,
        languages,
        prompt,
        known,
        stopRequested: () => cancelled.has(request.id),
      });
      post({ kind: 'reply', id: request.id, payload: reply });
    }
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const code =
      request.kind === 'load'
        ? 'recognizer-download-failed'
        : error instanceof LanguageNotSupportedError
          ? 'language-not-supported'
          : 'recognizer-failed';
    post({ kind: 'error', id: request.id, payload: { code, detail } });
  } finally {
    cancelled.delete(request.id);
  }
}

self.onmessage = (event: MessageEvent<AsrRequest>) => {
  const request = event.data;
  if (request.kind === 'cancel') {
    cancelled.add(request.id);
    return;
  }
  queue = queue.then(() => handle(request));
};
