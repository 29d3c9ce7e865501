/**
 * The yardstick for the CPU engine: the same model and the same chat as in the browser, run by native
 * llama.cpp (node-llama-cpp's prebuilt binary, CPU only) on the same number of threads. What wllama
 * in WebAssembly reaches is best read as a fraction of this.
 *
 *   node bench/native-llama.mjs [--threads N] [--max-tokens N] [--prompt TEXT]   # prints one JSON line
 *
 * The model is the real test model (test/support/test-model.mjs); `npm run fetch-test-model` first.
 *
 * The prompt is rendered by the model's own chat template (the Jinja template in the GGUF, as wllama
 * renders it), so both engines read the same tokens. SmolLM2's template adds its default system
 * message ("You are a helpful AI assistant named SmolLM…") when a chat has none. Decoding is greedy.
 * Same tokens in, yet not always the same words out: x86 and WebAssembly kernels round differently and
 * greedy decoding follows the difference (asked for the capital of France, wllama says "Paris", this
 * says "L'Étoile…"). The speeds compare; the texts need not.
 *
 * The reply is generated token by token through the context sequence's `evaluate`, so that the prompt
 * and every reply token are counted exactly, and the two phases are timed apart:
 *   prefill = the prompt's tokens / the time to the first reply token (reading the prompt dominates it);
 *   decode  = the reply's later tokens / the time from the first reply token to the last.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { getLlama, getModuleVersion, JinjaTemplateChatWrapper, LlamaLogLevel } from 'node-llama-cpp';
import { TEST_MODEL, testModelPath, testModelPresent } from '../test/support/test-model.mjs';

/** A reply long enough for a decode figure: greedy SmolLM2 writes past 128 tokens without stopping. */
export const DEFAULT_PROMPT = 'Write a short story about a lighthouse keeper.';
export const DEFAULT_MAX_TOKENS = 128;
/** As in the app's CPU engine (src/engine/cpu/cpu-engine-client.ts), so memory and speed compare. */
const CONTEXT_SIZE = 4096;

/**
 * The thread count the app gives wllama by default (defaultThreadCount in
 * src/engine/cpu/wllama-assets.ts), from this machine's cores, so the default run compares like with
 * like: every core but one up to four cores, then half of them, at most eight.
 */
export function browserDefaultThreads(cores = availableParallelism()) {
  return Math.max(1, Math.min(8, cores <= 4 ? cores - 1 : Math.floor(cores / 2)));
}

/**
 * Load the test model with native llama.cpp on the CPU and time one greedy chat reply.
 *
 * @param {{ threads?: number, maxTokens?: number, prompt?: string }} [options]
 * @returns {Promise<{
 *   engine: string, model: string, threads: number,
 *   loadMs: { cold: number, cached: number }, bindingMs: number,
 *   promptTokens: number, completionTokens: number, stoppedBy: 'end-of-turn' | 'max-tokens',
 *   timeToFirstTokenMs: number, prefillTokensPerSecond: number, decodeTokensPerSecond: number, text: string,
 * }>}
 */
export async function benchNativeLlama({ threads = browserDefaultThreads(), maxTokens = DEFAULT_MAX_TOKENS, prompt = DEFAULT_PROMPT } = {}) {
  if (!testModelPresent()) {
    throw new Error(`${TEST_MODEL.file} is not at ${testModelPath()}: run \`npm run fetch-test-model\` first.`);
  }
  // Only the binary that npm installed (@node-llama-cpp/linux-x64 and kin): never a download or a
  // build of llama.cpp from source, which would need the network and minutes.
  let started = performance.now();
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: threads });
  const bindingMs = performance.now() - started;
  try {
    // "Load" is what wllama's loadModel does too: read the weights and make a context ready to use.
    // The first load in a process reads the file (from the OS page cache once it has been read
    // before); the second shows what is left once the file is cached.
    const load = async () => {
      const began = performance.now();
      const model = await llama.loadModel({ modelPath: testModelPath() });
      const context = await model.createContext({ contextSize: CONTEXT_SIZE, threads, sequences: 1 });
      return { model, context, ms: performance.now() - began };
    };
    const first = await load();
    await first.context.dispose();
    await first.model.dispose();
    const { model, context, ms: cachedMs } = await load();

    const chatWrapper = new JinjaTemplateChatWrapper({ template: model.fileInfo.metadata.tokenizer.chat_template });
    const { contextText } = chatWrapper.generateContextState({
      chatHistory: [
        { type: 'user', text: prompt },
        // An empty reply asks the template for its generation prompt ("<|im_start|>assistant\n").
        { type: 'model', response: [] },
      ],
    });
    const promptTokens = contextText.tokenize(model.tokenizer);
    const sequence = context.getSequence();

    // One untimed token first: llama.cpp sizes its compute buffers on the first evaluation, which
    // wllama does at load time (its warm-up) and which is no part of reading a prompt.
    for await (const token of sequence.evaluate(promptTokens.slice(0, 1), { temperature: 0 })) {
      void token;
      break;
    }
    await sequence.clearHistory();

    const reply = [];
    let firstAt = 0;
    let lastAt = 0;
    let stoppedBy = 'max-tokens';
    started = performance.now();
    // temperature 0 is greedy: the most likely token every time, as the browser test asks wllama for.
    for await (const token of sequence.evaluate(promptTokens, { temperature: 0 })) {
      lastAt = performance.now();
      firstAt ||= lastAt;
      reply.push(token);
      // The end-of-turn token (<|im_end|>) counts as generated, as llama.cpp's server counts it.
      if (model.isEogToken(token)) {
        stoppedBy = 'end-of-turn';
        break;
      }
      if (reply.length >= maxTokens) break;
    }
    const timeToFirstTokenMs = firstAt - started;
    const decodeSeconds = (lastAt - firstAt) / 1000;
    const result = {
      engine: `node-llama-cpp ${await getModuleVersion()}, llama.cpp ${llama.llamaCppRelease.release}, ${llama.buildType} binary, CPU`,
      model: TEST_MODEL.file,
      threads: context.idealThreads,
      loadMs: { cold: Math.round(first.ms), cached: Math.round(cachedMs) },
      bindingMs: Math.round(bindingMs),
      promptTokens: promptTokens.length,
      completionTokens: reply.length,
      stoppedBy,
      timeToFirstTokenMs: round(timeToFirstTokenMs),
      prefillTokensPerSecond: round(promptTokens.length / (timeToFirstTokenMs / 1000)),
      decodeTokensPerSecond: reply.length > 1 ? round((reply.length - 1) / decodeSeconds) : 0,
      text: model.detokenize(reply.filter((token) => !model.isEogToken(token))),
    };
    await context.dispose();
    await model.dispose();
    return result;
  } finally {
    await llama.dispose();
  }
}

const round = (value) => Math.round(value * 10) / 10;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { threads: { type: 'string' }, 'max-tokens': { type: 'string' }, prompt: { type: 'string' } },
  });
  try {
    const result = await benchNativeLlama({
      ...(values.threads ? { threads: Number(values.threads) } : {}),
      ...(values['max-tokens'] ? { maxTokens: Number(values['max-tokens']) } : {}),
      ...(values.prompt ? { prompt: values.prompt } : {}),
    });
    console.log(JSON.stringify(result));
  } catch (error) {
    console.error(`native-llama: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
