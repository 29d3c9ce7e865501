/**
 * The page's one door to the model: a thin facade over web-llm's `WebWorkerMLCEngine` that turns
 * load progress, readiness and failures into store updates, and web-llm's string errors into our
 * error codes. The worker itself (workers/llm.worker.ts) is web-llm's own handler; there is no
 * second RPC layer.
 */
import { WebWorkerMLCEngine, type AppConfig, type ModelRecord } from '@mlc-ai/web-llm';
import type { ChatEngine, ChatRequest, ChatStreamEvent } from './chat-engine.js';
import { engineError, toEngineError, type EngineError } from './errors.js';
import { deleteCachedModel, forgetModelProgram, modelBaseUrl } from './model-cache.js';
import { answersWithin } from './model-library.js';
import { DOWNLOAD_RETRY_DELAYS_MS, EtaEstimator, nextRetry, parseProgressReport, pause } from './progress.js';
import type { EngineStore } from './store.js';
// Named Worker so Vite still sees `new Worker(new URL(…))` and bundles the script (see module-worker.ts).
import { ModuleWorker as Worker } from './module-worker.js';

export interface EngineClientOptions {
  store: EngineStore;
  appConfig: AppConfig;
  /** Tests and embedders may supply their own worker; the default is bundled by Vite. */
  createWorker?: () => Worker;
  /** Waits before retrying a dropped download; their count is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** Tokens of context to allocate, below the model's own window; default: the model's. */
  contextSize?: number;
}

export function createLlmWorker(): Worker {
  return new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'aperto-llm' });
}

interface Interruption {
  promise: Promise<never>;
  reject: (reason: unknown) => void;
}

function interruption(): Interruption {
  let reject!: (reason: unknown) => void;
  const promise = new Promise<never>((_resolve, rej) => (reject = rej));
  promise.catch(() => undefined); // observed through Promise.race; never an unhandled rejection
  return { promise, reject };
}

export class EngineClient implements ChatEngine {
  readonly store: EngineStore;
  private appConfig: AppConfig;
  private readonly createWorker: () => Worker;
  private readonly retryDelaysMs: readonly number[];
  private worker?: Worker;
  private engine?: WebWorkerMLCEngine;
  /** Bumped by every load and cancel, so answers from a superseded load are ignored. */
  private loadGeneration = 0;
  private pending?: Interruption;
  /** Rejected when the current worker is dropped, so a reply waiting on a dead worker ends. */
  private workerGone?: Interruption;

  constructor(options: EngineClientOptions) {
    this.store = options.store;
    this.appConfig = options.appConfig;
    this.createWorker = options.createWorker ?? createLlmWorker;
    this.retryDelaysMs = options.retryDelaysMs ?? DOWNLOAD_RETRY_DELAYS_MS;
    this.contextSize = options.contextSize;
  }

  private readonly contextSize?: number;

  /** The context to allocate for a model: the one asked for, never more than the model's own. */
  private contextFor(modelId: string): number | undefined {
    const own = this.findRecord(modelId)?.overrides?.context_window_size;
    if (!this.contextSize) return own;
    return own ? Math.min(own, this.contextSize) : this.contextSize;
  }

  get config(): AppConfig {
    return this.appConfig;
  }

  /** Replace the list of models the engine may load (e.g. after adding a custom model). */
  setAppConfig(appConfig: AppConfig): void {
    this.appConfig = appConfig;
    this.engine?.setAppConfig(appConfig);
  }

  private findRecord(modelId: string): ModelRecord | undefined {
    return this.appConfig.model_list.find((record) => record.model_id === modelId);
  }

  /** The underlying web-llm engine, for chat completions once a model is ready. */
  get mlc(): WebWorkerMLCEngine {
    return this.ensureEngine();
  }

  /**
   * Download (or read from cache) and initialise a model. Resolves to whether it became ready; the
   * outcome, including any error, is always in the store.
   */
  async load(modelId: string): Promise<boolean> {
    const record = this.findRecord(modelId);
    if (!record) {
      this.store.fail(
        { ...engineError('model-not-found'), message: `There is no model called “${modelId}” in the catalog.` },
        modelId,
      );
      return false;
    }
    const state = this.store.state;
    if ((state.status === 'ready' || state.status === 'generating') && state.modelId === modelId) return true;
    if (state.status === 'loading') this.abandonLoad();

    const generation = ++this.loadGeneration;
    const pending = (this.pending = interruption());
    this.store.startLoading(modelId);
    try {
      // A dropped connection is tried again after a wait; web-llm keeps the weight shards that
      // finished in its cache, so a retry resumes from there.
      for (let tries = 0; ; tries++) {
        const eta = new EtaEstimator();
        const engine = this.ensureEngine();
        engine.setInitProgressCallback((report) => {
          if (generation !== this.loadGeneration) return;
          this.store.reportProgress(modelId, eta.update(parseProgressReport(report), performance.now()));
        });
        try {
          const context = this.contextSize ? this.contextFor(modelId) : undefined;
          await Promise.race([engine.reload(modelId, context ? { context_window_size: context } : undefined), pending.promise]);
          if (generation !== this.loadGeneration) return false;
          this.store.markReady(modelId);
          return true;
        } catch (raw) {
          if (generation !== this.loadGeneration) return false;
          const error = await this.explain(raw, record);
          if (error.code === 'bad-model-library') await forgetModelProgram(modelId, this.appConfig);
          // A file that failed its integrity hash is in web-llm's cache by now; keep none of it.
          if (error.code === 'bad-model-file') await deleteCachedModel(modelId, this.appConfig).catch(() => undefined);
          // A failed load can leave the worker's engine half-initialised (or its GPU device lost);
          // the next attempt starts from a fresh worker.
          this.discardWorker();
          const next = nextRetry(tries, this.retryDelaysMs);
          if (error.code !== 'network' || !next) {
            this.store.fail(error, modelId);
            return false;
          }
          this.store.reportRetry(modelId, next.retry);
          await Promise.race([pause(next.waitMs), pending.promise]);
          if (generation !== this.loadGeneration) return false;
        }
      }
    } catch {
      // Cancelled while waiting to retry: the cancel has already said so.
      return false;
    } finally {
      if (this.pending === pending) this.pending = undefined;
    }
  }

  /**
   * Stream one reply from the loaded model. web-llm reports prefill/decode speed and time to first
   * token in `usage.extra` when `include_usage` is on.
   */
  async *streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    this.store.startGenerating();
    try {
      const stream = await this.mlc.chat.completions.create({
        messages: request.messages,
        stream: true,
        stream_options: { include_usage: true },
        temperature: request.temperature,
        top_p: request.topP,
        max_tokens: request.maxTokens,
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(request.enableThinking !== undefined ? { extra_body: { enable_thinking: request.enableThinking } } : {}),
      });
      const chunks = stream[Symbol.asyncIterator]();
      const gone = this.workerGone?.promise;
      for (;;) {
        // A worker that dies mid-reply never sends the next chunk; its loss ends the reply instead.
        const next = await (gone ? Promise.race([chunks.next(), gone]) : chunks.next());
        if (next.done) break;
        const chunk = next.value;
        const text = chunk.choices[0]?.delta?.content;
        if (text) yield { type: 'delta', text };
        if (chunk.usage) {
          const extra = chunk.usage.extra;
          yield {
            type: 'usage',
            usage: {
              promptTokens: chunk.usage.prompt_tokens,
              completionTokens: chunk.usage.completion_tokens,
              ...(extra
                ? {
                    timeToFirstTokenMs: extra.time_to_first_token_s * 1000,
                    prefillTokensPerSecond: extra.prefill_tokens_per_s,
                    decodeTokensPerSecond: extra.decode_tokens_per_s,
                  }
                : {}),
            },
          };
        }
      }
    } catch (raw) {
      throw toEngineError(raw);
    } finally {
      this.store.finishGenerating();
    }
  }

  interrupt(): void {
    this.engine?.interruptGenerate();
  }

  contextWindow(): number | undefined {
    const modelId = this.store.modelId;
    return modelId ? this.contextFor(modelId) : undefined;
  }

  /** Stop a load in progress. Finished weight shards stay cached, so a later load resumes. */
  cancel(): void {
    if (this.store.state.status !== 'loading') return;
    this.abandonLoad();
    this.store.reset('Loading cancelled. The parts already downloaded are kept.');
  }

  /** Remove a model from this device. Unloads it first if it is the one in use. */
  async deleteModel(modelId: string): Promise<void> {
    if (this.store.modelId === modelId) {
      if (this.store.state.status === 'loading') this.abandonLoad();
      else await this.engine?.unload().catch(() => undefined);
      this.store.reset();
    }
    await deleteCachedModel(modelId, this.appConfig);
  }

  isResponsive(timeoutMs: number): Promise<boolean> {
    // getMessage is a round trip to the worker; even a rejection ("no model loaded") is an answer.
    return this.engine ? answersWithin(this.engine.getMessage(), timeoutMs) : Promise.resolve(true);
  }

  markLost(detail: string): void {
    const error = engineError('worker-lost', detail);
    this.loadGeneration++;
    this.pending?.reject(error);
    this.pending = undefined;
    this.discardWorker(error);
    this.store.fail(error);
  }

  /** Release the worker and the GPU memory it holds. */
  dispose(): void {
    this.abandonLoad();
    if (this.store.state.status !== 'idle') this.store.reset();
  }

  private abandonLoad(): void {
    this.loadGeneration++;
    this.pending?.reject(engineError('aborted'));
    this.pending = undefined;
    // Terminating is the only way to stop web-llm's downloads and shader compilation at once.
    this.discardWorker();
  }

  private ensureEngine(): WebWorkerMLCEngine {
    if (this.engine) return this.engine;
    const worker = this.createWorker();
    worker.addEventListener('error', (event) => this.onWorkerCrash(worker, event));
    this.worker = worker;
    this.workerGone = interruption();
    this.engine = new WebWorkerMLCEngine(worker, { appConfig: this.appConfig });
    return this.engine;
  }

  private discardWorker(reason: EngineError = engineError('aborted')): void {
    this.workerGone?.reject(reason);
    this.workerGone = undefined;
    this.worker?.terminate();
    this.worker = undefined;
    this.engine = undefined;
  }

  private onWorkerCrash(worker: Worker, event: ErrorEvent): void {
    if (worker !== this.worker) return;
    event.preventDefault();
    this.markLost(`Worker error: ${event.message || 'the model worker could not start or stopped'}`);
  }

  /**
   * The Cache API reports an HTTP 404 and a dropped connection with the same TypeError. A HEAD
   * request for the model's config tells them apart; it is only made after a failure.
   */
  private async explain(raw: unknown, record: ModelRecord): Promise<EngineError> {
    const error = toEngineError(raw);
    if (/Integrity verification failed/i.test(error.detail ?? '')) {
      return {
        ...error,
        message: 'A downloaded file of this model is not the one expected: its integrity hash does not match.',
        hint: 'It was not kept. Press Retry to download it again; if it fails again, the host is serving a different file.',
      };
    }
    if (error.code !== 'network') return error;
    try {
      const configUrl = new URL('mlc-chat-config.json', modelBaseUrl(record)).href;
      const response = await fetch(configUrl, { method: 'HEAD', cache: 'no-store' });
      if (response.status === 404 || response.status === 401) {
        return {
          ...engineError('model-not-found', error.detail),
          message: `The model host has no files for “${record.model_id}” (HTTP ${response.status}).`,
        };
      }
    } catch {
      // Unreachable host: it is a network problem after all.
    }
    return error;
  }
}
