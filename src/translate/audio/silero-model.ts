/**
 * One onnxruntime and one way to load Silero, for both audio sources.
 *
 * vad-web's MicVAD runs on onnxruntime's CPU-only build, which it exports as `ort`; the file source
 * borrows the same instance, so a page initialises one WebAssembly runtime (one 14 MB file), not
 * two. (vad-web's NonRealTimeVAD.new would load the full runtime and the older v4 model instead.)
 */
import type { Model } from '@ricky0123/vad-web/dist/models/common.js';
import { Silero } from '@ricky0123/vad-web/dist/models/silero.js';
import { ort } from '@ricky0123/vad-web/dist/real-time-vad.js';
import { SILERO_MODEL_URL, configureOnnxRuntime } from './vad-assets.js';

export { ort as vadRuntime };
export type { Model as SileroModel };

async function fetchModel(): Promise<ArrayBuffer> {
  const response = await fetch(SILERO_MODEL_URL);
  // vad-web's own fetcher would hand a 404 page to onnxruntime, which then fails obscurely.
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${SILERO_MODEL_URL}`);
  return response.arrayBuffer();
}

/** A fresh Silero v5 session (each holds its own recurrent state); release() it when done. */
export async function loadSileroModel(): Promise<Model> {
  configureOnnxRuntime(ort);
  return Silero.new(ort, fetchModel);
}

let warming: Promise<void> | undefined;

/**
 * Loads onnxruntime's WebAssembly and the model once, so the next source starts at once. The first
 * time this is a 14 MB runtime and a 2 MB model (then from the HTTP cache); a failure is not kept,
 * so the next call tries again.
 */
export function prepareVoiceDetection(): Promise<void> {
  warming ??= loadSileroModel()
    .then((model) => model.release())
    .catch((error: unknown) => {
      warming = undefined;
      throw error;
    });
  return warming;
}
