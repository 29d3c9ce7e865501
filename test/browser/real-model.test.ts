/**
 * The CPU engine with a real open-weight model: SmolLM2-135M-Instruct (Q4_1, 98 MB), downloaded by
 * the app's own CPU engine client from the local hub, checked against its SHA-256, loaded by wllama's
 * llama.cpp in WebAssembly and asked real questions. Where the synthetic model only proves that tokens
 * flow, this proves that a model answers: the right fact, ended by its own end-of-turn, with none of
 * its chat template's tokens leaking into the text.
 *
 * The hub serves the file from the cache that `npm run fetch-test-model` fills
 * (test/support/test-model.mjs). Without it these tests fail, saying so: a test that skipped would
 * let a machine without the model pass for one where it works.
 */
import { expect } from '@open-wc/testing';
import type { ChatRequest, ChatUsage } from '../../src/engine/chat-engine.js';
import { CpuEngineClient, type CpuModel } from '../../src/engine/cpu/cpu-engine-client.js';
import { EngineStore } from '../../src/engine/store.js';
import { TEST_MODEL, TEST_MODEL_HUB_FILE, TEMPLATE_TOKENS } from '../support/test-model.mjs';

const SMOLLM2: CpuModel = {
  id: 'smollm2-135m-instruct-q4_1',
  url: new URL(`/hub/gguf/${TEST_MODEL_HUB_FILE}`, location.href).href,
  sha256: TEST_MODEL.sha256,
  sizeBytes: TEST_MODEL.bytes,
};


interface Reply {
  text: string;
  usage: ChatUsage;
}

async function ask(client: CpuEngineClient, question: string, request: Partial<ChatRequest> = {}): Promise<Reply> {
  let text = '';
  let usage: ChatUsage | undefined;
  // Greedy (temperature 0), so the reply is the model's single most likely one, the same every run.
  for await (const event of client.streamChat({ messages: [{ role: 'user', content: question }], temperature: 0, topP: 1, maxTokens: 64, ...request })) {
    if (event.type === 'delta') text += event.text;
    else if (event.type === 'usage') usage = event.usage;
  }
  expect(usage, 'the reply ends with its usage').to.exist;
  return { text, usage: usage! };
}

const rate = (value: number | undefined) => (value ? `${value.toFixed(0)} tokens/s` : 'n/a');

describe('a real model on the CPU engine (SmolLM2-135M-Instruct, llama.cpp in WebAssembly)', function () {
  // A 98 MB download from this machine, its checksum and llama.cpp's start take seconds, not minutes;
  // the margin is for a busy two-core machine.
  this.timeout(5 * 60_000);
  let store: EngineStore;
  let client: CpuEngineClient;

  before(async () => {
    const head = await fetch(SMOLLM2.url, { method: 'HEAD' });
    if (!head.ok) {
      // The hub's 404 says what to run; a HEAD has no body, so ask again for it.
      throw new Error(`The real test model is not available (${head.status}): ${await (await fetch(SMOLLM2.url)).text()}`);
    }
    store = new EngineStore('cpu');
    client = new CpuEngineClient({ store });
    // A fresh download every run, so the SHA-256 check (made on download only) is part of the test.
    await client.deleteModel(SMOLLM2.url);
    let downloadedAt: number | undefined;
    store.addEventListener('change', () => {
      const state = store.state;
      if (state.status === 'loading' && state.phase === 'finishing') downloadedAt ??= performance.now();
    });

    const began = performance.now();
    const ready = await client.load(SMOLLM2);

    const loadedAt = performance.now();
    expect(ready, `the model loads: ${JSON.stringify(store.state)}`).to.equal(true);
    console.log(
      `SmolLM2-135M-Instruct ready in ${(loadedAt - began).toFixed(0)} ms on ${client.threadCount()} thread(s): ` +
        `download and SHA-256 ${((downloadedAt ?? loadedAt) - began).toFixed(0)} ms, ` +
        `llama.cpp load ${(loadedAt - (downloadedAt ?? loadedAt)).toFixed(0)} ms; context window ${client.contextWindow()}`,
    );
  });

  after(async () => {
    // 98 MB of this browser profile's storage, which the other tests need no part of.
    await client?.deleteModel(SMOLLM2.url);
    client?.dispose();
  });

  it('answers "What is the capital of France?" with Paris, ending the reply itself', async () => {
    const maxTokens = 64;

    const reply = await ask(client, 'What is the capital of France?', { maxTokens });

    console.log(`“${reply.text}” ${JSON.stringify(reply.usage)}`);
    expect(reply.text).to.include('Paris');
    // Fewer tokens than allowed: the model stopped at its end-of-turn, not at the limit.
    expect(reply.usage.completionTokens).to.be.lessThan(maxTokens);
    for (const token of TEMPLATE_TOKENS) expect(reply.text).not.to.include(token);
  });

  it('writes a longer reply as plain text, with its reading and writing speeds', async () => {
    // The native bench's prompt (bench/native-llama.mjs), which greedy SmolLM2 does not end early.
    const maxTokens = 128;

    const reply = await ask(client, 'Write a short story about a lighthouse keeper.', { maxTokens });

    console.log(
      `${reply.usage.promptTokens} prompt tokens read at ${rate(reply.usage.prefillTokensPerSecond)}, ` +
        `${reply.usage.completionTokens} written at ${rate(reply.usage.decodeTokensPerSecond)}, ` +
        `first after ${reply.usage.timeToFirstTokenMs?.toFixed(0)} ms, on ${client.threadCount()} thread(s): “${reply.text.slice(0, 60)}…”`,
    );
    expect(reply.text.split(/\s+/).length, 'words').to.be.greaterThan(20);
    for (const token of TEMPLATE_TOKENS) expect(reply.text).not.to.include(token);
    expect(reply.usage.prefillTokensPerSecond).to.be.greaterThan(0);
    expect(reply.usage.decodeTokensPerSecond).to.be.greaterThan(0);
  });
});
