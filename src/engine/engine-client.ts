/**
 * The page's one door to the model: a thin facade over web-llm's `WebWorkerMLCEngine` that turns
 * load progress, readiness and failures into store updates, and web-llm's string errors into our
 * error codes. The worker itself (workers/llm.worker.ts) is web-llm's own handler; there is no
 * second RPC layer. web-llm's client code is fetched with the first load (see web-llm.ts), while the
 * worker starts.
 */
import type { AppConfig, ModelRecord, WebWorkerMLCEngine } from '@mlc-ai/web-llm';
import type { ChatEngine, ChatRequest, ChatStreamEvent } from './chat-engine.js';
import { engineError, toEngineError, type EngineError } from './errors.js';
import { deleteCachedModel, forgetModelProgram, modelBaseUrl } from './model-cache.js';
import { answerWithin } from './model-library.js';
import { ReplyQueue } from './reply-queue.js';
import { finiteUsage, notReadyError } from './reply-checks.js';
import { DOWNLOAD_RETRY_DELAYS_MS, EtaEstimator, nextRetry, parseProgressReport, pause } from './progress.js';
import type { EngineStore } from './store.js';
import { loadWebLlm } from './web-llm.js';
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

/** How long a reply may take to stop once asked before its worker counts as gone. */
const STOP_GRACE_MS = 5000;

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
  /** Replies and loads take turns: one model, one reply at a time. */
  private readonly replies = new ReplyQueue();

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

  /** The underlying web-llm engine (its client code fetched on first use), for chat completions. */
  webLlmEngine(): Promise<WebWorkerMLCEngine> {
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
    // The person asked for another model: end the replies of this one, and load once they have let
    // go of it (web-llm would otherwise unload the pipeline under a reply still streaming).
    this.replies.stopAll();
    const generation = ++this.loadGeneration;
    return this.replies.exclusive(() => this.loadNow(modelId, record, generation));
  }

  private async loadNow(modelId: string, record: ModelRecord, generation: number): Promise<boolean> {
    if (generation !== this.loadGeneration) return false;
    const pending = (this.pending = interruption());
    this.store.startLoading(modelId);
    try {
      // A dropped connection is tried again after a wait; web-llm keeps the weight shards that
      // finished in its cache, so a retry resumes from there.
      for (let tries = 0; ; tries++) {
        const eta = new EtaEstimator();
        try {
          const engine = await Promise.race([this.ensureEngine(), pending.promise]);
          if (generation !== this.loadGeneration) return false;
          engine.setInitProgressCallback((report) => {
            if (generation !== this.loadGeneration) return;
            this.store.reportProgress(modelId, eta.update(parseProgressReport(report), performance.now()));
          });
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
   * Stream one reply from the loaded model, when its turn comes (see reply-queue.ts). web-llm
   * reports prefill/decode speed and time to first token in `usage.extra` when `include_usage` is on.
   */
  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    return this.replies.reply(request.signal, (stop) => this.streamNow(request, stop));
  }

  private async *streamNow(request: ChatRequest, stop: AbortSignal): AsyncIterable<ChatStreamEvent> {
    const state = this.store.state;
    if (state.status !== 'ready') throw notReadyError(state);
    this.store.startGenerating();
    const worker = this.worker;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const interrupt = () => {
      this.engine?.interruptGenerate();
      // A stuck worker never ends the reply, and every later request and load waits behind it.
      graceTimer ??= setTimeout(() => {
        if (this.worker === worker) this.markLost(`The model did not stop within ${STOP_GRACE_MS / 1000} s of being asked to.`);
      }, STOP_GRACE_MS);
    };
    stop.addEventListener('abort', interrupt, { once: true });
    let stopResent = false;
    let ended: string | null | undefined;
    try {
      const engine = await this.ensureEngine();
      const stream = await engine.chat.completions.create({
        messages: request.messages,
        stream: true,
        stream_options: { include_usage: true },
        temperature: request.temperature,
        top_p: request.topP,
        max_tokens: request.maxTokens,
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(request.stop?.length ? { stop: request.stop } : {}),
        ...(request.enableThinking !== undefined ? { extra_body: { enable_thinking: request.enableThinking } } : {}),
      });
      const chunks = stream[Symbol.asyncIterator]();
      const gone = this.workerGone?.promise;
      for (;;) {
        // A worker that dies mid-reply never sends the next chunk; its loss ends the reply instead.
        const next = await (gone ? Promise.race([chunks.next(), gone]) : chunks.next());
        if (next.done) break;
        const chunk = next.value;
        // A stop that reached the worker before its generation started was reset by it; once the
        // first chunk shows generation is under way, ask again.
        if (stop.aborted && !stopResent) {
          stopResent = true;
          interrupt();
        }
        ended = chunk.choices[0]?.finish_reason ?? ended;
        const text = chunk.choices[0]?.delta?.content;
        if (text) yield { type: 'delta', text };
        if (chunk.usage) {
          const extra = chunk.usage.extra;
          yield {
            type: 'usage',
            usage: finiteUsage({
              promptTokens: chunk.usage.prompt_tokens,
              completionTokens: chunk.usage.completion_tokens,
              ...(extra
                ? {
                    timeToFirstTokenMs: extra.time_to_first_token_s * 1000,
                    prefillTokensPerSecond: extra.prefill_tokens_per_s,
                    decodeTokensPerSecond: extra.decode_tokens_per_s,
                  }
                : {}),
            }),
          };
        }
      }
      if (stop.aborted || ended === 'abort') yield { type: 'stopped' };
    } catch (raw) {
      const error = toEngineError(raw);
      // The GPU device was lost (web-llm then unloads the model) or the worker died: nothing more
      // can run on this worker, so say so in the store, where recovery and the Reload button act.
      if (error.code === 'device-lost' || error.code === 'worker-lost') this.loseWorker(error);
      throw error;
    } finally {
      clearTimeout(graceTimer);
      stop.removeEventListener('abort', interrupt);
      this.store.finishGenerating();
    }
  }

  interrupt(): void {
    this.replies.stopAll();
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

  /** Remove a model from this device. Unloads it first if it is the one in use, after its replies end. */
  async deleteModel(modelId: string): Promise<void> {
    if (this.store.modelId === modelId) {
      if (this.store.state.status === 'loading') this.abandonLoad();
      this.replies.stopAll();
      await this.replies.exclusive(async () => {
        if (this.store.modelId !== modelId) return;
        await this.engine?.unload().catch(() => undefined);
        this.store.reset();
      });
    }
    await deleteCachedModel(modelId, this.appConfig);
  }

  /**
   * Is the model still loaded and answering? getMessage is a round trip to the worker that needs a
   * loaded model: after a lost GPU device web-llm has unloaded it and answers "Model not loaded"
   * (device-lost); a worker that does not answer in time is lost.
   */
  async checkModel(timeoutMs: number): Promise<EngineError | undefined> {
    const engine = this.engine;
    if (!engine) return undefined;
    const answer = await answerWithin(engine.getMessage(), timeoutMs);
    if (answer.kind === 'late') return engineError('worker-lost', `The model worker did not answer within ${timeoutMs / 1000} s.`);
    if (answer.kind === 'rejected') {
      const error = toEngineError(answer.reason);
      if (error.code === 'device-lost' || error.code === 'worker-lost') return error;
    }
    return undefined;
  }

  markLost(reason: EngineError | string): void {
    this.loseWorker(typeof reason === 'string' ? engineError('worker-lost', reason) : reason);
  }

  /** Drop the worker (and any load or reply on it) and put `error` in the store. */
  private loseWorker(error: EngineError): void {
    this.loadGeneration++;
    this.pending?.reject(error);
    this.pending = undefined;
    this.discardWorker(error);
    this.store.fail(error);
  }

  /** Release the worker and the GPU memory it holds. */
  dispose(): void {
    this.replies.stopAll();
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

  /**
   * The worker and web-llm's client for it. The worker starts at once, so it fetches its own copy of
   * web-llm while the page fetches the client code.
   */
  private async ensureEngine(): Promise<WebWorkerMLCEngine> {
    if (this.engine) return this.engine;
    const worker = this.worker ?? this.startWorker();
    const { WebWorkerMLCEngine } = await loadWebLlm();
    // Dropped meanwhile (a cancel, a crash): whoever dropped it has said why.
    if (this.worker !== worker) throw engineError('aborted');
    this.engine ??= new WebWorkerMLCEngine(worker, { appConfig: this.appConfig });
    return this.engine;
  }

  private startWorker(): Worker {
    const worker = this.createWorker();
    worker.addEventListener('error', (event) => this.onWorkerCrash(worker, event));
    this.worker = worker;
    this.workerGone = interruption();
    return worker;
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
    const missing = async (url: string) => {
      try {
        const response = await fetch(url, { method: 'HEAD', cache: 'no-store' });
        return response.status === 404 || response.status === 401 ? response.status : undefined;
      } catch {
        return undefined; // Unreachable host: it is a network problem after all.
      }
    };
    const configStatus = await missing(new URL('mlc-chat-config.json', modelBaseUrl(record)).href);
    if (configStatus) {
      return {
        ...engineError('model-not-found', error.detail),
        message: `The model host has no files for “${record.model_id}” (HTTP ${configStatus}).`,
      };
    }
    const libraryStatus = record.model_lib ? await missing(record.model_lib) : undefined;
    if (libraryStatus) {
      return {
        ...engineError('model-not-found', error.detail),
        message: `The program of “${record.model_id}” (its model library, ${record.model_lib}) is not on its host (HTTP ${libraryStatus}).`,
        hint: 'Retrying will not help: the library URL is wrong or the file was removed. Choose another model, or check the library URL.',
      };
    }
    return error;
  }
}
