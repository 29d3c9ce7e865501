/**
 * One tab of the site holds a model at a time (src/engine/model-holder.ts), on Chromium's real Web
 * Locks. Two holders in one page contend for the lock exactly as two tabs do (a lock is per origin,
 * not per page); test/e2e/tabs.test.ts does it with real tabs of the built app.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { MODEL_LOCK, ModelHolder, MOVED_NOTE } from '../../src/engine/model-holder.js';
import { EngineStore } from '../../src/engine/store.js';
import '../../src/elements/load-progress/load-progress.define.js';
import { waitFor } from '../support/dom.js';

/** The store's state once its coalesced progress report has been applied. */
const immediate = (flush: () => void) => flush();

interface Tab {
  store: EngineStore;
  holder: ModelHolder;
  takenAway: number;
}

function tab(): Tab {
  const store = new EngineStore('cpu', immediate);
  const opened: Tab = { store, holder: undefined as unknown as ModelHolder, takenAway: 0 };
  opened.holder = new ModelHolder(store, (note) => {
    opened.takenAway++;
    store.reset(note);
  });
  return opened;
}

/** Start a load in a tab: what the engines do (startLoading, then wait to hold the model). */
function startLoad(opened: Tab, modelId = 'm'): Promise<'held' | 'aborted'> {
  opened.store.startLoading(modelId);
  return opened.holder.hold(modelId).then(
    () => 'held',
    () => 'aborted',
  );
}

/** waitFor for a probe that must ask the browser (the lock manager answers asynchronously). */
async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function holders(): Promise<{ held: number; pending: number }> {
  const state = await navigator.locks.query();
  return {
    held: (state.held ?? []).filter((lock) => lock.name === MODEL_LOCK).length,
    pending: (state.pending ?? []).filter((lock) => lock.name === MODEL_LOCK).length,
  };
}

describe('one tab holds the model (Web Locks)', () => {
  const opened: Tab[] = [];
  const open = () => {
    const t = tab();
    opened.push(t);
    return t;
  };

  afterEach(async () => {
    for (const t of opened.splice(0)) t.store.reset();
    await until(async () => (await holders()).held === 0 && (await holders()).pending === 0, 'the lock let go');
  });

  it('holds at once when no other tab does, and lets go when the tab holds no model', async () => {
    const first = open();
    expect(await startLoad(first)).to.equal('held');
    expect(first.holder.holds).to.be.true;
    expect(await holders()).to.deep.equal({ held: 1, pending: 0 });

    first.store.markReady('m');
    expect(first.holder.holds).to.be.true;
    first.store.reset();
    expect(first.holder.holds).to.be.false;
    await until(async () => (await holders()).held === 0, 'the lock let go');
  });

  it('a second tab waits, shows why, and goes on by itself once the first lets go', async () => {
    const first = open();
    const second = open();
    await startLoad(first);
    first.store.markReady('m');

    let outcome: string | undefined;
    void startLoad(second).then((result) => (outcome = result));
    await waitFor(() => second.store.state.status === 'loading' && second.store.state.phase === 'other-tab', 'the waiting phase');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(outcome).to.equal(undefined);
    expect(second.holder.holds).to.be.false;

    first.store.reset(); // the first tab closes its model (or the tab closes)
    await waitFor(() => outcome !== undefined, 'the second tab holding');
    expect(outcome).to.equal('held');
    expect(second.holder.holds).to.be.true;
    expect(first.takenAway).to.equal(0);
  });

  it('"Use it here" moves the model: the first tab lets go and says where it went', async () => {
    const first = open();
    const second = open();
    await startLoad(first);
    first.store.markReady('m');
    const waiting = startLoad(second);
    await waitFor(() => second.store.state.status === 'loading' && second.store.state.phase === 'other-tab', 'the waiting phase');

    // The button the waiting tab shows, pressed as a person would.
    const progress = await fixture<HTMLElement & { progress: unknown; label: string }>(
      html`<aperto-load-progress .progress=${second.store.state} label="SmolLM2"></aperto-load-progress>`,
    );
    const text = progress.shadowRoot!.textContent ?? '';
    expect(text).to.contain('SmolLM2 is open in another tab of this site');
    (progress.shadowRoot!.querySelector('button[part="use-here"]') as HTMLButtonElement).click();

    expect(await waiting).to.equal('held');
    await waitFor(() => first.takenAway === 1, 'the first tab told');
    expect(first.holder.holds).to.be.false;
    expect(first.store.state).to.deep.equal({ status: 'idle', note: MOVED_NOTE });
    expect(await holders()).to.deep.equal({ held: 1, pending: 0 });
  });

  it('a load cancelled while waiting leaves the queue and never holds', async () => {
    const first = open();
    const second = open();
    await startLoad(first);
    const waiting = startLoad(second);
    await until(async () => (await holders()).pending === 1, 'the second tab queued');

    second.store.reset('Loading cancelled.');
    expect(await waiting).to.equal('aborted');
    expect(await holders()).to.deep.equal({ held: 1, pending: 0 });
    first.store.reset();
    await until(async () => (await holders()).held === 0, 'nobody holding');
    expect(second.holder.holds).to.be.false;
  });

  it('a failed load lets go, so another tab can load', async () => {
    const first = open();
    const second = open();
    await startLoad(first);
    const waiting = startLoad(second);
    await until(async () => (await holders()).pending === 1, 'the second tab queued');
    first.store.fail({ code: 'network', message: 'The download failed.', hint: 'Retry.' });
    expect(await waiting).to.equal('held');
  });

  it('keeps the lock through a delete: the tab lets go of its model, but no other tab gets it until the files are gone', async () => {
    const first = open();
    const second = open();
    await startLoad(first);
    first.store.markReady('m');
    let outcome: string | undefined;
    void startLoad(second).then((result) => (outcome = result));
    await until(async () => (await holders()).pending === 1, 'the second tab queued');

    await first.holder.keepWhile(async () => {
      first.store.reset(); // the model unloaded, as a delete does first
      await new Promise((resolve) => setTimeout(resolve, 300)); // the files going
      expect(outcome, 'still waiting while the files go').to.equal(undefined);
    });
    await until(async () => outcome !== undefined, 'the second tab holding');
    expect(outcome).to.equal('held');
  });
});
