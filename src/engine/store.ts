import type { EngineError } from './errors.js';
import type { DownloadRetry, LoadProgress } from './progress.js';

/**
 * Which runtime executes the model: web-llm on WebGPU, llama.cpp in WebAssembly on the CPU, or a
 * remote OpenAI-compatible server the person or site owner chose (the one that leaves the device).
 */
export type EngineKind = 'webgpu' | 'cpu' | 'remote';

export type EngineState =
  | { status: 'idle'; note?: string }
  | ({ status: 'loading'; modelId: string } & LoadProgress)
  | { status: 'ready'; modelId: string }
  | { status: 'generating'; modelId: string }
  | ({ status: 'error'; modelId?: string } & EngineError);

export type EngineStatus = EngineState['status'];

type Schedule = (flush: () => void) => void;

const nextFrame: Schedule = (flush) =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => flush()) : setTimeout(flush, 16);

/**
 * The one engine state of the page. Holds an immutable state value and announces every change with
 * a `change` event. Transitions that make no sense (a late progress report after a cancel, "ready"
 * for a model nobody asked for) are ignored rather than trusted, so a slow worker cannot put the UI
 * back into a stale state.
 */
export class EngineStore extends EventTarget {
  private current: EngineState = Object.freeze({ status: 'idle' });
  private pendingProgress?: EngineState;

  constructor(
    readonly engine: EngineKind = 'webgpu',
    private readonly schedule: Schedule = nextFrame,
  ) {
    super();
  }

  get state(): EngineState {
    return this.current;
  }

  /** The model that is loaded, loading, or generating, if any. */
  get modelId(): string | undefined {
    return 'modelId' in this.current ? this.current.modelId : undefined;
  }

  startLoading(modelId: string): void {
    this.set({ status: 'loading', modelId, phase: 'preparing', progress: 0, loadedBytes: 0 });
  }

  /**
   * Progress arrives many times a second during a download; the UI only needs it once per frame,
   * so reports are coalesced and the latest one wins.
   */
  reportProgress(modelId: string, progress: LoadProgress): void {
    if (this.current.status !== 'loading' || this.current.modelId !== modelId) return;
    const firstInFrame = this.pendingProgress === undefined;
    this.pendingProgress = { status: 'loading', modelId, ...progress };
    if (!firstInFrame) return;
    this.schedule(() => {
      const pending = this.pendingProgress;
      this.pendingProgress = undefined;
      if (pending && this.current.status === 'loading' && this.current.modelId === modelId) this.set(pending);
    });
  }

  /**
   * The load waits for another tab of the site to let go of the model (model-holder.ts). Said at
   * once, not with the next frame: a tab in the background gets no frames, and what it says must
   * be true when it is looked at.
   */
  reportWaitingForOtherTab(modelId: string): void {
    if (this.current.status !== 'loading' || this.current.modelId !== modelId) return;
    this.set({ status: 'loading', modelId, phase: 'other-tab', progress: 0, loadedBytes: 0 });
  }

  /** A dropped download will be tried again: the progress so far stays, with which try and when. */
  reportRetry(modelId: string, retry: DownloadRetry): void {
    if (this.current.status !== 'loading' || this.current.modelId !== modelId) return;
    const { phase, progress, loadedBytes, totalBytes } = this.current;
    // Only downloads are retried; one that dropped before its first byte is still a download.
    const shown = phase === 'preparing' ? 'downloading' : phase;
    this.reportProgress(modelId, { phase: shown, progress, loadedBytes, ...(totalBytes ? { totalBytes } : {}), retry });
  }

  /** Only the load in progress can finish; a late "ready" after a cancel is ignored. */
  markReady(modelId: string): void {
    if (this.current.status !== 'loading' || this.current.modelId !== modelId) return;
    this.set({ status: 'ready', modelId });
  }

  startGenerating(): void {
    if (this.current.status !== 'ready') throw new Error(`Cannot generate while ${this.current.status}`);
    this.set({ status: 'generating', modelId: this.current.modelId });
  }

  finishGenerating(): void {
    if (this.current.status === 'generating') this.set({ status: 'ready', modelId: this.current.modelId });
  }

  fail(error: EngineError, modelId = this.modelId): void {
    this.set({ status: 'error', ...error, ...(modelId ? { modelId } : {}) });
  }

  reset(note?: string): void {
    this.set(note ? { status: 'idle', note } : { status: 'idle' });
  }

  private set(next: EngineState): void {
    this.pendingProgress = undefined;
    this.current = Object.freeze(next);
    this.dispatchEvent(new Event('change'));
  }
}
