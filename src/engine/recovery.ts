/**
 * Self-healing for the model's worker. While a model is ready, the worker is asked to answer a
 * round trip every few seconds; one that does not answer is marked lost. When the worker is lost
 * (crashed, stopped answering) or the GPU device is lost, the model is loaded again, from this
 * device's storage, after a back-off delay, a limited number of times. The kiosk turns that on;
 * the app keeps it manual (its "Reload model" button calls `reloadNow`).
 */
import type { EngineErrorCode } from './errors.js';
import type { LoadableEngine } from './model-library.js';

/** Failures that a fresh worker and a reload can cure. */
const RECOVERABLE: ReadonlySet<EngineErrorCode> = new Set(['worker-lost', 'device-lost']);

export type RecoveryState =
  | { phase: 'watching' }
  /** A reload is scheduled; `attempt` counts from 1. */
  | { phase: 'waiting'; attempt: number; maxAttempts: number; retryAt: number }
  | { phase: 'reloading'; attempt: number; maxAttempts: number }
  | { phase: 'gave-up'; attempts: number };

export interface RecoveryOptions {
  /** Reload by itself after a recoverable failure (kiosk). Default false. */
  auto?: boolean;
  /** How often a ready worker is asked to answer. Default 5 s. */
  checkEveryMs?: number;
  /** How long it has to answer. Default 5 s. */
  answerWithinMs?: number;
  /** Waits before each automatic reload; their count is the retry limit. */
  backoffMs?: readonly number[];
  /** A model that stays ready this long has recovered for good: the attempt count starts over. */
  stableAfterMs?: number;
}

export class EngineRecovery extends EventTarget {
  private options: Required<RecoveryOptions>;
  private current: RecoveryState = { phase: 'watching' };
  private attempts = 0;
  private readySince?: number;
  private lastModelId?: string;
  private checkTimer?: ReturnType<typeof setInterval>;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private checking = false;
  private running = false;

  constructor(
    private readonly engine: LoadableEngine,
    options: RecoveryOptions = {},
  ) {
    super();
    this.options = withDefaults(options);
  }

  get state(): RecoveryState {
    return this.current;
  }

  /** The model to reload: the last one that was loading or ready. */
  get modelId(): string | undefined {
    return this.lastModelId;
  }

  /** Start watching (idempotent); options given here replace the earlier ones. */
  start(options?: RecoveryOptions): void {
    if (options) this.options = withDefaults({ ...this.options, ...options });
    if (this.running) {
      this.restartChecks();
      return;
    }
    this.running = true;
    this.engine.store.addEventListener('change', this.onStoreChange);
    this.onStoreChange();
    this.restartChecks();
  }

  stop(): void {
    this.running = false;
    this.engine.store.removeEventListener('change', this.onStoreChange);
    clearInterval(this.checkTimer);
    clearTimeout(this.retryTimer);
    this.checkTimer = undefined;
    this.retryTimer = undefined;
  }

  /** Load the last model again now (the "Reload model" button); also after giving up. */
  async reloadNow(): Promise<boolean> {
    clearTimeout(this.retryTimer);
    this.attempts = 0;
    const modelId = this.lastModelId;
    if (!modelId) return false;
    const state = this.engine.store.state;
    // A worker that seems fine is replaced too: the person pressed the button because it is not.
    if (state.status === 'ready' || state.status === 'generating') this.engine.markLost('Reloaded on request.');
    this.set({ phase: 'watching' });
    return this.engine.load(modelId);
  }

  private restartChecks(): void {
    clearInterval(this.checkTimer);
    this.checkTimer = setInterval(() => void this.checkWorker(), this.options.checkEveryMs);
  }

  private async checkWorker(): Promise<void> {
    const state = this.engine.store.state;
    if (this.checking || state.status !== 'ready') return;
    this.checking = true;
    try {
      // "Is a model loaded and answering", not just "did the worker reply": after a lost GPU device
      // web-llm's worker still answers, only to say it has no model.
      const problem = await this.engine.checkModel(this.options.answerWithinMs);
      const now = this.engine.store.state;
      // A reply started meanwhile keeps the worker busy; only an idle, silent worker is lost.
      if (problem && now.status === 'ready' && now.modelId === state.modelId) this.engine.markLost(problem);
    } finally {
      this.checking = false;
    }
  }

  private readonly onStoreChange = () => {
    const state = this.engine.store.state;
    if (state.status === 'loading' || state.status === 'ready' || state.status === 'generating') {
      this.lastModelId = state.modelId;
    }
    if (state.status === 'ready') {
      this.readySince ??= Date.now();
      if (this.current.phase !== 'watching') this.set({ phase: 'watching' });
      return;
    }
    if (state.status !== 'error') {
      if (state.status !== 'generating') this.readySince = undefined;
      return;
    }
    if (this.readySince !== undefined && Date.now() - this.readySince >= this.options.stableAfterMs) this.attempts = 0;
    this.readySince = undefined;
    const recoverable = RECOVERABLE.has(state.code) || this.current.phase === 'reloading';
    if (!this.options.auto || !recoverable || !this.lastModelId) {
      if (this.current.phase === 'reloading') this.set({ phase: 'gave-up', attempts: this.attempts });
      return;
    }
    this.scheduleReload();
  };

  private scheduleReload(): void {
    const { backoffMs } = this.options;
    if (this.attempts >= backoffMs.length) {
      this.set({ phase: 'gave-up', attempts: this.attempts });
      return;
    }
    const wait = backoffMs[this.attempts]!;
    this.attempts++;
    const attempt = this.attempts;
    this.set({ phase: 'waiting', attempt, maxAttempts: backoffMs.length, retryAt: Date.now() + wait });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      const modelId = this.lastModelId;
      if (!modelId || !this.running) return;
      this.set({ phase: 'reloading', attempt, maxAttempts: backoffMs.length });
      void this.engine.load(modelId);
    }, wait);
  }

  private set(next: RecoveryState): void {
    this.current = next;
    this.dispatchEvent(new Event('change'));
  }
}

function withDefaults(options: RecoveryOptions): Required<RecoveryOptions> {
  return {
    auto: options.auto ?? false,
    checkEveryMs: options.checkEveryMs ?? 5000,
    answerWithinMs: options.answerWithinMs ?? 5000,
    backoffMs: options.backoffMs ?? [1000, 2000, 4000, 8000, 16000],
    stableAfterMs: options.stableAfterMs ?? 60_000,
  };
}
