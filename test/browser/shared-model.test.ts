/**
 * One GPU model for every tab of the site (workers/shared-llm-host.ts), tested through the page's
 * real EngineClient and a real SharedWorker. Each "tab" here is an EngineClient with its own store
 * and its own port, as each tab of the app has; the host runs over a scripted engine
 * (test/support/scripted-llm.shared-worker.ts) because no model can finish loading on CI's GPU.
 * test/e2e/tabs.test.ts opens real tabs of the built app against web-llm itself.
 */
import { expect } from '@open-wc/testing';
import type { AppConfig } from '@mlc-ai/web-llm';
import type { ChatStreamEvent } from '../../src/engine/chat-engine.js';
import { EngineClient } from '../../src/engine/engine-client.js';
import { sharedLink } from '../../src/engine/llm-link.js';
import type { LlmMessage, LlmRequest } from '../../src/engine/llm-protocol.js';
import { EngineStore, type EngineState } from '../../src/engine/store.js';
import { waitFor } from '../support/dom.js';

const record = (id: string) => ({ model: `https://models.invalid/${id}`, model_id: id, model_lib: `https://models.invalid/${id}.wasm` });
const appConfig: AppConfig = { model_list: [record('m1'), record('m2'), record('missing-model')] };
const immediate = (flush: () => void) => flush();
let worlds = 0;

interface Tab {
  store: EngineStore;
  client: EngineClient;
  /** Every status this tab's store went through. */
  seen: EngineState[];
}

/** A fresh shared worker (its own name) and a way to open tabs on it. */
function world({ wordMs = 40, webgpu = true, createWorker }: { wordMs?: number; webgpu?: boolean; createWorker?: () => Worker } = {}) {
  const name = `scripted-llm-${Date.now()}-${worlds++}`;
  const url = new URL(`../support/scripted-llm.shared-worker.ts?wordMs=${wordMs}&webgpu=${webgpu ? 1 : 0}`, import.meta.url);
  const events: Array<{ event: string; modelId?: string }> = [];
  const channel = new BroadcastChannel(name);
  channel.onmessage = (message) => events.push(message.data);
  const tabs: Tab[] = [];
  return {
    url,
    name,
    events,
    reloads: () => events.filter((e) => e.event === 'reload').length,
    tab(config: AppConfig = appConfig): Tab {
      const store = new EngineStore('webgpu', immediate);
      const seen: EngineState[] = [];
      store.addEventListener('change', () => seen.push(store.state));
      const client = new EngineClient({
        store,
        appConfig: config,
        retryDelaysMs: [],
        ...(createWorker ? { createWorker } : {}),
        createSharedLink: () => sharedLink(new SharedWorker(url, { type: 'module', name })),
      });
      client.connect();
      const opened = { store, client, seen };
      tabs.push(opened);
      return opened;
    },
    close() {
      for (const t of tabs) t.client.dispose();
      channel.close();
    },
  };
}

const statusOf = (t: Tab) => t.store.state.status;
const modelOf = (t: Tab) => t.store.modelId;

async function ready(t: Tab, modelId: string) {
  await waitFor(() => statusOf(t) === 'ready' && modelOf(t) === modelId, `${modelId} ready in the tab`, 10_000);
}

/** Two tabs on one shared worker, the first having loaded m1 and the second following it. */
async function twoTabsWithModel(w: ReturnType<typeof world>): Promise<[Tab, Tab]> {
  const first = w.tab();
  const second = w.tab();
  await first.client.load('m1');
  await ready(second, 'm1');
  return [first, second];
}

/** A reply's events in order, with its text, started now (its turn is the worker's business). */
function ask(t: Tab, question: string, signal?: AbortSignal, order?: string[]) {
  const events: ChatStreamEvent[] = [];
  let text = '';
  const done = (async () => {
    for await (const event of t.client.streamChat({ messages: [{ role: 'user', content: question }], temperature: 0, topP: 1, maxTokens: 50, ...(signal ? { signal } : {}) })) {
      events.push(event);
      if (event.type === 'delta') {
        text += event.text;
        order?.push(question);
      }
    }
    return { events, text };
  })();
  return { events, done, text: () => text };
}

describe('one GPU model for every tab (shared worker)', () => {
  let current: ReturnType<typeof world> | undefined;
  afterEach(() => current?.close());

  it('a load in one tab is seen in the other, with its progress, and loads once', async () => {
    const w = (current = world());
    const first = w.tab();
    const second = w.tab();
    await first.client.attached();
    await second.client.attached();

    const loaded = await first.client.load('m1');
    await ready(second, 'm1');

    expect(loaded).to.be.true;
    expect(w.reloads()).to.equal(1);
    // The second tab showed the load and its progress while it ran, not only its end.
    expect(second.seen.some((s) => s.status === 'loading' && s.modelId === 'm1' && s.progress > 0)).to.be.true;
  });

  it('a tab opened once the model is loaded is ready at once, loading nothing', async () => {
    const w = (current = world());
    const first = w.tab();
    await first.client.load('m1');
    const later = w.tab();
    await later.client.attached();
    await ready(later, 'm1');
    expect(w.reloads()).to.equal(1);
  });

  it('replies of two tabs take turns: the second waits, says so, and neither stream holds the other’s words', async () => {
    const w = (current = world());
    const [first, second] = await twoTabsWithModel(w);

    const order: string[] = [];
    const a = ask(first, 'alpha', undefined, order);
    await waitFor(() => a.text().length > 0, 'the first reply under way');
    const b = ask(second, 'beta', undefined, order);
    const [ra, rb] = await Promise.all([a.done, b.done]);

    expect(ra.text).to.equal('reply to alpha the end');
    expect(rb.text).to.equal('reply to beta the end');
    expect(rb.events[0]).to.deep.equal({ type: 'waiting' });
    expect(ra.events.some((e) => e.type === 'waiting')).to.be.false;
    // All of the first reply came before any of the second.
    expect(order.lastIndexOf('alpha')).to.be.lessThan(order.indexOf('beta'));
  });

  it('Stop in one tab stops only its own reply', async () => {
    const w = (current = world());
    const [first, second] = await twoTabsWithModel(w);

    // The second tab stops while it waits: it never starts, and the first goes on to its end.
    const a = ask(first, 'alpha');
    await waitFor(() => a.text().length > 0, 'the first reply under way');
    const stopSecond = new AbortController();
    const b = ask(second, 'beta', stopSecond.signal);
    await waitFor(() => b.events.length > 0, 'the second reply waiting');
    stopSecond.abort();
    const rb = await b.done;
    expect(rb.text).to.equal('');
    expect(rb.events.at(-1)).to.deep.equal({ type: 'stopped' });
    expect((await a.done).text).to.equal('reply to alpha the end');

    // The first tab stops mid-reply: the second tab's next reply is whole.
    const stopFirst = new AbortController();
    const c = ask(first, 'gamma', stopFirst.signal);
    await waitFor(() => c.text().length > 0, 'the first reply under way');
    const d = ask(second, 'delta');
    stopFirst.abort();
    const rc = await c.done;
    expect(rc.events.at(-1)).to.deep.equal({ type: 'stopped' });
    expect(rc.text).not.to.equal('reply to gamma the end');
    expect((await d.done).text).to.equal('reply to delta the end');
  });

  it('closing a tab mid-reply leaves the other tab’s reply and model working', async () => {
    const w = (current = world({ wordMs: 80 }));
    const [first, second] = await twoTabsWithModel(w);

    const a = ask(first, 'alpha');
    await waitFor(() => a.text().length > 0, 'the first reply under way');
    const b = ask(second, 'beta');
    first.client.dispose(); // the tab goes: its port says bye

    expect(await a.done.then(() => 'ended', (error: { code?: string }) => error.code)).to.equal('aborted');
    expect((await b.done).text).to.equal('reply to beta the end');
    expect(statusOf(second)).to.equal('ready');
    expect(w.events.filter((e) => e.event === 'unload')).to.have.length(0);
  });

  it('a tab that goes without a word (its Web Lock released, as when a tab closes or crashes) is noticed: its reply stops and the next tab’s starts', async () => {
    const w = (current = world({ wordMs: 80 }));
    const second = w.tab();
    // A bare tab: a port and a held lock named in its hello, as sharedLink makes them, but it will never say bye.
    const port = new SharedWorker(w.url, { type: 'module', name: w.name }).port;
    const messages: LlmMessage[] = [];
    port.onmessage = (event: MessageEvent<LlmMessage>) => messages.push(event.data);
    const tabLock = `aperto-tab-bare-${w.name}`;
    let release!: () => void;
    await new Promise<void>((held) => {
      void navigator.locks.request(tabLock, () => {
        held();
        return new Promise<void>((resolve) => (release = resolve));
      });
    });
    const send = (message: LlmRequest) => port.postMessage(message);
    send({ kind: 'hello', id: 0, payload: { tabLock } });
    send({ kind: 'load', id: 1, payload: { modelId: 'm1', appConfig } });
    await waitFor(() => messages.some((m) => m.kind === 'reply' && m.id === 1), 'the bare tab’s model loaded');
    await ready(second, 'm1');
    send({ kind: 'chat', id: 2, payload: { request: { messages: [{ role: 'user', content: 'one two three four five six seven eight' }], stream: true } } });
    await waitFor(() => messages.some((m) => m.kind === 'chunk' && m.id === 2), 'the bare tab’s reply under way');
    const b = ask(second, 'beta');
    await waitFor(() => b.events.length > 0, 'the second tab waiting');

    release(); // what the browser does when the tab closes
    expect((await b.done).text).to.equal('reply to beta the end');
    const chunks = messages.filter((m) => m.kind === 'chunk' && m.id === 2).length;
    expect(chunks, 'the gone tab’s reply stopped (12 words in full)').to.be.lessThan(12);
    expect(messages.some((m) => m.id === 2 && m.kind !== 'chunk')).to.be.false;
    expect(statusOf(second)).to.equal('ready');
  });

  it('switching the model in one tab switches it in the other', async () => {
    const w = (current = world());
    const [first, second] = await twoTabsWithModel(w);

    await second.client.load('m2');
    await ready(first, 'm2');
    expect(w.events.filter((e) => e.event === 'reload').map((e) => e.modelId)).to.deep.equal(['m1', 'm2']);
  });

  it('Cancel in one tab stops the load for every tab, and each says so', async () => {
    const w = (current = world());
    const first = w.tab();
    const second = w.tab();
    await first.client.attached();
    await second.client.attached();
    void first.client.load('m1');
    await waitFor(() => statusOf(second) === 'loading', 'the second tab following the load');

    first.client.cancel();
    await waitFor(() => statusOf(second) === 'idle', 'the second tab told');
    expect(second.store.state).to.deep.equal({ status: 'idle', note: 'Loading was cancelled in another tab of this site. The parts already downloaded are kept.' });
    expect(statusOf(first)).to.equal('idle');
    await waitFor(() => w.events.some((e) => e.event === 'unload'), 'the load stopped in the worker');
  });

  it('deleting the model in one tab unloads it in the other', async () => {
    const w = (current = world());
    const [first, second] = await twoTabsWithModel(w);

    await first.client.deleteModel('m1');
    await waitFor(() => statusOf(second) === 'idle', 'the second tab told');
    expect(second.store.state).to.deep.equal({ status: 'idle', note: 'Another tab of this site unloaded the model.' });
  });

  it('a failed load is an error in every tab that followed it', async () => {
    const w = (current = world());
    const first = w.tab();
    const second = w.tab();
    await first.client.attached();
    await second.client.attached();
    await first.client.load('missing-model');
    await waitFor(() => statusOf(second) === 'error', 'the second tab’s error');
    expect(statusOf(first)).to.equal('error');
  });

  it('the model is unloaded once the last tab has gone, after a short grace', async () => {
    const w = (current = world());
    const [first, second] = await twoTabsWithModel(w);
    first.client.dispose();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(w.events.filter((e) => e.event === 'unload')).to.have.length(0);

    second.client.dispose();
    await waitFor(() => w.events.some((e) => e.event === 'unload'), 'the model unloaded', 5000);
  });

  it('where the shared worker has no WebGPU, a tab runs the model in a worker of its own', async () => {
    // The dedicated fallback: the real model worker over web-llm, whose load "succeeds" (model-gone.worker.ts).
    const createWorker = () => new Worker(new URL('../support/model-gone.worker.ts', import.meta.url), { type: 'module' });
    const w = (current = world({ webgpu: false, createWorker }));
    const only = w.tab();
    await only.client.attached();

    expect(await only.client.load('m1')).to.be.true;
    expect(statusOf(only)).to.equal('ready');
    expect(w.reloads(), 'nothing loaded in the shared worker').to.equal(0);
  });

  it('a tab that learns of the shared model only as it restores its models added by URL follows it then; one that never does says so', async () => {
    const w = (current = world());
    const first = w.tab();
    await first.client.load('m1');
    // As a tab starts: the worker's first word comes before the models added on earlier visits are restored.
    const starting = w.tab({ model_list: [record('m2')] });
    expect(await starting.client.attached(), 'another tab has a model').to.be.true;
    expect(statusOf(starting)).to.equal('idle');
    starting.client.setAppConfig(appConfig);
    await ready(starting, 'm1');
    expect(w.reloads()).to.equal(1);

    const stranger = w.tab({ model_list: [record('m2')] });
    await waitFor(() => stranger.store.state.status === 'idle' && stranger.store.state.note, 'the sentence', 6000);
    expect(stranger.store.state).to.deep.equal({
      status: 'idle',
      note: 'Another tab of this site uses “m1”, a model added there that this tab does not know yet. Reload this tab to use it here.',
    });
  });
});
