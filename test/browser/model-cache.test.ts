/**
 * When a web-llm model counts as stored: only when every file a load reads from Cache Storage is
 * there. The files are written straight into the caches under the URLs web-llm uses, so nothing is
 * downloaded.
 */
import type { AppConfig, ModelRecord } from '@mlc-ai/web-llm';
import { expect } from '@open-wc/testing';
import { listCachedModels, modelBaseUrl } from '../../src/engine/model-cache.js';

const hubBase = new URL('/hub/', location.href).href;
const record: ModelRecord = {
  model: `${hubBase}aperto-test/cache-check-q4f32_1-MLC`,
  model_id: 'aperto-test-cache-check-q4f32_1-MLC',
  model_lib: `${hubBase}libs/cache-check.wasm`,
};
const base = modelBaseUrl(record);
const library = record.model_lib;
const config = `${base}mlc-chat-config.json`;
const tokenizer = `${base}tokenizer.json`;
const manifest = `${base}tensor-cache.json`;
const shards = [`${base}params_shard_0.bin`, `${base}params_shard_1.bin`];

async function clearWebLlmCaches(): Promise<void> {
  for (const name of await caches.keys()) if (name.startsWith('webllm/')) await caches.delete(name);
}

async function put(cacheName: string, url: string, body: string | object = 'bytes'): Promise<void> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  await (await caches.open(cacheName)).put(url, new Response(text));
}

async function remove(cacheName: string, url: string): Promise<void> {
  expect(await (await caches.open(cacheName)).delete(url), `${url} was in ${cacheName}`).to.equal(true);
}

/** Everything web-llm would have cached after loading the model once. */
async function storeWholeModel(tokenizerFiles = ['tokenizer.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json']): Promise<void> {
  await put('webllm/config', config, { tokenizer_files: tokenizerFiles });
  await put('webllm/wasm', library);
  // web-llm reads tokenizer.json when the config lists it, else tokenizer.model, and nothing else.
  await put('webllm/model', new URL(tokenizerFiles.includes('tokenizer.json') ? 'tokenizer.json' : 'tokenizer.model', base).href);
  await put('webllm/model', manifest, { metadata: {}, records: shards.map((url) => ({ dataPath: url.slice(base.length), nbytes: 5 })) });
  for (const shard of shards) await put('webllm/model', shard);
}

async function stored(appConfig: AppConfig = { model_list: [record] }) {
  const found = await listCachedModels(appConfig);
  expect(found.map((m) => m.location)).to.deep.equal([base]);
  return found[0];
}

describe('whether a stored web-llm model is complete', () => {
  beforeEach(clearWebLlmCaches);
  after(clearWebLlmCaches);

  it('is complete when the config, library, tokenizer, weights manifest and every shard are cached', async () => {
    await storeWholeModel();

    expect((await stored()).complete).to.equal(true);
  });

  it('is not complete without the model library', async () => {
    await storeWholeModel();
    await remove('webllm/wasm', library);

    expect((await stored()).complete).to.equal(false);
  });

  it('is not complete without the tokenizer file the config names', async () => {
    await storeWholeModel();
    await remove('webllm/model', tokenizer);

    expect((await stored()).complete).to.equal(false);
  });

  it('is not complete without a weight shard the manifest lists', async () => {
    await storeWholeModel();
    await remove('webllm/model', shards[1]);

    expect((await stored()).complete).to.equal(false);
  });

  it('is not complete without mlc-chat-config.json', async () => {
    await storeWholeModel();
    await remove('webllm/config', config);

    expect((await stored()).complete).to.equal(false);
  });

  it('is complete with a SentencePiece tokenizer.model when the config lists no tokenizer.json', async () => {
    await storeWholeModel(['tokenizer.model']);

    expect((await stored()).complete).to.equal(true);
  });

  it('is not complete while another catalog id sharing the weights lacks its own library', async () => {
    await storeWholeModel();
    const variant: ModelRecord = { ...record, model_id: `${record.model_id}-1k`, model_lib: `${hubBase}libs/cache-check-1k.wasm` };

    expect((await stored({ model_list: [record, variant] })).complete).to.equal(false);
  });
});
