/**
 * Where voice activity detection's files come from: this app's own origin, never a CDN.
 *
 * `new URL(literal, import.meta.url)` is the one form all three of our servers understand: Vite
 * emits each file as an asset in `vite build` and serves it as is in dev, and @web/test-runner
 * serves the relative path from the project root unchanged. Every file vad-web or onnxruntime-web
 * loads at run time is named here, so a build contains exactly these and nothing is fetched from
 * elsewhere.
 */
import type { OrtModule } from '@ricky0123/vad-web/dist/models/common.js';

/** Silero VAD v5, as shipped inside @ricky0123/vad-web. */
export const SILERO_MODEL_URL = new URL('../../../node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx', import.meta.url).href;

/** vad-web's AudioWorklet: on the audio thread, resamples microphone audio to 16 kHz and hands it over in frames. */
export const VAD_WORKLET_URL = new URL('../../../node_modules/@ricky0123/vad-web/dist/vad.worklet.bundle.min.js', import.meta.url).href;

/** onnxruntime-web's CPU (WebAssembly) build and its JavaScript loader; the only runtime VAD uses. */
export const ORT_WASM_URL = new URL('../../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', import.meta.url).href;
export const ORT_LOADER_URL = new URL('../../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs', import.meta.url).href;

/**
 * MicVAD finds its worklet and model by appending fixed file names to one folder URL
 * (`baseAssetPath`). They sit side by side in node_modules (dev, tests); vite.config.ts keeps them
 * side by side, under their own names, in the build. Returns undefined if they ever drift apart,
 * so the caller can say so instead of fetching a wrong URL.
 */
export function vadAssetFolder(): string | undefined {
  const folder = new URL('./', VAD_WORKLET_URL).href;
  return SILERO_MODEL_URL === `${folder}silero_vad_v5.onnx` && VAD_WORKLET_URL === `${folder}vad.worklet.bundle.min.js` ? folder : undefined;
}

/**
 * Point onnxruntime at our copies of its files and keep it on one thread. Silero needs well under
 * a millisecond per 32 ms frame, so more threads would buy nothing and take cores from speech
 * recognition and the language model (on cross-origin isolated pages, like ours, onnxruntime would
 * otherwise start several worker threads).
 */
export function configureOnnxRuntime(ort: OrtModule): void {
  ort.env.wasm.wasmPaths = { wasm: ORT_WASM_URL, mjs: ORT_LOADER_URL };
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
}
