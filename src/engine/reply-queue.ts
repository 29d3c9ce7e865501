/**
 * One engine, many callers: a chat, the translator, a second element on the page all share the
 * page's one model, which generates one reply at a time. Each request waits for its turn in the
 * order it was made, and each caller stops only its own request (its `signal`), whether it is still
 * waiting or already streaming. A load or a delete takes a turn too, after ending every reply in
 * progress or waiting: a model is never unloaded under a reply that is still streaming.
 *
 * Without this, a translation interrupted a chat reply (which was then saved as complete), and a
 * chat message sent during a translation failed with "Cannot generate while generating".
 */
import type { ChatStreamEvent } from './chat-engine.js';

interface Turn {
  /** Resolves when every earlier turn has ended; undefined when there was none (start at once). */
  ready?: Promise<void>;
  /** Ends this turn: the next one may start. */
  done: () => void;
}

export class ReplyQueue {
  private tail: Promise<void> = Promise.resolve();
  /** Turns queued and not yet ended. */
  private open = 0;
  /** Stops for the replies waiting or streaming now. */
  private readonly replies = new Set<AbortController>();

  /** Whether a reply is waiting or streaming. */
  get busy(): boolean {
    return this.replies.size > 0;
  }

  /**
   * Run one reply when its turn comes. `start` gets a signal that aborts when the caller's signal
   * does or when the engine ends every reply (`stopAll`); the engine then interrupts generation and
   * the reply ends with a `stopped` event. A reply stopped while still waiting never starts.
   */
  async *reply(
    signal: AbortSignal | undefined,
    start: (stop: AbortSignal) => AsyncIterable<ChatStreamEvent>,
  ): AsyncGenerator<ChatStreamEvent> {
    const stop = new AbortController();
    const forward = () => stop.abort();
    if (signal?.aborted) stop.abort();
    signal?.addEventListener('abort', forward, { once: true });
    this.replies.add(stop);
    const turn = this.enqueue();
    try {
      if (turn.ready) await Promise.race([turn.ready, aborted(stop.signal)]);
      if (stop.signal.aborted) {
        yield { type: 'stopped' };
        return;
      }
      yield* start(stop.signal);
    } finally {
      this.replies.delete(stop);
      signal?.removeEventListener('abort', forward);
      turn.done();
    }
  }

  /** End every reply, streaming or waiting (before a load or a delete). */
  stopAll(): void {
    for (const stop of this.replies) stop.abort();
  }

  /**
   * Run `work` (a load, an unload) once every reply queued before it has ended; replies asked for
   * meanwhile wait for it. Callers end the replies first with `stopAll` when they should not wait.
   */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.enqueue();
    try {
      // Nothing ahead: start now, in the caller's task (its store update is seen at once).
      if (turn.ready) await turn.ready;
      return await work();
    } finally {
      turn.done();
    }
  }

  private enqueue(): Turn {
    const before = this.open > 0 ? this.tail : undefined;
    this.open++;
    let end!: () => void;
    const mine = new Promise<void>((resolve) => (end = resolve));
    // A turn that ends early (stopped while waiting) must not let the next one overtake the turn
    // still running ahead of it: the queue's tail waits for both.
    this.tail = before ? before.then(() => mine) : mine;
    let ended = false;
    const done = () => {
      if (ended) return;
      ended = true;
      this.open--;
      end();
    };
    return { ...(before ? { ready: before } : {}), done };
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
