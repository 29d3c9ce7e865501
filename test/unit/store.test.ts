import { describe, expect, it } from 'vitest';
import { engineError } from '../../src/engine/errors.js';
import type { LoadProgress } from '../../src/engine/progress.js';
import { EngineStore, type EngineState } from '../../src/engine/store.js';

const QWEN = 'Qwen3-0.6B-q4f32_1-MLC';
const LLAMA = 'Llama-3.2-1B-Instruct-q4f32_1-MLC';
const MiB = 1024 * 1024;

/** A scheduler whose frames run only when the test says so. */
function manualFrames() {
  const queue: Array<() => void> = [];
  return {
    schedule: (flush: () => void) => {
      queue.push(flush);
    },
    runFrame: () => {
      for (const flush of queue.splice(0)) flush();
    },
  };
}

function downloading(loadedMB: number, totalMB = 1000): LoadProgress {
  return { phase: 'downloading', progress: loadedMB / totalMB, loadedBytes: loadedMB * MiB, totalBytes: totalMB * MiB };
}

function storeWithFrames() {
  const frames = manualFrames();
  const store = new EngineStore('webgpu', frames.schedule);
  let changes = 0;
  store.addEventListener('change', () => changes++);
  return { store, frames, changes: () => changes };
}

describe('EngineStore transitions', () => {
  it('starts idle without a model', () => {
    const { store } = storeWithFrames();

    expect(store.state.status).toBe('idle');
    expect(store.modelId).toBeUndefined();
  });

  it('goes from idle to loading the requested model', () => {
    const { store } = storeWithFrames();

    store.startLoading(QWEN);

    expect(store.state).toMatchObject({ status: 'loading', modelId: QWEN, progress: 0, loadedBytes: 0 });
  });

  it('goes from loading to ready for the same model', () => {
    const { store } = storeWithFrames();
    store.startLoading(QWEN);

    store.markReady(QWEN);

    expect(store.state).toEqual({ status: 'ready', modelId: QWEN });
  });

  it('goes from ready to generating and back to ready', () => {
    const { store } = storeWithFrames();
    store.startLoading(QWEN);
    store.markReady(QWEN);

    store.startGenerating();
    const whileGenerating = store.state;
    store.finishGenerating();

    expect(whileGenerating).toEqual({ status: 'generating', modelId: QWEN });
    expect(store.state).toEqual({ status: 'ready', modelId: QWEN });
  });

  it('announces each transition with one change event', () => {
    const { store, changes } = storeWithFrames();

    store.startLoading(QWEN);
    store.markReady(QWEN);
    store.startGenerating();
    store.finishGenerating();

    expect(changes()).toBe(4);
  });

  it('refuses to generate while idle', () => {
    const { store } = storeWithFrames();

    expect(() => store.startGenerating()).toThrow(/idle/);
  });

  it('refuses to generate while a model is still loading', () => {
    const { store } = storeWithFrames();
    store.startLoading(QWEN);

    expect(() => store.startGenerating()).toThrow(/loading/);
    expect(store.state.status).toBe('loading');
  });

  it('ignores "ready" for a different model while another one is loading', () => {
    const { store, changes } = storeWithFrames();
    store.startLoading(QWEN);
    const before = changes();

    store.markReady(LLAMA);

    expect(store.state).toMatchObject({ status: 'loading', modelId: QWEN });
    expect(changes()).toBe(before);
  });

  it('ignores finishGenerating when nothing is generating', () => {
    const { store, changes } = storeWithFrames();
    store.startLoading(QWEN);
    const before = changes();

    store.finishGenerating();

    expect(store.state.status).toBe('loading');
    expect(changes()).toBe(before);
  });

  it('returns to idle with a note on reset', () => {
    const { store } = storeWithFrames();
    store.startLoading(QWEN);

    store.reset('Loading cancelled.');

    expect(store.state).toEqual({ status: 'idle', note: 'Loading cancelled.' });
    expect(store.modelId).toBeUndefined();
  });
});

describe('EngineStore progress', () => {
  it('announces nothing until the frame runs', () => {
    const { store, changes } = storeWithFrames();
    store.startLoading(QWEN);
    const before = changes();

    store.reportProgress(QWEN, downloading(10));

    expect(changes()).toBe(before);
  });

  it('coalesces several reports within one frame into one change with the latest values', () => {
    const { store, frames, changes } = storeWithFrames();
    store.startLoading(QWEN);
    const before = changes();

    store.reportProgress(QWEN, downloading(10));
    store.reportProgress(QWEN, downloading(20));
    store.reportProgress(QWEN, downloading(30));
    frames.runFrame();

    expect(changes() - before).toBe(1);
    expect(store.state).toMatchObject({ status: 'loading', modelId: QWEN, ...downloading(30) });
  });

  it('announces reports from separate frames separately', () => {
    const { store, frames, changes } = storeWithFrames();
    store.startLoading(QWEN);
    const before = changes();

    store.reportProgress(QWEN, downloading(10));
    frames.runFrame();
    store.reportProgress(QWEN, downloading(20));
    frames.runFrame();

    expect(changes() - before).toBe(2);
    expect(store.state).toMatchObject({ loadedBytes: 20 * MiB });
  });

  it('ignores a report for a model other than the one loading', () => {
    const { store, frames, changes } = storeWithFrames();
    store.startLoading(QWEN);
    const before = changes();

    store.reportProgress(LLAMA, downloading(500));
    frames.runFrame();

    expect(store.state).toMatchObject({ status: 'loading', modelId: QWEN, loadedBytes: 0 });
    expect(changes()).toBe(before);
  });

  it('does not resurrect loading when a report was pending at the time of a cancel', () => {
    const { store, frames } = storeWithFrames();
    store.startLoading(QWEN);
    store.reportProgress(QWEN, downloading(10));

    store.reset('Loading cancelled.');
    frames.runFrame();

    expect(store.state).toEqual({ status: 'idle', note: 'Loading cancelled.' });
  });

  it('ignores a report that arrives after a cancel', () => {
    const { store, frames, changes } = storeWithFrames();
    store.startLoading(QWEN);
    store.reset('Loading cancelled.');
    const before = changes();

    store.reportProgress(QWEN, downloading(10));
    frames.runFrame();

    expect(store.state.status).toBe('idle');
    expect(changes()).toBe(before);
  });

  it('does not turn a ready model back into loading when a late report arrives', () => {
    const { store, frames } = storeWithFrames();
    store.startLoading(QWEN);
    store.reportProgress(QWEN, downloading(990));

    store.markReady(QWEN);
    frames.runFrame();
    store.reportProgress(QWEN, downloading(1000));
    frames.runFrame();

    expect(store.state).toEqual({ status: 'ready', modelId: QWEN });
  });

  it('does not apply a pending report of the previous model to the next one', () => {
    const { store, frames } = storeWithFrames();
    store.startLoading(QWEN);
    store.reportProgress(QWEN, downloading(500));

    store.startLoading(LLAMA);
    frames.runFrame();

    expect(store.state).toMatchObject({ status: 'loading', modelId: LLAMA, loadedBytes: 0 });
  });
});

describe('EngineStore failures', () => {
  it('carries the error’s code, message and hint and the model that was loading', () => {
    const { store } = storeWithFrames();
    store.startLoading(QWEN);
    const error = engineError('network', 'TypeError: Failed to fetch');

    store.fail(error);

    expect(store.state).toMatchObject({
      status: 'error',
      code: 'network',
      message: error.message,
      hint: error.hint,
      detail: 'TypeError: Failed to fetch',
      modelId: QWEN,
    });
  });

  it('carries the model named by the caller', () => {
    const { store } = storeWithFrames();

    store.fail(engineError('model-not-found'), LLAMA);

    expect(store.state).toMatchObject({ status: 'error', code: 'model-not-found', modelId: LLAMA });
  });

  it('carries no model when none was involved', () => {
    const { store } = storeWithFrames();

    store.fail(engineError('no-webgpu'));

    expect(store.state.status).toBe('error');
    expect(store.modelId).toBeUndefined();
  });

  it('does not let a pending progress report overwrite the error', () => {
    const { store, frames } = storeWithFrames();
    store.startLoading(QWEN);
    store.reportProgress(QWEN, downloading(10));

    store.fail(engineError('device-lost'));
    frames.runFrame();

    expect(store.state).toMatchObject({ status: 'error', code: 'device-lost' });
  });
});

describe('EngineStore state objects', () => {
  it('freezes the initial idle state', () => {
    const { store } = storeWithFrames();

    expect(Object.isFrozen(store.state)).toBe(true);
  });

  it('freezes every state a transition hands out', () => {
    const { store, frames } = storeWithFrames();
    const seen: EngineState[] = [];
    store.addEventListener('change', () => seen.push(store.state));

    store.startLoading(QWEN);
    store.reportProgress(QWEN, downloading(10));
    frames.runFrame();
    store.markReady(QWEN);
    store.startGenerating();
    store.finishGenerating();
    store.fail(engineError('unknown'));
    store.reset();

    expect(seen.length).toBe(7);
    expect(seen.filter((state) => !Object.isFrozen(state))).toEqual([]);
  });

  it('rejects an attempt to change a state in place', () => {
    const { store } = storeWithFrames();
    store.startLoading(QWEN);
    const state = store.state as { status: string };

    expect(() => {
      state.status = 'ready';
    }).toThrow(TypeError);
    expect(store.state.status).toBe('loading');
  });

  it('hands out a new object for every change, so listeners can compare by identity', () => {
    const { store } = storeWithFrames();
    const idle = store.state;

    store.startLoading(QWEN);

    expect(store.state).not.toBe(idle);
  });
});
