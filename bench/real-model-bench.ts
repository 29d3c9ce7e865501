/**
 * The page the real-model bench drives (bench/real-model.mjs), with SmolLM2-135M-Instruct from the
 * local hub. Two paths over the same GGUF, the same prompt and greedy decoding:
 * - wllama called directly: its own download, cache and worker, nothing of ours;
 * - the whole app: the CPU engine client (download, hash check, storage), the chat session and
 *   <aperto-chat> painting every token.
 * And the app's translator (prompt, clean-up, stop) for the translation figures.
 * Each round loads cold (cache emptied first), then cached (a new instance, as a new visit would),
 * then generates once.
 */
import { Wllama } from '@wllama/wllama/esm/index.js';
import { CpuEngineClient } from '../src/engine/cpu/cpu-engine-client.js';
import { CpuModelLibrary } from '../src/engine/cpu/cpu-library.js';
import { defaultThreadCount, wllamaAssets } from '../src/engine/cpu/wllama-assets.js';
import { EngineStore } from '../src/engine/store.js';
import { Translator } from '../src/translate/translator.js';
import { TEST_MODEL, TEST_MODEL_HUB_FILE } from '../test/support/test-model.mjs';
import { mountChat, replyOnScreen } from './chat-on-screen.js';

const MODEL_URL = new URL(`/hub/gguf/${TEST_MODEL_HUB_FILE}`, location.href).href;

export interface PathRun {
  coldLoadMs: number;
  cachedLoadMs: number;
  promptTokens: number;
  tokens: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  threads: number;
  text: string;
}

declare global {
  interface Window {
    realDirect(prompt: string, maxTokens: number): Promise<PathRun>;
    realApp(prompt: string, maxTokens: number): Promise<PathRun>;
    realTranslate(source: string, to: string): Promise<string>;
  }
}

const loadOptions = { n_ctx: 4096, n_threads: defaultThreadCount(), n_gpu_layers: 0, n_parallel: 1 };

window.realDirect = async (prompt, maxTokens) => {
  const first = new Wllama(wllamaAssets, { suppressNativeLog: true });
  await first.cacheManager.clear();
  let started = performance.now();
  await first.loadModelFromUrl(MODEL_URL, loadOptions);
  const coldLoadMs = performance.now() - started;
  await first.exit();
  const wllama = new Wllama(wllamaAssets, { suppressNativeLog: true });
  started = performance.now();
  await wllama.loadModelFromUrl(MODEL_URL, loadOptions);
  const cachedLoadMs = performance.now() - started;

  let text = '';
  let first_ = 0;
  let last = 0;
  let timings: { prompt_n: number; prompt_per_second: number; predicted_n: number } | undefined;
  await wllama.createChatCompletion({
    messages: [{ role: 'user', content: prompt }],
    stream: true,
    max_tokens: maxTokens,
    temperature: 0,
    // The same options as the app's CPU engine, so both paths count tokens the same way.
    timings_per_token: true,
    onData: (chunk) => {
      if (chunk.timings) timings = chunk.timings;
      const content = chunk.choices[0]?.delta?.content;
      if (!content) return;
      text += content;
      last = performance.now();
      first_ ||= last;
    },
  });
  await wllama.exit();
  const tokens = timings?.predicted_n ?? 0;
  return {
    coldLoadMs,
    cachedLoadMs,
    promptTokens: timings?.prompt_n ?? 0,
    tokens,
    prefillTokensPerSecond: timings?.prompt_per_second ?? NaN,
    decodeTokensPerSecond: ((tokens - 1) * 1000) / (last - first_),
    threads: loadOptions.n_threads,
    text,
  };
};

/** A fresh engine, as a page load makes one; `load` returns how long loading took. */
async function appEngine(): Promise<{ library: CpuModelLibrary; client: CpuEngineClient; loadMs: number }> {
  const store = new EngineStore('cpu');
  const client = new CpuEngineClient({ store });
  const library = new CpuModelLibrary(client);
  const entry = library.addCustom({ url: MODEL_URL });
  const started = performance.now();
  const ok = await library.engine.load(entry.id);
  if (!ok) throw new Error(`The app could not load the model: ${JSON.stringify(store.state)}`);
  return { library, client, loadMs: performance.now() - started };
}

window.realApp = async (prompt, maxTokens) => {
  await new CpuEngineClient({ store: new EngineStore('cpu') }).deleteModel(MODEL_URL);
  const cold = await appEngine();
  cold.client.dispose();
  const { library, client, loadMs: cachedLoadMs } = await appEngine();

  const chat = mountChat(library.engine, 'aperto-real-bench');
  const { reply, firstPaintMs, lastPaintMs } = await replyOnScreen(chat, prompt, maxTokens);
  chat.remove();
  const threads = client.threadCount();
  client.dispose();
  const tokens = reply.figures?.completionTokens ?? 0;
  return {
    coldLoadMs: cold.loadMs,
    cachedLoadMs,
    promptTokens: reply.figures?.promptTokens ?? 0,
    tokens,
    prefillTokensPerSecond: reply.figures?.prefillTokensPerSecond ?? NaN,
    decodeTokensPerSecond: ((tokens - 1) * 1000) / (lastPaintMs - firstPaintMs),
    threads,
    text: reply.content,
  };
};

let translator: Translator | undefined;

/** The app's translator (prompt, clean-up, stop past the translation) on the CPU engine. */
window.realTranslate = async (source, to) => {
  if (!translator) {
    const { library } = await appEngine();
    translator = new Translator(library.engine);
  }
  const result = await translator.translate({ source, from: 'en', to }, () => undefined);
  if (result.error) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.text;
};

export const model = TEST_MODEL;
