/**
 * Loading through the real web-llm worker against the local hub (test/support/local-hub.mjs):
 * what a person sees when a model's library is broken, when the host drops the connection, and
 * what Delete leaves behind. web-llm itself is never mocked.
 */
import { hasModelInCache, type AppConfig } from '@mlc-ai/web-llm';
import { expect, fixture, html } from '@open-wc/testing';
import type { ApertoModelManager } from '../../src/elements/model-manager/model-manager.js';
import { buildCatalog } from '../../src/engine/catalog.js';
import { EngineClient } from '../../src/engine/engine-client.js';
import { GpuModelLibrary } from '../../src/engine/gpu-library.js';
import { EngineStore } from '../../src/engine/store.js';
import '../../src/elements/model-manager/model-manager.define.js';
import { chatConfig, hubModelRecords } from '../support/local-hub.mjs';
import { deepQueryAll, deepText, findButton, waitFor } from '../support/dom.js';

const hubBase = new URL('/hub/', location.href).href;
const appConfig: AppConfig = { model_list: hubModelRecords(hubBase) };
const entries = buildCatalog(appConfig.model_list, [
  { match: /^aperto-test-/, family: 'Test', maker: 'Aperto tests', country: 'here', licence: 'none', paramsB: 0.001 },
]);
const BROKEN = 'aperto-test-broken-library-q4f32_1-MLC';
const TAMPERED = 'aperto-test-tampered-library-q4f32_1-MLC';
const DROPPING = 'aperto-test-dropping-host-q4f32_1-MLC';
const SLOW = 'aperto-test-slow-host-q4f32_1-MLC';

async function hubLog(): Promise<string[]> {
  return (await fetch('/hub/__log')).json();
}

async function clearWebLlmCaches(): Promise<void> {
  for (const name of await caches.keys()) if (name.startsWith('webllm/')) await caches.delete(name);
}

async function mountManager(): Promise<{ manager: ApertoModelManager; client: EngineClient }> {
  const store = new EngineStore();
  // Short waits between download retries, so the retry test takes milliseconds.
  const client = new EngineClient({ store, appConfig, retryDelaysMs: [50, 100] });
  const manager = await fixture<ApertoModelManager>(
    html`<aperto-model-manager .library=${new GpuModelLibrary(client, entries)}></aperto-model-manager>`,
  );
  await waitFor(() => deepQueryAll(manager, 'aperto-model-card').length === entries.length, 'the test catalog');
  return { manager, client };
}

function clickLoad(manager: Element, modelId: string): void {
  const card = deepQueryAll(manager, `aperto-model-card[data-model-id="${modelId}"]`)[0];
  (card.shadowRoot!.querySelector('button.primary') as HTMLButtonElement).click();
}

function alertOf(manager: Element): HTMLElement | undefined {
  return deepQueryAll<HTMLElement>(manager, '[role="alert"][data-code]')[0];
}

describe('loading a model through the real web-llm worker', () => {
  let client: EngineClient | undefined;

  beforeEach(async () => {
    await fetch('/hub/__reset');
    await clearWebLlmCaches();
  });

  afterEach(() => client?.dispose());

  it('shows a "broken model program" error with a Retry button when the library is not WebAssembly', async () => {
    const mounted = await mountManager();
    client = mounted.client;

    clickLoad(mounted.manager, BROKEN);
    const alert = await waitFor(() => alertOf(mounted.manager), 'the error');

    expect(alert.dataset.code).to.equal('bad-model-library');
    expect(deepText(alert)).to.include('program');
    expect(alert.querySelector('strong')!.textContent).not.to.match(/CompileError|WebAssembly\./);
    expect(findButton(mounted.manager, 'Retry')).to.exist;
  });

  it('downloads the library again on Retry instead of failing from the cached broken copy', async () => {
    const mounted = await mountManager();
    client = mounted.client;
    clickLoad(mounted.manager, BROKEN);
    await waitFor(() => alertOf(mounted.manager), 'the first error');

    findButton(mounted.manager, 'Retry')!.click();
    await waitFor(() => mounted.client.store.state.status === 'loading', 'the retry to start');
    await waitFor(() => mounted.client.store.state.status === 'error', 'the retry to fail');

    const fetches = (await hubLog()).filter((line) => line === 'GET /hub/libs/broken-library.wasm');
    expect(fetches).to.have.length(2);
    expect(alertOf(mounted.manager)!.dataset.code).to.equal('bad-model-library');
  });

  it('refuses a library whose integrity hash does not match the record, keeps nothing of it, and fetches it again on Retry', async () => {
    const mounted = await mountManager();
    client = mounted.client;

    clickLoad(mounted.manager, TAMPERED);
    const alert = await waitFor(() => alertOf(mounted.manager), 'the error');

    expect(alert.dataset.code).to.equal('bad-model-file');
    expect(deepText(alert)).to.include('integrity hash does not match');
    const cached = await Promise.all((await caches.keys()).map(async (name) => (await (await caches.open(name)).keys()).map((r) => r.url)));
    expect(cached.flat().filter((url) => url.includes('tampered-library')), 'nothing of the model kept').to.deep.equal([]);

    findButton(mounted.manager, 'Retry')!.click();
    await waitFor(() => mounted.client.store.state.status === 'loading', 'the retry to start');
    await waitFor(() => mounted.client.store.state.status === 'error', 'the retry to fail');
    expect((await hubLog()).filter((line) => line === 'GET /hub/libs/tampered-library.wasm')).to.have.length(2);
  });

  it('reports a network error when the host drops the connection mid-download', async () => {
    const mounted = await mountManager();
    client = mounted.client;

    clickLoad(mounted.manager, DROPPING);
    const alert = await waitFor(() => alertOf(mounted.manager), 'the error');

    expect(alert.dataset.code).to.equal('network');
    expect(deepText(alert)).to.include('connection');
    const tries = (await hubLog()).filter((line) => line === 'GET /hub/libs/dropping-host.wasm');
    expect(tries, 'the first try and two retries').to.have.length(3);
  });

  it('stops a load on Cancel and says so, leaving Load usable again', async () => {
    const mounted = await mountManager();
    client = mounted.client;
    clickLoad(mounted.manager, SLOW);
    const cancel = await waitFor(() => findButton(mounted.manager, 'Cancel'), 'the Cancel button');
    expect(deepText(mounted.manager)).to.include('Loading');

    cancel.click();
    await waitFor(() => deepText(mounted.manager).includes('Loading cancelled'), 'the cancelled note');

    expect(mounted.client.store.state.status).to.equal('idle');
    expect(findButton(mounted.manager, 'Cancel')).to.equal(undefined);
    const card = deepQueryAll(mounted.manager, `aperto-model-card[data-model-id="${SLOW}"]`)[0];
    expect((card.shadowRoot!.querySelector('button.primary') as HTMLButtonElement).disabled).to.equal(false);
  });

  it('says the model does not exist when asked for an id that is not in the catalog', async () => {
    const mounted = await mountManager();
    client = mounted.client;

    await mounted.client.load('no-such-model-q4f32_1-MLC');
    const alert = await waitFor(() => alertOf(mounted.manager), 'the error');

    expect(alert.dataset.code).to.equal('model-not-found');
    expect(deepText(alert)).to.include('no-such-model-q4f32_1-MLC');
  });
});

describe('deleting a stored model', () => {
  const record = appConfig.model_list.find((r) => r.model_id === DROPPING)!;
  const base = `${record.model}/resolve/main/`;

  /** Store files exactly where web-llm's downloader puts them, as if a download had completed. */
  async function storeAsWebLlmWould(): Promise<void> {
    const manifest = { records: [{ dataPath: 'params_shard_0.bin', nbytes: 1024, records: [] }] };
    const model = await caches.open('webllm/model');
    await model.put(`${base}tensor-cache.json`, Response.json(manifest));
    await model.put(`${base}params_shard_0.bin`, new Response(new Uint8Array(1024)));
    await model.put(`${base}tokenizer.json`, Response.json({}));
    await (await caches.open('webllm/config')).put(`${base}mlc-chat-config.json`, Response.json(chatConfig('dropping-host')));
    await (await caches.open('webllm/wasm')).put(record.model_lib, new Response(new Uint8Array(16)));
  }

  beforeEach(clearWebLlmCaches);

  it('lists the stored model with its size, and Delete removes every file web-llm kept', async () => {
    await storeAsWebLlmWould();
    expect(await hasModelInCache(DROPPING, appConfig)).to.equal(true);
    const { manager } = await mountManager();
    const deleteButton = await waitFor(() => findButton(manager, /^Delete .* from this device$/), 'the stored model');
    expect(deepText(manager)).to.include('Complete');

    deleteButton.click();
    await waitFor(() => deepText(manager).includes('No models are stored on this device yet'), 'the list to empty');

    expect(await hasModelInCache(DROPPING, appConfig)).to.equal(false);
    for (const name of ['webllm/model', 'webllm/config', 'webllm/wasm']) {
      const keys = await (await caches.open(name)).keys();
      expect(keys.map((k) => k.url), name).to.deep.equal([]);
    }
  });
});

describe('speech recognition models on this device', () => {
  const base = 'https://huggingface.co/onnx-community/whisper-base/resolve/main/';

  beforeEach(() => caches.delete('transformers-cache'));

  it('are listed with their size next to the language models, and Delete removes them', async () => {
    const cache = await caches.open('transformers-cache');
    await cache.put(`${base}config.json`, Response.json({}));
    await cache.put(`${base}onnx/encoder_model.onnx`, new Response(new Uint8Array(300 * 1024)));
    const { manager } = await mountManager();

    const row = await waitFor(() => deepQueryAll(manager, 'tr').find((tr) => deepText(tr).includes('Whisper base')), 'the Whisper row');
    expect(deepText(row)).to.match(/30\d KB/);

    findButton(manager, 'Delete Whisper base (speech recognition) from this device')!.click();
    await waitFor(() => !deepQueryAll(manager, 'tr').some((tr) => deepText(tr).includes('Whisper base')), 'the row to go');

    expect(await (await caches.open('transformers-cache')).keys()).to.have.length(0);
  });
});
