/**
 * The shared model worker's host (workers/shared-llm-host.ts) over a scripted engine in place of
 * web-llm's MLCEngine, which cannot load a model on CI (no model library compiles here): loads take
 * a few progress reports, a reply is the words "reply to <the question>" one by one, slowly enough
 * to be interrupted, and a stop ends it as web-llm does (finish_reason "abort"). Every reload and
 * unload is reported on the BroadcastChannel named by the worker's name, so a test can count them.
 */
import type { ChatCompletionChunk, ChatCompletionRequestStreaming, InitProgressReport } from '@mlc-ai/web-llm';
import type { WebLlmEngine } from '../../workers/llm-handler.js';
import { SharedLlmHost } from '../../workers/shared-llm-host.js';

const report = new BroadcastChannel(self.name);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Time per generated word; ?wordMs=N in the script's URL sets it. */
const wordMs = Number(new URL(self.location.href).searchParams.get('wordMs') ?? 40);

function scriptedEngine(): WebLlmEngine {
  let progress: ((report: InitProgressReport) => void) | undefined;
  let loaded: string | undefined;
  let interrupted = false;
  let unloads = 0;
  return {
    setAppConfig() {},
    setInitProgressCallback(callback) {
      progress = callback;
    },
    async reload(modelId) {
      report.postMessage({ event: 'reload', modelId });
      const myUnloads = unloads;
      for (let step = 1; step <= 4; step++) {
        await pause(60);
        if (unloads !== myUnloads) throw new Error('AbortError: Engine.unload() is called.');
        progress?.({ progress: step / 4, timeElapsed: step * 0.06, text: `Fetching param cache[${step}/4]: ${step}MB fetched. ${step * 25}% completed, 0 secs elapsed.` });
      }
      if (modelId.includes('missing')) throw new Error('NetworkError: Failed to fetch');
      loaded = modelId;
    },
    async chatCompletion(request: ChatCompletionRequestStreaming) {
      if (!loaded) throw new Error('ModelNotLoadedError: Model not loaded before trying to complete ChatCompletionRequest.');
      const question = String(request.messages.at(-1)?.content ?? '');
      const words = ['reply', 'to', ...question.split(/\s+/), 'the', 'end'];
      interrupted = false;
      const model = loaded;
      async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
        const chunk = (content: string, finish: 'stop' | 'abort' | null): ChatCompletionChunk => ({
          id: 'x',
          object: 'chat.completion.chunk',
          created: 0,
          model,
          choices: [{ index: 0, delta: { role: 'assistant', content }, finish_reason: finish, logprobs: null }],
        });
        for (const [index, word] of words.entries()) {
          await pause(wordMs);
          if (interrupted) {
            yield chunk('', 'abort');
            return;
          }
          yield chunk(index ? ` ${word}` : word, null);
        }
        yield chunk('', 'stop');
      }
      return chunks();
    },
    interruptGenerate() {
      interrupted = true;
    },
    async getMessage() {
      if (!loaded) throw new Error('ModelNotLoadedError: Model not loaded before calling getMessage().');
      return '';
    },
    async unload() {
      unloads++;
      loaded = undefined;
      report.postMessage({ event: 'unload' });
    },
  };
}

const params = new URL(self.location.href).searchParams;
const host = new SharedLlmHost(
  async () => ({
    createEngine: scriptedEngine,
    cache: { weights: async () => undefined, config: async () => undefined, library: async () => undefined },
  }),
  self,
  navigator.locks,
  // ?webgpu=0: a browser that offers no WebGPU inside shared workers.
  params.get('webgpu') !== '0',
);
self.addEventListener('connect', (event) => host.connect((event as MessageEvent).ports[0]));
