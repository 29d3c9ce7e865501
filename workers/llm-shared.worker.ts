/**
 * The GPU model worker shared by every tab of the site (shared-llm-host.ts), where the browser has
 * SharedWorker. web-llm is imported on the first request that needs it, so a tab connecting as the
 * app starts fetches only this small script.
 */
import { SharedLlmHost } from './shared-llm-host.js';

const host = new SharedLlmHost(async () => {
  const { MLCEngine, deleteChatConfigInCache, deleteModelInCache, deleteModelWasmInCache } = await import('./web-llm-runtime.js');
  return {
    createEngine: () => new MLCEngine(),
    cache: { weights: deleteModelInCache, config: deleteChatConfigInCache, library: deleteModelWasmInCache },
  };
});

self.addEventListener('connect', (event) => host.connect((event as MessageEvent).ports[0]));
