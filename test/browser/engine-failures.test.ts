/**
 * Failures of the GPU engine that only a real GPU shows in full, taken as far as CI reaches: the
 * model worker with web-llm's real engine and its real error texts, with no model library to load
 * (CI has none).
 */
import type { AppConfig } from '@mlc-ai/web-llm';
import { expect } from '@open-wc/testing';
import { EngineClient } from '../../src/engine/engine-client.js';
import { ModuleWorker } from '../../src/engine/module-worker.js';
import { EngineStore } from '../../src/engine/store.js';
import { hubModelRecords } from '../support/local-hub.mjs';

const hubBase = new URL('/hub/', location.href).href;
const appConfig: AppConfig = { model_list: hubModelRecords(hubBase) };
const MISSING_LIBRARY = 'aperto-test-missing-library-q4f32_1-MLC';
const MODEL = 'aperto-test-dropping-host-q4f32_1-MLC';

async function hubLog(): Promise<string[]> {
  return (await fetch('/hub/__log')).json();
}

describe('the GPU engine explaining a failed load', () => {
  let client: EngineClient | undefined;
  afterEach(() => client?.dispose());

  it('says the model library is missing on its host (HTTP 404), instead of blaming the connection, and does not retry', async () => {
    await fetch('/hub/__reset');
    client = new EngineClient({ store: new EngineStore(), appConfig, retryDelaysMs: [50, 100] });

    expect(await client.load(MISSING_LIBRARY)).to.equal(false);

    const state = client.store.state;
    expect(state.status).to.equal('error');
    if (state.status !== 'error') return;
    expect(state.code).to.equal('model-not-found');
    expect(state.message).to.include('missing-library.wasm');
    expect(state.message).to.include('HTTP 404');
    expect(`${state.message} ${state.hint}`).not.to.match(/connection/i);
    const fetches = (await hubLog()).filter((line) => line === 'GET /hub/libs/missing-library.wasm');
    expect(fetches, 'a missing file is not downloaded again and again').to.have.length(1);
  });
});

describe('the GPU engine after its device was lost', () => {
  let client: EngineClient;
  let store: EngineStore;

  /**
   * The page has loaded the model through the model worker; the engine in the worker is web-llm's
   * real MLCEngine, which has unloaded it again, as web-llm's device.lost handler does.
   */
  async function engineAfterDeviceLoss(): Promise<void> {
    store = new EngineStore();
    const workerUrl = new URL('../support/model-gone.worker.ts', import.meta.url);
    client = new EngineClient({ store, appConfig, createWorker: () => new ModuleWorker(workerUrl, { type: 'module' }) });
    expect(await client.load(MODEL), JSON.stringify(store.state)).to.equal(true);
  }

  afterEach(() => client.dispose());

  it('fails the liveness check with "device lost" although the worker still answers', async () => {
    await engineAfterDeviceLoss();

    const problem = await client.checkModel(5000);

    expect(problem?.code).to.equal('device-lost');
    expect(problem?.detail).to.include('Model not loaded');
  });

  it('turns a reply that meets web-llm\'s "Model not loaded" into a lost device in the store, so recovery can reload', async () => {
    await engineAfterDeviceLoss();

    let thrown: unknown;
    try {
      for await (const _event of client.streamChat({ messages: [{ role: 'user', content: 'hello' }], temperature: 0, topP: 1, maxTokens: 8 })) {
        // no reply is expected
      }
    } catch (error) {
      thrown = error;
    }

    expect((thrown as { code?: string })?.code).to.equal('device-lost');
    expect(store.state.status).to.equal('error');
    expect(store.state.status === 'error' && store.state.code).to.equal('device-lost');
  });
});
