import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineError, type EngineError } from '../../src/engine/errors.js';
import { answerWithin, type LoadableEngine } from '../../src/engine/model-library.js';
import { EngineRecovery } from '../../src/engine/recovery.js';
import { EngineStore } from '../../src/engine/store.js';

/** An engine whose worker can be made to hang, die, or fail to load, as a test decides. */
class FlakyEngine implements LoadableEngine {
  readonly store = new EngineStore('cpu', (flush) => flush());
  answers = true;
  /** The worker answers, but its model is gone (web-llm after a lost GPU device). */
  modelGone = false;
  loadsThatFail = 0;
  loads: string[] = [];

  async load(modelId: string): Promise<boolean> {
    this.loads.push(modelId);
    this.store.startLoading(modelId);
    if (this.loadsThatFail > 0) {
      this.loadsThatFail--;
      this.store.fail(engineError('worker-lost', 'still broken'), modelId);
      return false;
    }
    this.answers = true;
    this.modelGone = false;
    this.store.markReady(modelId);
    return true;
  }
  async checkModel(timeoutMs: number): Promise<EngineError | undefined> {
    if (this.modelGone) return engineError('device-lost', 'ModelNotLoadedError: Model not loaded before trying to complete getMessage.');
    const answer = await answerWithin(this.answers ? Promise.resolve() : new Promise(() => undefined), timeoutMs);
    return answer.kind === 'late' ? engineError('worker-lost', 'no answer') : undefined;
  }
  markLost(reason: EngineError | string): void {
    this.store.fail(typeof reason === 'string' ? engineError('worker-lost', reason) : reason);
  }
  streamChat(): AsyncIterable<never> {
    throw new Error('not used');
  }
  interrupt(): void {}
  contextWindow(): undefined {
    return undefined;
  }
  cancel(): void {}
  dispose(): void {}
}

describe('engine recovery', () => {
  let engine: FlakyEngine;
  let recovery: EngineRecovery;

  beforeEach(async () => {
    vi.useFakeTimers();
    engine = new FlakyEngine();
    recovery = new EngineRecovery(engine, { auto: true, checkEveryMs: 1000, answerWithinMs: 500, backoffMs: [100, 200, 400] });
    recovery.start();
    await engine.load('m');
    engine.loads = [];
  });
  afterEach(() => {
    recovery.stop();
    vi.useRealTimers();
  });

  it('notices a worker that stopped answering and reloads the model', async () => {
    engine.answers = false;
    await vi.advanceTimersByTimeAsync(1000 + 500);
    expect(engine.store.state).toMatchObject({ status: 'error', code: 'worker-lost' });
    expect(recovery.state).toMatchObject({ phase: 'waiting', attempt: 1, maxAttempts: 3 });

    await vi.advanceTimersByTimeAsync(100);
    expect(engine.loads).toEqual(['m']);
    expect(engine.store.state).toEqual({ status: 'ready', modelId: 'm' });
    expect(recovery.state).toEqual({ phase: 'watching' });
  });

  it('counts a worker that answers "no model loaded" (a lost GPU device) as lost, and reloads', async () => {
    engine.modelGone = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(engine.store.state).toMatchObject({ status: 'error', code: 'device-lost' });

    await vi.advanceTimersByTimeAsync(100);
    expect(engine.loads).toEqual(['m']);
    expect(engine.store.state).toEqual({ status: 'ready', modelId: 'm' });
  });

  it('reloads after a reply failed because the GPU device was lost (the kiosk recovers by itself)', async () => {
    engine.store.startGenerating();
    engine.store.fail(engineError('device-lost', 'ModelNotLoadedError: Model not loaded before trying to complete ChatCompletionRequest.'));

    await vi.advanceTimersByTimeAsync(100);
    expect(engine.loads).toEqual(['m']);
    expect(engine.store.state).toEqual({ status: 'ready', modelId: 'm' });
  });

  it('waits longer before each retry and gives up after the last', async () => {
    engine.loadsThatFail = 10;
    engine.markLost('crashed');
    await vi.advanceTimersByTimeAsync(99);
    expect(engine.loads).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.loads).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(engine.loads).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1 + 400);
    expect(engine.loads).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(engine.loads).toHaveLength(3);
    expect(recovery.state).toEqual({ phase: 'gave-up', attempts: 3 });
  });

  it('starts over on "Reload model" after giving up', async () => {
    engine.loadsThatFail = 3;
    engine.markLost('crashed');
    await vi.advanceTimersByTimeAsync(1000);
    expect(recovery.state.phase).toBe('gave-up');

    expect(await recovery.reloadNow()).toBe(true);
    expect(engine.store.state.status).toBe('ready');
  });

  it('does not reload by itself when automatic recovery is off (the app), but Reload model does', async () => {
    recovery.start({ auto: false });
    engine.markLost('crashed');
    await vi.advanceTimersByTimeAsync(5000);
    expect(engine.loads).toEqual([]);

    await recovery.reloadNow();
    expect(engine.loads).toEqual(['m']);
  });

  it('leaves other failures (a missing file, no network) to the person', async () => {
    engine.store.fail(engineError('network'));
    await vi.advanceTimersByTimeAsync(5000);
    expect(engine.loads).toEqual([]);
    expect(recovery.state).toEqual({ phase: 'watching' });
  });

  it('does not count a busy worker as lost: only an idle one that stays silent', async () => {
    engine.answers = false;
    engine.store.startGenerating();
    await vi.advanceTimersByTimeAsync(5000);
    expect(engine.store.state.status).toBe('generating');
  });
});
