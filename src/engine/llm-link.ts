/**
 * How a tab reaches the GPU model worker: the site's shared worker, which every tab of the app
 * talks to (one model for all, workers/shared-llm-host.ts), or a dedicated worker of its own where
 * that cannot be (then one tab at a time holds a model: model-holder.ts).
 */
import type { LlmChannel } from './llm-connection.js';
import type { LlmMessage, LlmRequest } from './llm-protocol.js';

export interface LlmLink {
  channel: LlmChannel;
  /** Other tabs of the site use the same worker and model. */
  shared: boolean;
  /** Let go: a dedicated worker is terminated; the shared one is told this tab is leaving, and goes on for the others. */
  close(): void;
  /** The worker could not start or crashed; `message` says what the browser said. */
  onError(listener: (message: string) => void): void;
  /** A message from the worker could not be read. */
  onMessageError(listener: () => void): void;
}

export function dedicatedLink(worker: Worker): LlmLink {
  return {
    channel: worker as LlmChannel,
    shared: false,
    close: () => worker.terminate(),
    onError: (listener) =>
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        listener(event.message || 'the model worker could not start or stopped');
      }),
    onMessageError: (listener) => worker.addEventListener('messageerror', listener),
  };
}

/**
 * Where the model worker can be shared: the browser has SharedWorker (not Chrome on Android) and
 * Web Locks, and Aperto's script is on the page's own origin. A shared worker's script must be
 * same-origin, and one started from a blob (how a script from a CDN starts workers:
 * module-worker.ts) would be a different worker in every tab.
 */
export function canShareModelWorker(scriptUrl: string = import.meta.url): boolean {
  if (typeof SharedWorker !== 'function' || !globalThis.navigator?.locks) return false;
  try {
    return new URL(scriptUrl, location.href).origin === location.origin;
  } catch {
    return false;
  }
}

export function createSharedLlmWorker(): SharedWorker {
  // Kept literally as `new SharedWorker(new URL(…), …)`: what Vite recognises to bundle the worker.
  return new SharedWorker(new URL('../../workers/llm-shared.worker.ts', import.meta.url), { type: 'module', name: 'aperto-llm' });
}

/**
 * This tab's port to the shared worker. The tab holds a Web Lock of its own while the port is open
 * and names it in its hello: the worker asks for the lock and so learns when the tab is gone,
 * however it went (a port says nothing when its tab closes).
 */
export function sharedLink(worker: SharedWorker = createSharedLlmWorker()): LlmLink {
  const port = worker.port;
  const tabLock = `aperto-tab-${crypto.randomUUID()}`;
  let release: (() => void) | undefined;
  let closed = false;
  void navigator.locks
    .request(tabLock, () => {
      if (closed) return undefined;
      // Said once the lock is held: the worker's own request for it must wait behind this one.
      port.postMessage({ kind: 'hello', id: 0, payload: { tabLock } } satisfies LlmRequest);
      return new Promise<void>((resolve) => (release = resolve));
    })
    .catch(() => undefined);
  port.start();
  return {
    channel: {
      postMessage: (message: LlmRequest) => port.postMessage(message),
      addEventListener: (type, listener) => port.addEventListener(type, listener as (event: MessageEvent<LlmMessage>) => void),
    },
    shared: true,
    close: () => {
      if (closed) return;
      closed = true;
      port.postMessage({ kind: 'bye', id: 0 } satisfies LlmRequest);
      port.close();
      release?.();
    },
    onError: (listener) =>
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        listener('the shared model worker could not start');
      }),
    onMessageError: (listener) => port.addEventListener('messageerror', listener),
  };
}
