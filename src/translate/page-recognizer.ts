/**
 * One speech recogniser per page, like the page's one engine: every translator that needs speech
 * holds a lease on it, Whisper is loaded once and shared, and its worker (about 200 MB with
 * WebGPU) is terminated a little after the last lease is released. A visit to another view and
 * back within that time finds the model still loaded.
 */
import type { WhisperModel } from './asr-protocol.js';
import type { Recognizer } from './pipeline.js';
import { WhisperRecognizer } from './recognizer.js';

/**
 * How long a recogniser nobody holds stays loaded: long enough for a look at another view and
 * back (loading Whisper again costs seconds even from this device's cache), short enough not to
 * keep hundreds of MB for a view nobody returns to.
 */
export const RECOGNIZER_GRACE_MS = 10_000;

type Progress = (loaded: number, total: number) => void;

/** A hold on the page's recogniser; the recogniser is freed once the last hold is released. */
export interface RecognizerLease {
  /**
   * The page's recogniser with `model` loaded: loads it the first time any holder asks, else
   * waits for the load under way, else answers at once. Rejects with a RecognizerError.
   */
  load(model: WhisperModel, options?: { onProgress?: Progress }): Promise<Recognizer>;
  release(): void;
}

interface Loading {
  model: WhisperModel;
  done: Promise<void>;
  listeners: Set<Progress>;
  /** The last report, for a holder that joins a load under way. */
  last?: [loaded: number, total: number];
}

let shared: WhisperRecognizer | undefined;
let loading: Loading | undefined;
let holders = 0;
let freeTimer: ReturnType<typeof setTimeout> | undefined;

export function leasePageRecognizer(): RecognizerLease {
  holders++;
  clearTimeout(freeTimer);
  let released = false;
  const myListeners = new Set<Progress>();
  return {
    async load(model, options = {}) {
      if (released) throw new Error('This recogniser lease was released.');
      const onProgress = options.onProgress;
      if (onProgress) myListeners.add(onProgress);
      try {
        return await loadShared(model, onProgress);
      } finally {
        if (onProgress) myListeners.delete(onProgress);
      }
    },
    release() {
      if (released) return;
      released = true;
      for (const listener of myListeners) loading?.listeners.delete(listener);
      holders--;
      if (holders > 0) return;
      clearTimeout(freeTimer);
      freeTimer = setTimeout(() => {
        if (holders === 0) freeShared();
      }, RECOGNIZER_GRACE_MS);
    },
  };
}

async function loadShared(model: WhisperModel, onProgress?: Progress): Promise<Recognizer> {
  // One load at a time in the one worker: another model waits for the load under way.
  while (loading && loading.model !== model) await loading.done.catch(() => undefined);
  const recognizer = (shared ??= new WhisperRecognizer());
  if (!loading && recognizer.model === model) return recognizer;
  if (loading) {
    if (onProgress) {
      loading.listeners.add(onProgress);
      if (loading.last) onProgress(...loading.last);
    }
    await loading.done;
    return recognizer;
  }
  const current: Loading = { model, listeners: new Set(onProgress ? [onProgress] : []), done: Promise.resolve() };
  current.done = recognizer
    .load(model, {
      onProgress: (loaded, total) => {
        current.last = [loaded, total];
        for (const listener of current.listeners) listener(loaded, total);
      },
    })
    .then(
      () => undefined,
      (error: unknown) => {
        // Nothing usable is left in the worker: free it, and let the next attempt start afresh.
        if (shared === recognizer && !recognizer.model) freeShared();
        throw error;
      },
    )
    .finally(() => {
      if (loading === current) loading = undefined;
    });
  loading = current;
  await current.done;
  return recognizer;
}

/** Terminate the worker and free the model; the next lease starts afresh. */
function freeShared(): void {
  const recognizer = shared;
  shared = undefined;
  loading = undefined;
  recognizer?.dispose();
}
