/**
 * The page the CPU bench drives. Two paths over the same synthetic GGUF model, measured in the
 * same page: wllama called directly (its own worker, nothing of ours), and the whole app (the CPU
 * engine client, the chat session, <aperto-chat> rendering every token to the screen).
 */
import { Wllama } from '@wllama/wllama/esm/index.js';
import { mountChat, replyOnScreen } from './chat-on-screen.js';
import { CpuEngineClient } from '../src/engine/cpu/cpu-engine-client.js';
import { defaultThreadCount, wllamaAssets } from '../src/engine/cpu/wllama-assets.js';
import { CpuModelLibrary } from '../src/engine/cpu/cpu-library.js';
import { EngineStore } from '../src/engine/store.js';

const MODEL_URL = new URL('/hub/gguf/synthetic.gguf', location.href).href;
const PROMPT = 'Tell me a story.';

export interface PathResult {
  tokens: number;
  tokensPerSecond: number;
}

declare global {
  interface Window {
    benchDirect(maxTokens: number): Promise<PathResult>;
    benchApp(maxTokens: number): Promise<PathResult>;
    benchReady: Promise<void>;
  }
}

let direct: Wllama | undefined;

window.benchDirect = async (maxTokens) => {
  if (!direct) {
    direct = new Wllama(wllamaAssets, { suppressNativeLog: true });
    direct.setCompat(null);
    await direct.loadModelFromUrl(MODEL_URL, { n_ctx: 4096, n_threads: defaultThreadCount(), n_gpu_layers: 0, n_parallel: 1 });
  }
  let tokens = 0;
  let first = 0;
  let last = 0;
  await direct.createChatCompletion({
    messages: [{ role: 'user', content: PROMPT }],
    stream: true,
    max_tokens: maxTokens,
    temperature: 0,
    // The same options as the app's CPU engine, so both paths count tokens the same way.
    timings_per_token: true,
    onData: (chunk) => {
      if (chunk.timings) tokens = chunk.timings.predicted_n;
      if (!chunk.choices[0]?.delta?.content) return;
      last = performance.now();
      first ||= last;
    },
  });
  return { tokens, tokensPerSecond: ((tokens - 1) * 1000) / (last - first) };
};

const store = new EngineStore('cpu');
const library = new CpuModelLibrary(new CpuEngineClient({ store }));
const entry = library.addCustom({ url: MODEL_URL });
const chat = mountChat(library.engine, 'aperto-cpu-bench');
window.benchReady = library.engine.load(entry.id).then((ok) => {
  if (!ok) throw new Error(JSON.stringify(store.state));
});

window.benchApp = async (maxTokens) => {
  await window.benchReady;
  const { reply, firstPaintMs, lastPaintMs } = await replyOnScreen(chat, PROMPT, maxTokens);
  const tokens = reply.figures?.completionTokens ?? 0;
  return { tokens, tokensPerSecond: ((tokens - 1) * 1000) / (lastPaintMs - firstPaintMs) };
};
