/**
 * wllama's JavaScript (300 kB: its worker's code travels inside it), fetched the first time the CPU
 * engine needs it (loading a model, listing or deleting stored ones), never with the page.
 */
export type WllamaModule = typeof import('@wllama/wllama/esm/index.js');

let loading: Promise<WllamaModule> | undefined;

export function loadWllama(): Promise<WllamaModule> {
  // A failed fetch (offline before the app was kept on the device) is tried again next time.
  loading ??= import('@wllama/wllama/esm/index.js').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
