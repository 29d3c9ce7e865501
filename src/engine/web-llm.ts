/**
 * web-llm on the page's main thread, fetched the first time it is needed (loading a model, deleting
 * one), never with the page.
 *
 * web-llm ships as one module of 6.8 MB (2.1 MB gzip) whose top level runs code, so no bundler can
 * take just the part the page uses: importing `WebWorkerMLCEngine` alone, or even
 * `prebuiltAppConfig`, brings all of it. The page needs it only to talk to the model's worker
 * (`WebWorkerMLCEngine`) and to delete a model with web-llm's own functions; its model list comes
 * from `virtual:aperto/web-llm-app-config` (see app-config.ts).
 */
type WebLlm = typeof import('@mlc-ai/web-llm');

let loading: Promise<WebLlm> | undefined;

export function loadWebLlm(): Promise<WebLlm> {
  // A failed fetch (offline before the app was kept on the device) is tried again next time.
  loading ??= import('@mlc-ai/web-llm').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
