/**
 * One tab of the site holds a model at a time (issue 14). Each tab that opens Aperto would otherwise
 * load its own copy: twice the download check and twice the GPU memory, which on a laptop GPU makes
 * the second load fail. A Web Lock names the holder, for every tab of the origin:
 *
 * - A load takes the lock first. When another tab holds it, the load waits in the lock's queue and
 *   shows so (the `other-tab` phase, with "Use it here"); it goes on by itself once that tab lets go.
 * - "Use it here" steals the lock. The tab that held it learns at once (its request rejects), lets
 *   go of its model and says where it went.
 * - The lock is let go as soon as the tab holds no model (idle, failed, disposed) and, by the
 *   browser, when the tab closes, however it closes.
 *
 * Why a lock rather than a shared worker: llama.cpp in WebAssembly (wllama) starts workers of its
 * own, and Chromium offers no `Worker` inside a `SharedWorker` (checked in Chromium 156), so the CPU
 * engine cannot live in one; the lock covers both engines, the same way (README, Decisions).
 */
import { onStoredModelsChanged } from '../storage/stored-models-channel.js';
import { engineError } from './errors.js';
import type { EngineStore } from './store.js';

/** The lock's name, for every tab of the origin (pages embedding the elements on one site share it). */
export const MODEL_LOCK = 'aperto-model';

/** What the tab that lost its model says. */
export const MOVED_NOTE = 'The model moved to another tab of this site, where “Use it here” was pressed. Load it again here to take it back.';

/** The part of the Web Locks API used here (tests give their own to pretend another tab). */
export type LockManagerLike = Pick<LockManager, 'request'>;

/** The tab's holder that is waiting, for the "Use it here" button of the page's progress element. */
let waitingHolder: ModelHolder | undefined;

/** "Use it here": take the model from the tab that holds it. Does nothing when no load is waiting. */
export function useModelHere(): void {
  waitingHolder?.takeOver();
}

export class ModelHolder {
  /** Set while this tab holds the lock: resolving it lets go. */
  private held?: () => void;
  /** Set while this tab steals the lock: its own earlier request, released by that, is not "taken away". */
  private stealing = false;
  /** Set while a load waits for another tab: `queue` leaves the lock's queue, `fail` ends the wait. */
  private waiting?: { queue: AbortController; granted: () => void; fail: () => void };

  constructor(
    private readonly store: EngineStore,
    /**
     * Let go of the model (or of the load waiting for it) and say why in the store: another tab took
     * it ("Use it here"), or deleted the model this tab waits for.
     */
    private readonly letGoOfModel: (note: string) => void,
    private readonly locks: LockManagerLike | undefined = globalThis.navigator?.locks,
  ) {
    // A tab that holds no model must not keep other tabs waiting; a load that ended (cancelled,
    // failed) while waiting leaves the queue.
    store.addEventListener('change', () => {
      const status = store.state.status;
      if (status !== 'idle' && status !== 'error') return;
      this.leaveQueue();
      this.letGo();
    });
  }

  /** Work during which this tab keeps the lock even if it lets go of its model (a delete: see keepWhile). */
  private keeping = 0;

  /**
   * Run `work` keeping the lock, if held, until it is done, even when the tab lets go of its model
   * meanwhile. A delete unloads the model first and removes its files after: another tab waiting to
   * load that model must not be handed the lock in between (it would open a file being deleted); it
   * hears of the delete first and stops waiting (stored-models-channel.ts).
   */
  async keepWhile<T>(work: () => Promise<T>): Promise<T> {
    this.keeping++;
    try {
      return await work();
    } finally {
      this.keeping--;
      const status = this.store.state.status;
      if (this.keeping === 0 && (status === 'idle' || status === 'error')) this.letGo();
    }
  }

  /** Whether this tab holds the model lock now. */
  get holds(): boolean {
    return this.held !== undefined;
  }

  /**
   * Resolves once this tab holds the lock, at once when no other tab does. Meanwhile the store's
   * load (already started for `modelId`) shows that it waits for another tab. Rejects with an
   * `aborted` error when the load ends before that. Without Web Locks (old browsers) it resolves at
   * once: there is then no rule across tabs.
   */
  async hold(modelId: string): Promise<void> {
    if (this.held || !this.locks) return;
    const free = await this.request({ ifAvailable: true });
    if (free) return;
    const queue = new AbortController();
    const granted = new Promise<void>((resolve, reject) => {
      this.waiting = { queue, granted: resolve, fail: () => reject(engineError('aborted')) };
    });
    waitingHolder = this;
    this.store.reportWaitingForOtherTab(modelId);
    // The tab that holds it may delete it: then there is nothing to wait for (nor to load).
    const stopListening = onStoredModelsChanged((change) => {
      if (change.deleted === modelId) this.letGoOfModel(`“${modelId}” was deleted in another tab of this site.`);
    });
    void this.request({ signal: queue.signal }).then((held) => held && this.waiting?.granted());
    try {
      await granted;
    } finally {
      stopListening();
      this.waiting = undefined;
      if (waitingHolder === this) waitingHolder = undefined;
    }
  }

  /** "Use it here": take the lock from the tab that holds it, which then lets go of its model. */
  takeOver(): void {
    const waiting = this.waiting;
    if (!waiting || !this.locks || this.stealing) return;
    // Leave the queue: the stolen lock is what this load waits for now.
    waiting.queue.abort();
    this.stealing = true;
    void this.request({ steal: true }).then((held) => {
      this.stealing = false;
      if (held) this.waiting?.granted();
    });
  }

  /** Let go of the lock, if held (once nothing keeps it: keepWhile). */
  private letGo(): void {
    if (this.keeping === 0) this.release();
  }

  private release(): void {
    const release = this.held;
    this.held = undefined;
    release?.();
  }

  private leaveQueue(): void {
    this.waiting?.queue.abort();
    this.waiting?.fail();
  }

  /**
   * Ask for the lock. Resolves true once this tab holds it, false when `ifAvailable` found it held
   * (or the request was abandoned). The lock is held until letGo, or until another tab steals it.
   */
  private request(options: LockOptions): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let grantedHere = false;
      const held = this.locks!.request(MODEL_LOCK, options, (lock) => {
        if (!lock) return resolve(false);
        // Granted just as the load ended (cancelled, failed): let go at once, nobody needs it.
        const status = this.store.state.status;
        if (status === 'idle' || status === 'error') return resolve(false);
        grantedHere = true;
        // A steal by this tab may race its own queued request: keep one hold.
        this.release();
        resolve(true);
        return new Promise<void>((release) => (this.held = release));
      });
      held.catch(() => {
        resolve(false);
        // A lock this tab held was stolen: another tab pressed "Use it here". (Requests abandoned
        // while waiting reject too, and never held it; this tab's own steal releases its own.)
        if (grantedHere && !this.stealing) this.takenAway();
      });
    });
  }

  private takenAway(): void {
    this.held = undefined;
    this.letGoOfModel(MOVED_NOTE);
  }
}
