/**
 * The CPU engine for real: wllama's llama.cpp WebAssembly in Chromium, loading a synthetic GGUF
 * model (test/support/make-synthetic-gguf.mjs) from the local hub and generating real tokens with
 * it. Nothing is mocked; what is checked is what a person would see: progress, replies, errors.
 *
 * The synthetic model never samples its end-of-turn token, so a reply that is not interrupted
 * always runs to max_tokens.
 */
import { expect } from '@open-wc/testing';
import type { ChatRequest, ChatStreamEvent, ChatUsage } from '../../src/engine/chat-engine.js';
import { defaultThreadCount } from '../../src/engine/cpu/wllama-assets.js';
import { CpuEngineClient, type CpuModel } from '../../src/engine/cpu/cpu-engine-client.js';
import type { EngineError } from '../../src/engine/errors.js';
import { EngineStore, type EngineState } from '../../src/engine/store.js';
import { CacheManager } from '@wllama/wllama/esm/index.js';
import { waitFor } from '../support/dom.js';

const hub = new URL('/hub/gguf/', location.href).href;
const gguf = (name: string): CpuModel => ({ id: `test-${name.replace('.gguf', '')}`, url: `${hub}${name}` });
const SYNTHETIC = gguf('synthetic.gguf');

/** The model files wllama keeps complete on this device (what a load would read without downloading). */
async function storedUrls(): Promise<string[]> {
  const files = await new CacheManager().list();
  return files.filter((f) => !f.metadata.originalSize || f.size >= f.metadata.originalSize).map((f) => f.metadata.originalURL);
}

/** Every model file wllama keeps, complete or not. */
async function allStoredUrls(): Promise<string[]> {
  return (await new CacheManager().list()).map((f) => f.metadata.originalURL);
}

async function hubLog(): Promise<string[]> {
  return (await fetch('/hub/__log')).json();
}

function recordStates(store: EngineStore): EngineState[] {
  const states: EngineState[] = [];
  store.addEventListener('change', () => states.push(store.state));
  return states;
}

function errorOf(store: EngineStore): Extract<EngineState, { status: 'error' }> {
  const state = store.state;
  if (state.status !== 'error') throw new Error(`Expected an error, the store is ${state.status}`);
  return state;
}

interface Reply {
  text: string;
  deltas: number;
  usage?: ChatUsage;
  /** The stream said the reply ended early. */
  stopped?: boolean;
}

async function reply(client: CpuEngineClient, request: Partial<ChatRequest>, onDelta?: (deltas: number) => void): Promise<Reply> {
  const result: Reply = { text: '', deltas: 0 };
  const events: AsyncIterable<ChatStreamEvent> = client.streamChat({
    messages: [{ role: 'user', content: 'Hello, model in the browser!' }],
    temperature: 0.8,
    topP: 0.95,
    maxTokens: 48,
    ...request,
  });
  for await (const event of events) {
    if (event.type === 'delta') {
      result.text += event.text;
      result.deltas++;
      onDelta?.(result.deltas);
    } else if (event.type === 'usage') {
      result.usage = event.usage;
    } else {
      result.stopped = true;
    }
  }
  return result;
}

describe('the CPU engine (llama.cpp in WebAssembly)', () => {
  describe('loading a model', () => {
    let store: EngineStore;
    let client: CpuEngineClient;

    beforeEach(async () => {
      store = new EngineStore('cpu');
      // Short waits between download retries, so the retry tests take milliseconds, not seconds.
      client = new CpuEngineClient({ store, retryDelaysMs: [50, 100], stallTimeoutMs: 1500 });
      await fetch('/hub/__reset');
    });

    afterEach(() => client.dispose());

    it('shows download progress in real bytes of the whole file, then becomes ready', async () => {
      await client.deleteModel(SYNTHETIC.url);
      const fileSize = Number((await fetch(SYNTHETIC.url, { method: 'HEAD' })).headers.get('content-length'));
      const states = recordStates(store);

      const ready = await client.load(SYNTHETIC);

      expect(ready).to.equal(true);
      expect(store.state).to.deep.equal({ status: 'ready', modelId: SYNTHETIC.id });
      const downloading = states.filter((s) => s.status === 'loading' && s.phase === 'downloading');
      expect(downloading.length, 'downloading states').to.be.greaterThan(0);
      for (const state of downloading) {
        if (state.status !== 'loading') continue;
        expect(state.loadedBytes).to.be.greaterThan(0);
        expect(state.totalBytes).to.equal(fileSize);
      }
      expect(client.contextWindow()).to.equal(512);
    });

    it('loads the model from this device the second time, without downloading it again', async () => {
      await client.load(SYNTHETIC);
      client.dispose();
      await fetch('/hub/__reset');
      const again = new CpuEngineClient({ store });

      const ready = await again.load(SYNTHETIC);
      again.dispose();

      expect(ready).to.equal(true);
      expect(await hubLog()).to.deep.equal([]);
    });

    it('says a missing model file was not found, naming its address', async () => {
      const missing = gguf('no-such-model.gguf');

      const ready = await client.load(missing);

      expect(ready).to.equal(false);
      const error = errorOf(store);
      expect(error.code).to.equal('model-not-found');
      expect(error.message).to.include(missing.url);
      expect(error.message).to.include('404');
      expect(error.modelId).to.equal(missing.id);
    });

    it('says a truncated file is damaged, in words rather than a WebAssembly crash', async () => {
      const ready = await client.load(gguf('truncated.gguf'));

      expect(ready).to.equal(false);
      const error = errorOf(store);
      expect(error.code).to.equal('bad-model-file');
      expect(error.message).to.match(/damaged|incomplete/);
      expect(error.message).not.to.match(/RuntimeError|ABORT|typed array/i);
      expect(error.detail).to.include('not within the file bounds');
    });

    it('says a file of random bytes is not a model it can read', async () => {
      const ready = await client.load(gguf('corrupt.gguf'));

      expect(ready).to.equal(false);
      const error = errorOf(store);
      expect(error.code, error.detail).to.equal('bad-model-file');
      expect(error.message).not.to.match(/RuntimeError|ABORT|typed array/i);
      expect(error.detail).to.include('invalid magic');
    });

    it('downloads a damaged file again on retry instead of failing from the stored copy', async () => {
      const truncated = gguf('truncated.gguf');
      await client.load(truncated);

      await client.load(truncated);

      expect(errorOf(store).code).to.equal('bad-model-file');
      expect((await hubLog()).filter((line) => line === 'GET /hub/gguf/truncated.gguf')).to.have.length(2);
    });

    it('tries a dropped download twice more, saying so, then reports a network error and keeps nothing', async () => {
      const states = recordStates(store);
      const ready = await client.load(gguf('dropping.gguf'));

      expect(ready).to.equal(false);
      expect(errorOf(store).code).to.equal('network');
      expect((await hubLog()).filter((line) => line === 'GET /hub/gguf/dropping.gguf')).to.have.length(3);
      const retries = states.flatMap((s) => (s.status === 'loading' && s.retry ? [s.retry.attempt] : []));
      expect(retries).to.deep.equal([2, 3]);
      // The partial file goes once storage work settles.
      const url = gguf('dropping.gguf').url;
      for (let i = 0; i < 40 && (await allStoredUrls()).includes(url); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await allStoredUrls(), 'no partial file left').not.to.include(url);
    });

    it('gives up on a download that stops moving (a stalled host), after retrying, with a network error', async () => {
      const ready = await client.load(gguf('stalling.gguf'));

      expect(ready).to.equal(false);
      const error = errorOf(store);
      expect(error.code).to.equal('network');
      expect(error.detail).to.include('stalled');
      expect((await hubLog()).filter((line) => line === 'GET /hub/gguf/stalling.gguf')).to.have.length(3);
    });

    it('loads the model when a dropped connection comes back within the retries', async () => {
      const ready = await client.load(gguf('flaky.gguf'));

      expect(ready).to.equal(true);
      expect((await hubLog()).filter((line) => line === 'GET /hub/gguf/flaky.gguf')).to.have.length(3);
      expect(await storedUrls()).to.include(gguf('flaky.gguf').url);
      await client.deleteModel(gguf('flaky.gguf').url);
    });

    it('checks a fresh download against its SHA-256 and accepts a matching file', async () => {
      await client.deleteModel(SYNTHETIC.url);
      const bytes = await (await fetch(SYNTHETIC.url)).arrayBuffer();
      const sha256 = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) =>
        b.toString(16).padStart(2, '0'),
      ).join('');

      expect(await client.load({ ...SYNTHETIC, sha256 })).to.equal(true);
    });

    it('says a download whose SHA-256 does not match is not the expected file, and does not keep it', async () => {
      await client.deleteModel(SYNTHETIC.url);

      const ready = await client.load({ ...SYNTHETIC, sha256: '0'.repeat(64) });

      expect(ready).to.equal(false);
      const error = errorOf(store);
      expect(error.code).to.equal('bad-model-file');
      expect(error.message).to.include('checksum');
      await fetch('/hub/__reset');
      expect(await client.load(SYNTHETIC)).to.equal(true);
      expect(await hubLog(), 'downloaded again').to.include('GET /hub/gguf/synthetic.gguf');
    });

    it('runs llama.cpp on several threads when the page is cross-origin isolated', async () => {
      expect(crossOriginIsolated, 'the test server sends COOP and COEP').to.equal(true);
      const threaded = new CpuEngineClient({ store: new EngineStore('cpu'), threads: 2 });

      expect(await threaded.load(SYNTHETIC)).to.equal(true);

      expect(threaded.threadCount()).to.equal(2);
      threaded.dispose();
    });

    it('leaves the page a core of its own on small machines', () => {
      const cores = navigator.hardwareConcurrency;

      expect(defaultThreadCount()).to.equal(cores <= 4 ? Math.max(1, cores - 1) : Math.min(8, Math.floor(cores / 2)));
    });

    it('ends a reply in progress, without hanging, when the model is unloaded', async () => {
      await client.load(SYNTHETIC);

      const answer = await reply(client, { maxTokens: 400 }, (deltas) => deltas === 5 && client.dispose());

      expect(answer.text).not.to.equal('');
      expect(answer.usage!.completionTokens).to.be.lessThan(400);
      expect(store.state.status).to.equal('idle');
    });

    it('ends the reply in progress, marked stopped, before loading another model, which then loads', async () => {
      await client.load(SYNTHETIC);
      const states = recordStates(store);
      let loading: Promise<boolean> | undefined;
      const other = gguf('synthetic.gguf?copy=2');

      const answer = await reply(client, { maxTokens: 400 }, (deltas) => {
        if (deltas === 5) loading = client.load(other);
      });

      expect(answer.stopped, 'the reply says it was stopped').to.equal(true);
      expect(answer.usage!.completionTokens).to.be.lessThan(400);
      expect(await loading).to.equal(true);
      const statuses = states.map((s) => s.status);
      expect(statuses.slice(0, statuses.indexOf('loading')), 'the reply let go of the model before the load began').to.deep.equal([
        'generating',
        'ready',
      ]);
      expect(store.state).to.deep.equal({ status: 'ready', modelId: 'test-synthetic?copy=2' });
      // This origin's storage is shared with other test files: leave no extra model behind.
      await client.deleteModel(other.url);
    });

    it('goes back to idle, with a note, when a slow download is cancelled, and can load again', async () => {
      const slow = gguf('slow.gguf');
      const loading = client.load(slow);
      await waitFor(() => store.state.status === 'loading' && store.state.loadedBytes > 0, 'the slow download to start');

      client.cancel();

      expect(store.state.status).to.equal('idle');
      expect(store.state.status === 'idle' && store.state.note).to.match(/cancelled/i);
      expect(await loading).to.equal(false);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(store.state.status, 'no late progress revives the load').to.equal('idle');
      expect(await client.load(SYNTHETIC)).to.equal(true);
    });
  });

  describe('chatting with the loaded model', () => {
    let store: EngineStore;
    let client: CpuEngineClient;

    before(async () => {
      store = new EngineStore('cpu');
      client = new CpuEngineClient({ store });
      expect(await client.load(SYNTHETIC), 'the synthetic model loads').to.equal(true);
    });

    after(() => client.dispose());

    it('streams a reply of generated text, then its token counts and speed', async () => {
      const states = recordStates(store);

      const answer = await reply(client, { maxTokens: 64 });

      expect(answer.deltas).to.be.greaterThan(1);
      expect(answer.text.trim()).not.to.equal('');
      expect(answer.usage!.completionTokens).to.equal(64);
      expect(answer.usage!.promptTokens).to.be.greaterThan(0);
      expect(answer.usage!.decodeTokensPerSecond).to.be.greaterThan(0);
      expect(answer.usage!.timeToFirstTokenMs).to.be.greaterThan(0);
      expect(states.map((s) => s.status)).to.deep.equal(['generating', 'ready']);
      console.log(
        `CPU engine: ${client.threadCount()} thread(s), ${answer.usage!.decodeTokensPerSecond!.toFixed(0)} tokens/s, ` +
          `first token after ${answer.usage!.timeToFirstTokenMs!.toFixed(0)} ms; “${answer.text.slice(0, 40)}…”`,
      );
    });

    it('gives the same reply twice at temperature 0', async () => {
      const request = { temperature: 0, seed: 7, maxTokens: 40 };

      const first = await reply(client, request);
      const second = await reply(client, request);

      expect(first.text).not.to.equal('');
      expect(second.text).to.equal(first.text);
    });

    it('gives the same reply twice for the same seed, and another for another seed', async () => {
      const first = await reply(client, { temperature: 1, seed: 11 });
      const again = await reply(client, { temperature: 1, seed: 11 });
      const other = await reply(client, { temperature: 1, seed: 12 });

      expect(again.text).to.equal(first.text);
      expect(other.text).not.to.equal(first.text);
    });

    it('ends the reply early, keeping what was written, when interrupted', async () => {
      const maxTokens = 400;

      const answer = await reply(client, { maxTokens }, (deltas) => deltas === 10 && client.interrupt());

      expect(answer.text).not.to.equal('');
      expect(answer.usage, 'the stream still ends with its usage').to.exist;
      expect(answer.usage!.completionTokens).to.be.lessThan(maxTokens);
      expect(answer.usage!.completionTokens).to.be.at.least(10);
      expect(answer.usage!.promptTokens, 'counts survive the interrupt').to.be.greaterThan(0);
      expect(store.state.status).to.equal('ready');
    });

    it('refuses a prompt longer than the context window with a "context window" error, and stays ready', async () => {
      const tooLong = 'lorem ipsum dolor sit amet '.repeat(200);

      const failure = await reply(client, { messages: [{ role: 'user', content: tooLong }] }).then(
        () => undefined,
        (error: EngineError) => error,
      );

      expect(failure?.code).to.equal('context-window');
      expect(failure?.message).to.include('context window');
      expect(store.state.status).to.equal('ready');
      expect(await reply(client, { maxTokens: 8 })).to.have.property('deltas').greaterThan(0);
    });

    it('refuses to chat while no model is loaded, with an engine error', async () => {
      const idle = new CpuEngineClient({ store: new EngineStore('cpu') });

      const failure = await reply(idle, {}).then(
        () => undefined,
        (error: EngineError) => error,
      );

      expect(failure?.message).to.match(/no model/i);
      expect(failure?.hint).to.be.a('string');
    });
  });
});
