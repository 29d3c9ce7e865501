/**
 * The translator's request as each engine receives it, and what a model makes of it.
 *
 * - web-llm (GPU): what the app hands web-llm for a translation, as it arrives in the model worker,
 *   checked by web-llm's own request validation. Its conversation template for Qwen3 comes with the model's mlc-chat-config, which
 *   cannot be downloaded here, so the rendered prompt itself is not seen; web-llm adds the empty
 *   think block for `enable_thinking: false` itself, whatever the template (llm_chat.ts).
 * - wllama (CPU): llama.cpp renders the GGUF's own Jinja chat template. A synthetic model carrying
 *   Qwen3's thinking switch shows that the switch reaches the template (the empty think block is in
 *   the prompt), which only happens with Jinja templates, on by default in this wllama.
 * - SmolLM2-135M-Instruct (real, CPU): asked to translate a question, it translates it instead of
 *   answering it, and the engine itself ends the translation at the line break.
 */
import { expect } from '@open-wc/testing';
import { CacheManager } from '@wllama/wllama/esm/index.js';
import { ModelType, postInitAndCheckFieldsChatCompletion, type ChatCompletionRequest } from '@mlc-ai/web-llm';
import type { ChatRequest, ChatStreamEvent, ChatUsage } from '../../src/engine/chat-engine.js';
import { CpuEngineClient, type CpuModel } from '../../src/engine/cpu/cpu-engine-client.js';
import { EngineClient } from '../../src/engine/engine-client.js';
import { ModuleWorker } from '../../src/engine/module-worker.js';
import { EngineStore } from '../../src/engine/store.js';
import { Translator, translationRequest, translationTokenCap } from '../../src/translate/translator.js';
import { hubModelRecords } from '../support/local-hub.mjs';
import { TEST_MODEL, TEST_MODEL_HUB_FILE, TEMPLATE_TOKENS } from '../support/test-model.mjs';

const QWEN3_GPU = 'Qwen3-0.6B-q4f32_1-MLC';

interface Reply {
  text: string;
  usage?: ChatUsage;
  stopped: boolean;
}

async function reply(engine: { streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> }, request: ChatRequest): Promise<Reply> {
  const result: Reply = { text: '', stopped: false };
  for await (const event of engine.streamChat(request)) {
    if (event.type === 'delta') result.text += event.text;
    else if (event.type === 'usage') result.usage = event.usage;
    else result.stopped = true;
  }
  return result;
}

describe('a translation request on the GPU engine (web-llm)', () => {
  let client: EngineClient;
  afterEach(() => client.dispose());

  it('hands web-llm the instruction and text in the user turn, a newline stop, a small cap and the thinking switch off', async () => {
    const store = new EngineStore();
    const workerUrl = new URL('../support/request-catcher.worker.ts', import.meta.url);
    const sent: ChatCompletionRequest[] = [];
    // What the app sends, caught in the model worker where web-llm would receive it (no model library loads here).
    const createWorker = () => {
      const worker = new ModuleWorker(workerUrl, { type: 'module' });
      worker.addEventListener('message', (event: MessageEvent<{ kind?: string; request?: ChatCompletionRequest }>) => {
        if (event.data.kind === 'caught' && event.data.request) sent.push(event.data.request);
      });
      return worker;
    };
    client = new EngineClient({ store, appConfig: { model_list: hubModelRecords(new URL('/hub/', location.href).href) }, createWorker });
    store.startLoading(QWEN3_GPU);
    store.markReady(QWEN3_GPU);

    const result = await new Translator(client).translate(
      { source: 'What is the capital of France?', from: 'en', to: 'fr', context: [{ source: 'Good morning.', translation: 'Bonjour.' }] },
      () => undefined,
    );

    expect(result.text).to.equal('Quelle est la capitale de la France ?');
    const [request] = sent;
    expect(request.messages.map((m) => m.role)).to.deep.equal(['user', 'assistant', 'user']);
    expect(request.messages[2].content).to.equal(
      'Translate the text between <text> and </text> from English into French. Write only the translation.\n<text>What is the capital of France?</text>\n/no_think',
    );
    expect(request.messages[0].content).to.include('<text>Good morning.</text>');
    expect(request.stop).to.deep.equal(['\n']);
    expect(request.max_tokens).to.equal(20);
    expect(request.temperature).to.equal(0);
    expect(request.extra_body).to.deep.equal({ enable_thinking: false });
    // web-llm's own checks of a chat request accept it as it is.
    expect(() => postInitAndCheckFieldsChatCompletion(request, QWEN3_GPU, ModelType.LLM)).not.to.throw();
  });
});

/** Qwen3's thinking switch, as its chat template has it, in a template small enough for the synthetic model. */
const QWEN3_THINKING_TEMPLATE =
  "{%- for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{%- endfor %}" +
  "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}" +
  "{%- if enable_thinking is defined and enable_thinking is false %}{{ '<think>\\n\\n</think>\\n\\n' }}{%- endif %}{%- endif %}";

/**
 * The synthetic model (local hub) with another chat template. The GGUF header grows by a multiple
 * of its 32-byte alignment (the template is padded with a Jinja comment), so the tensor data that
 * follows stays aligned and its offsets, relative to the data section, stay right.
 */
async function syntheticWithTemplate(template: string): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(await (await fetch('/hub/gguf/synthetic.gguf')).arrayBuffer());
  const encode = (text: string) => new TextEncoder().encode(text);
  // The key, then its value: type (u32, 8 = string), length (u64), the template's bytes.
  const key = encode('tokenizer.chat_template');
  let keyAt = -1;
  search: for (let i = 0; i <= bytes.length - key.length; i++) {
    for (let j = 0; j < key.length; j++) if (bytes[i + j] !== key[j]) continue search;
    keyAt = i;
    break;
  }
  if (keyAt < 0) throw new Error('The synthetic model has no chat template to replace');
  const view = new DataView(bytes.buffer);
  const lengthAt = keyAt + key.length + 4;
  const oldLength = Number(view.getBigUint64(lengthAt, true));
  const at = lengthAt + 8;
  const bare = encode(template).length;
  const grow = Math.ceil((bare + 4 - oldLength) / 32) * 32;
  const padded = encode(`${template}{#${' '.repeat(oldLength + grow - bare - 4)}#}`);
  const out = new Uint8Array(bytes.length + grow);
  out.set(bytes.subarray(0, lengthAt));
  new DataView(out.buffer).setBigUint64(lengthAt, BigInt(padded.length), true);
  out.set(padded, at);
  out.set(bytes.subarray(at + oldLength), at + padded.length);
  return out;
}

describe('a translation request on the CPU engine (wllama) for a Qwen3 model', function () {
  this.timeout(120_000);
  let client: CpuEngineClient;
  const url = new URL('/hub/gguf/never-served-qwen3-thinking-template.gguf', location.href).href;

  before(async () => {
    // Placed in wllama's model cache as if downloaded: the hub serves only its own files.
    const bytes = await syntheticWithTemplate(QWEN3_THINKING_TEMPLATE);
    const cache = new CacheManager();
    await cache.write(await cache.getNameFromURL(url), new Blob([bytes]).stream(), { etag: 'test', originalSize: bytes.length, originalURL: url });
    client = new CpuEngineClient({ store: new EngineStore('cpu') });
    const model: CpuModel = { id: 'Qwen3-0.6B-Q8_0-GGUF', url };
    expect(await client.load(model), JSON.stringify(client.store.state)).to.equal(true);
  });
  after(async () => {
    await client?.deleteModel(url);
    client?.dispose();
  });

  it('never spends the reply budget thinking: the empty think block is in the prompt, and the budget is twice the source', async () => {
    const source = 'Hello, world.';
    const request = translationRequest({ source, from: 'en', to: 'it' }, client.store.modelId);

    const translation = await reply(client, request);
    const thinking = await reply(client, { ...request, enableThinking: true });

    // `<think>\n\n</think>\n\n` after the assistant's header: the template saw enable_thinking = false.
    expect(translation.usage!.promptTokens - thinking.usage!.promptTokens).to.be.greaterThanOrEqual(8);
    // The reply comes as text from its first token, not as reasoning that llama.cpp would set aside,
    // and the synthetic model, which never ends a reply itself, is stopped near twice the source's tokens.
    expect(translation.text.length).to.be.greaterThan(0);
    expect(translation.usage!.completionTokens).to.be.at.most(translationTokenCap(source));
  });
});

describe('translating with a real small model (SmolLM2-135M-Instruct on the CPU engine)', function () {
  this.timeout(5 * 60_000);
  let client: CpuEngineClient;
  const smollm2: CpuModel = {
    id: 'smollm2-135m-instruct-q4_1',
    url: new URL(`/hub/gguf/${TEST_MODEL_HUB_FILE}`, location.href).href,
    sha256: TEST_MODEL.sha256,
    sizeBytes: TEST_MODEL.bytes,
  };

  before(async () => {
    const head = await fetch(smollm2.url, { method: 'HEAD' });
    if (!head.ok) throw new Error(`The real test model is not available (${head.status}): ${await (await fetch(smollm2.url)).text()}`);
    client = new CpuEngineClient({ store: new EngineStore('cpu') });
    expect(await client.load(smollm2), JSON.stringify(client.store.state)).to.equal(true);
  });
  after(async () => {
    await client?.deleteModel(smollm2.url);
    client?.dispose();
  });

  it('translates a question instead of answering it', async () => {
    const result = await new Translator(client).translate({ source: 'What is the capital of France?', from: 'en', to: 'fr' }, () => undefined);

    console.log(`“What is the capital of France?” → “${result.text}”`);
    expect(result.error).to.equal(undefined);
    expect(result.text.length).to.be.greaterThan(3);
    expect(result.text).not.to.match(/Paris|^The\b|\bis\b/);
  });

  it('ends the translation at the line break itself, before the cap', async () => {
    const request = translationRequest({ source: 'The cat is on the table.', from: 'en', to: 'fr' }, client.store.modelId);

    const result = await reply(client, request);

    console.log(`“The cat is on the table.” → ${JSON.stringify(result.text)} ${JSON.stringify(result.usage)}`);
    expect(result.stopped, 'nobody had to stop it').to.equal(false);
    expect(result.text.trim().length).to.be.greaterThan(3);
    expect(result.text).not.to.include('\n');
    for (const token of TEMPLATE_TOKENS) expect(result.text).not.to.include(token);
    expect(result.usage!.completionTokens).to.be.lessThan(request.maxTokens);
  });
});
