/**
 * The speech-recognition worker: multilingual Whisper through transformers.js, a thin handler over
 * its pipeline. On WebGPU the encoder runs in fp32 and the decoder in q4 (fp16 decoders are known to
 * garble); on WebAssembly both are q8. The first load warms the model up on silence so shaders are
 * compiled before the first utterance.
 */
import { env, pipeline, type AutomaticSpeechRecognitionPipeline } from '@huggingface/transformers';
import { WHISPER_REPOS, type AsrMessage, type AsrRequest, type LoadPayload } from '../src/translate/asr-protocol.js';

let recognizer: AutomaticSpeechRecognitionPipeline | undefined;

function post(message: AsrMessage, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(message, transfer);
}

async function load(id: number, payload: LoadPayload): Promise<void> {
  env.allowLocalModels = false;
  env.remoteHost = payload.remoteHost;
  const wasm = env.backends.onnx.wasm;
  if (wasm) wasm.wasmPaths = payload.wasmPaths;
  const webgpu = payload.device === 'webgpu';
  recognizer = (await pipeline('automatic-speech-recognition', WHISPER_REPOS[payload.model], {
    device: payload.device,
    dtype: webgpu ? { encoder_model: 'fp32', decoder_model_merged: 'q4' } : { encoder_model: 'q8', decoder_model_merged: 'q8' },
    progress_callback: (info: { status: string; file?: string; loaded?: number; total?: number }) => {
      if (info.status === 'progress' && info.file) {
        post({ kind: 'progress', id, payload: { file: info.file, loaded: info.loaded ?? 0, total: info.total ?? 0 } });
      }
    },
  })) as AutomaticSpeechRecognitionPipeline;
  await recognizer(new Float32Array(16000));
  post({ kind: 'reply', id, payload: { device: payload.device } });
}

self.onmessage = async (event: MessageEvent<AsrRequest>) => {
  const request = event.data;
  try {
    if (request.kind === 'load') {
      await load(request.id, request.payload);
    } else if (request.kind === 'transcribe') {
      if (!recognizer) throw new Error('not loaded');
      const output = (await recognizer(request.payload.audio, {
        ...(request.payload.language ? { language: request.payload.language } : {}),
        task: 'transcribe',
        return_timestamps: false,
      })) as { text: string; language?: string };
      post({ kind: 'reply', id: request.id, payload: { text: output.text.trim(), language: output.language } });
    }
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const code =
      request.kind === 'load'
        ? 'recognizer-download-failed'
        : /language/i.test(detail)
          ? 'language-not-supported'
          : 'recognizer-failed';
    post({ kind: 'error', id: request.id, payload: { code, detail } });
  }
};
