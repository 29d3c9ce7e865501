/**
 * The page's one door to the GPU model: a thin facade over the model worker (workers/llm.worker.ts,
 * which runs web-llm's MLCEngine) that turns load progress, readiness and failures into store
 * updates, and web-llm's error texts into our error codes. It speaks our own messages
 * (llm-protocol.ts, through llm-connection.ts), so the page never loads web-llm: only the worker
 * does (README, Decisions).
 */
import type { AppConfig, ChatCompletionRequestStreaming, ModelRecord } from '@mlc-ai/web-llm';
import { firstRefused } from '../security/connect-policy.js';
import type { ChatEngine, ChatRequest, ChatStreamEvent } from './chat-engine.js';
import { engineError, hostNotAllowedError, toEngineError, type EngineError } from './errors.js';
import { isLlmFailure, LlmConnection, WAITING_FOR_OTHER_TAB, type ChatStream, type LoadCall } from './llm-connection.js';
import { dedicatedLink, type LlmLink } from './llm-link.js';
import type { LlmMessage, SharedModelState, WebLlmFile } from './llm-protocol.js';
import { deleteCachedModel, modelBaseUrl } from './model-cache.js';
import { answerWithin } from './model-library.js';
import { ReplyQueue } from './reply-queue.js';
import { finiteUsage, notReadyError } from './reply-checks.js';
import { DOWNLOAD_RETRY_DELAYS_MS, EtaEstimator, nextRetry, parseProgressReport, pause } from './progress.js';
import type { EngineStore } from './store.js';
// Named Worker so Vite still sees `new Worker(new URL(…))` and bundles the script (see module-worker.ts).
import { ModuleWorker as Worker } from './module-worker.js';

export interface EngineClientOptions {
  store: EngineStore;
  appConfig: AppConfig;
  /** Tests and embedders may supply their own worker; the default is bundled by Vite. */
  createWorker?: () => Worker;
  /**
   * The site's shared model worker (llm-link.ts), whose model every tab of the site follows; where
   * given, it is used rather than a dedicated worker from `createWorker`, unless it turns out to have
   * no WebGPU.
   */
  createSharedLink?: () => LlmLink;
  /** Waits before retrying a dropped download; their count is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** Tokens of context to allocate, below the model's own window; default: the model's. */
  contextSize?: number;
  /**
   * Resolves once this tab may hold a model (model-holder.ts: one tab of the site at a time); the
   * load waits for it, showing why. Default: at once.
   */
  holdModel?: (modelId: string) => Promise<void>;
}

/** How long a reply may take to stop once asked before its worker counts as gone. */
const STOP_GRACE_MS = 5000;

/** How long a tab may take to restore the models added by URL before it says it does not know the shared one. */
const UNKNOWN_MODEL_GRACE_MS = 3000;

/** How long web-llm's cache deletes may take in the worker before the page goes on without them. */
const FORGET_WITHIN_MS = 10_000;

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
  private readonly createSharedLink?: () => LlmLink;
  /** The shared worker said it has no WebGPU (a browser that offers none inside one): dedicated workers from then on. */
  private sharedUnusable = false;
  private readonly retryDelaysMs: readonly number[];
  private link?: LlmLink;
  /** Our messages to the current worker; closed (every call failed) when the worker is dropped. */
  private connection?: LlmConnection;
  /** Bumped by every load and cancel, so answers from a superseded load are ignored. */
  private loadGeneration = 0;
  private pending?: Interruption;
  /** The load call under way in a shared worker, to leave when this tab stops waiting for it. */
  private sharedLoad?: LoadCall;
  /** Resolved at the shared worker's first word about its model (or at once with a dedicated worker). */
  private attachedOnce?: Promise<void>;
  private markAttached?: () => void;
  /** Replies and loads take turns: one model, one reply at a time. */
  private readonly replies = new ReplyQueue();

  constructor(options: EngineClientOptions) {
    this.store = options.store;
    this.appConfig = options.appConfig;
    this.createWorker = options.createWorker ?? createLlmWorker;
    this.createSharedLink = options.createSharedLink;
    this.retryDelaysMs = options.retryDelaysMs ?? DOWNLOAD_RETRY_DELAYS_MS;
    this.contextSize = options.contextSize;
    this.holdModel = options.holdModel;
  }

  private readonly holdModel?: (modelId: string) => Promise<void>;

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

  /** Replace the list of models the engine may load (e.g. after adding a custom model); each load sends it. */
  setAppConfig(appConfig: AppConfig): void {
    this.appConfig = appConfig;
    // The shared worker's model may be one this tab has only just restored (added by URL on an earlier visit).
    const waiting = this.unknownShared;
    if (waiting && this.findRecord(waiting.modelId)) {
      this.unknownShared = undefined;
      clearTimeout(waiting.timer);
      this.follow(waiting.state);
    }
  }

  /** The shared worker's model, when this tab does not know it (yet): followed once the tab's list has it. */
  private unknownShared?: { modelId: string; state: SharedModelState; timer: ReturnType<typeof setTimeout> };

  private findRecord(modelId: string): ModelRecord | undefined {
    return this.appConfig.model_list.find((record) => record.model_id === modelId);
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
      // Whether the shared worker can run it (it says so first thing), before anything else starts.
      if (this.sharesWorker) {
        this.ensureConnection();
        await Promise.race([this.attached(), pending.promise]);
      }
      // Without the shared worker, one tab holds a model: nothing starts or is fetched while another does.
      if (this.holdModel && !this.sharesWorker) await Promise.race([this.holdModel(modelId), pending.promise]);
      if (generation !== this.loadGeneration) return false;
      // A dropped connection is tried again after a wait; web-llm keeps the weight shards that
      // finished in its cache, so a retry resumes from there.
      for (let tries = 0; ; tries++) {
        const eta = new EtaEstimator();
        try {
          const connection = this.ensureConnection();
          const context = this.contextSize ? this.contextFor(modelId) : undefined;
          const call = connection.load(
            { modelId, appConfig: this.configFor(record), ...(context ? { chatOptions: { context_window_size: context } } : {}) },
            (report) => {
              if (generation !== this.loadGeneration) return;
              this.store.reportProgress(modelId, eta.update(parseProgressReport(report), performance.now()));
            },
          );
          if (this.link?.shared) this.sharedLoad = call;
          await Promise.race([call.done, pending.promise]);
          if (this.sharedLoad === call) this.sharedLoad = undefined;
          if (generation !== this.loadGeneration) return false;
          this.store.markReady(modelId);
          return true;
        } catch (raw) {
          if (generation !== this.loadGeneration) return false;
          const error = await this.explain(raw, record);
          // web-llm caches a library even when it fails to instantiate; forget it, so Retry fetches it again.
          if (error.code === 'bad-model-library') await this.forgetInWorker(modelId, ['library', 'config']);
          // A file that failed its integrity hash is in web-llm's cache by now; keep none of it.
          if (error.code === 'bad-model-file') await this.deleteFiles(modelId).catch(() => undefined);
          // A failed load can leave the worker's engine half-initialised (or its GPU device lost);
          // the next attempt starts from a fresh worker. (The shared worker starts a fresh engine itself.)
          if (!this.link?.shared) this.discardWorker();
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
    let streaming: ChatStream | undefined;
    let link: LlmLink | undefined;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const interrupt = () => {
      streaming?.stop();
      // A stuck worker never ends the reply, and every later request and load waits behind it.
      graceTimer ??= setTimeout(() => {
        if (this.link === link) this.markLost(`The model did not stop within ${STOP_GRACE_MS / 1000} s of being asked to.`);
      }, STOP_GRACE_MS);
    };
    let ended: string | null | undefined;
    let complete = false;
    try {
      // A worker that dies mid-reply never sends the next chunk; dropping it closes the connection,
      // which ends the reply with why.
      streaming = this.ensureConnection().chat({ request: webLlmRequest(request) });
      link = this.link;
      // A stop that reaches the worker before web-llm starts generating is asked again by the worker
      // once generation is under way.
      if (stop.aborted) interrupt();
      else stop.addEventListener('abort', interrupt, { once: true });
      for await (const chunk of streaming.chunks) {
        if (chunk === WAITING_FOR_OTHER_TAB) {
          yield { type: 'waiting' };
          continue;
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
      complete = true;
      if (stop.aborted || ended === 'abort') yield { type: 'stopped' };
    } catch (raw) {
      const error = this.engineErrorOf(raw);
      // The GPU device was lost (web-llm then unloads the model) or the worker died: nothing more
      // can run on this worker, so say so in the store, where recovery and the Reload button act.
      if (error.code === 'device-lost' || error.code === 'worker-lost') this.loseWorker(error);
      throw error;
    } finally {
      clearTimeout(graceTimer);
      stop.removeEventListener('abort', interrupt);
      // The reader left early (break, an error in its loop): the worker stops generating too.
      if (!complete) streaming?.stop();
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

  /**
   * Stop a load in progress. Finished weight shards stay cached, so a later load resumes. A load in
   * the shared worker stops for every tab (each says so).
   */
  cancel(): void {
    if (this.store.state.status !== 'loading') return;
    const shared = this.link?.shared ? this.connection : undefined;
    this.abandonLoad();
    void shared?.call('unload', null).catch(() => undefined);
    this.store.reset('Loading cancelled. The parts already downloaded are kept.');
  }

  /** Remove a model from this device. Unloads it first if it is the one in use, after its replies end. */
  async deleteModel(modelId: string): Promise<void> {
    if (this.store.modelId === modelId) {
      if (this.store.state.status === 'loading') this.abandonLoad();
      this.replies.stopAll();
      await this.replies.exclusive(async () => {
        if (this.store.modelId !== modelId) return;
        await this.connection?.call('unload', null).catch(() => undefined);
        this.store.reset();
      });
    }
    await this.deleteFiles(modelId);
  }

  /** web-llm's own deletes (in the worker, started for it if need be), then our sweep of what is left. */
  private deleteFiles(modelId: string): Promise<void> {
    return deleteCachedModel(modelId, this.appConfig, (files) => this.forgetInWorker(modelId, files));
  }

  /**
   * Run web-llm's cache deletes for a model's files in the worker, where web-llm is. Never fails: a
   * worker that cannot start or answer leaves the files to the page's sweep (model-cache.ts).
   */
  private async forgetInWorker(modelId: string, files: WebLlmFile[]): Promise<void> {
    const record = this.findRecord(modelId);
    if (!record) return;
    const forgotten = this.ensureConnection().call('forget', { modelId, appConfig: this.configFor(record), files });
    await answerWithin(forgotten, FORGET_WITHIN_MS);
  }

  /** What the worker needs of the app config for one model: its record (web-llm finds it by id). */
  private configFor(record: ModelRecord): AppConfig {
    return { ...this.appConfig, model_list: [record] };
  }

  /**
   * Is the model still loaded and answering? getMessage is a round trip to the worker that needs a
   * loaded model: after a lost GPU device web-llm has unloaded it and answers "Model not loaded"
   * (device-lost); a worker that does not answer in time is lost.
   */
  async checkModel(timeoutMs: number): Promise<EngineError | undefined> {
    const connection = this.connection;
    if (!connection) return undefined;
    const answer = await answerWithin(connection.call('check', null), timeoutMs);
    if (answer.kind === 'late') return engineError('worker-lost', `The model worker did not answer within ${timeoutMs / 1000} s.`);
    if (answer.kind === 'rejected') {
      const error = this.engineErrorOf(answer.reason);
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

  /** Release the worker and the GPU memory it holds (a shared worker's model stays for the other tabs). */
  dispose(): void {
    this.replies.stopAll();
    this.abandonLoad();
    this.discardWorker();
    if (this.store.state.status !== 'idle') this.store.reset();
  }

  private abandonLoad(): void {
    this.loadGeneration++;
    this.pending?.reject(engineError('aborted'));
    this.pending = undefined;
    if (this.link?.shared) {
      // The shared worker stops a load once no tab waits for it (web-llm's unload aborts it).
      this.sharedLoad?.leave();
      this.sharedLoad = undefined;
      return;
    }
    // Terminating is the only way to stop web-llm's downloads and shader compilation at once.
    this.discardWorker();
  }

  /**
   * Reach the model worker now rather than on first use: a tab sharing the site's model worker
   * then shows at once what another tab loads or has loaded.
   */
  connect(): void {
    this.ensureConnection();
  }

  /**
   * Resolves once this tab knows what the other tabs of the site have loaded (the shared worker's
   * first word, within `timeoutMs`): true when they have a model loaded or loading, which this tab
   * then shows, so the app does not load the model used last over it. False at once when not
   * connected to a shared worker.
   */
  async attached(timeoutMs = 2000): Promise<boolean> {
    if (!this.attachedOnce) return false;
    await Promise.race([this.attachedOnce, pause(timeoutMs)]);
    return this.sharedModelInUse;
  }

  /** The shared worker's last word: a model is loaded or loading there. */
  private sharedModelInUse = false;

  /** Whether this tab reaches the model through the site's shared worker. */
  private get sharesWorker(): boolean {
    return !!this.createSharedLink && !this.sharedUnusable;
  }

  /** What the shared worker says to every tab. */
  private onShared(link: LlmLink, message: Extract<LlmMessage, { kind: 'state' | 'welcome' }>): void {
    if (link !== this.link) return;
    if (message.kind === 'state') {
      this.sharedModelInUse = message.payload.status !== 'idle';
      return this.follow(message.payload);
    }
    if (message.payload.webgpu) return;
    // WebGPU is not offered inside shared workers here: this tab runs its own worker, one tab at a time.
    this.sharedUnusable = true;
    this.markAttached?.();
    this.discardWorker();
  }

  /**
   * The shared worker's model changed (another tab loaded, switched, unloaded or deleted it), or this
   * tab just connected: show the same. Following a load is a load of the same model, which joins it:
   * its progress shows here and nothing is loaded twice.
   */
  private follow(state: SharedModelState): void {
    this.markAttached?.();
    const mine = this.store.state;
    if (state.status === 'idle') {
      if ((mine.status === 'ready' || mine.status === 'generating') && state.reason === 'unloaded') {
        this.store.reset('Another tab of this site unloaded the model.');
      } else if (mine.status === 'ready' || mine.status === 'generating') {
        this.store.reset();
      } else if (mine.status === 'loading' && state.reason === 'cancelled' && this.sharedLoad) {
        this.abandonLoad();
        this.store.reset('Loading was cancelled in another tab of this site. The parts already downloaded are kept.');
      }
      return;
    }
    const busy = mine.status === 'loading' || mine.status === 'ready' || mine.status === 'generating';
    if (busy && mine.modelId === state.modelId) return;
    if (this.unknownShared) clearTimeout(this.unknownShared.timer);
    this.unknownShared = undefined;
    if (!this.findRecord(state.modelId)) {
      // A tab restores the models added by URL as it starts, possibly after the shared worker's first
      // word: give it that long before saying it does not know the model.
      const modelId = state.modelId;
      const timer = setTimeout(() => {
        if (this.unknownShared?.modelId !== modelId) return;
        this.store.reset(`Another tab of this site uses “${modelId}”, a model added there that this tab does not know yet. Reload this tab to use it here.`);
      }, UNKNOWN_MODEL_GRACE_MS);
      this.unknownShared = { modelId, state, timer };
      return;
    }
    void this.load(state.modelId);
  }

  /** The worker (started on first use: a load, a reply, a delete) and our messages to it. */
  private ensureConnection(): LlmConnection {
    if (this.connection) return this.connection;
    const link = this.sharesWorker ? this.createSharedLink!() : dedicatedLink(this.createWorker());
    link.onError((message) => {
      if (link === this.link) this.markLost(`Worker error: ${message}`);
    });
    link.onMessageError(() => {
      if (link === this.link) this.markLost('A message from the model worker could not be read.');
    });
    this.link = link;
    if (link.shared) this.attachedOnce = new Promise<void>((resolve) => (this.markAttached = resolve));
    this.connection = new LlmConnection(link.channel, link.shared ? (message) => this.onShared(link, message) : undefined);
    return this.connection;
  }

  private discardWorker(reason: EngineError = engineError('aborted')): void {
    // Whatever still waits on this worker (a reply, a load, a check) ends with why it was dropped.
    this.connection?.close(reason);
    this.connection = undefined;
    this.link?.close();
    this.link = undefined;
    this.sharedLoad = undefined;
  }

  /**
   * Our error for what a call to the worker failed with: web-llm's error text mapped as before, or,
   * for a download the worker's Content-Security-Policy refused, the host and how to allow it.
   */
  private engineErrorOf(raw: unknown): EngineError {
    if (!isLlmFailure(raw)) return toEngineError(raw);
    return raw.blockedUrl ? hostNotAllowedError(raw.blockedUrl, raw.text) : toEngineError(raw.text);
  }

  /**
   * The Cache API reports an HTTP 404 and a dropped connection with the same TypeError. A HEAD
   * request for the model's config tells them apart; it is only made after a failure.
   */
  private async explain(raw: unknown, record: ModelRecord): Promise<EngineError> {
    const error = this.engineErrorOf(raw);
    if (/Integrity verification failed/i.test(error.detail ?? '')) {
      return {
        ...error,
        message: 'A downloaded file of this model is not the one expected: its integrity hash does not match.',
        hint: 'It was not kept. Press Retry to download it again; if it fails again, the host is serving a different file.',
      };
    }
    if (error.code !== 'network') return error;
    // A host this page's policy leaves out fails like an unreachable one; it is never worth retrying
    // (nor asking it for its files: the policy refuses those requests too).
    const refused = await firstRefused([modelBaseUrl(record), record.model_lib]);
    if (refused) return hostNotAllowedError(refused, error.detail);
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

/**
 * web-llm's request for a reply: usage on (web-llm then reports prefill/decode speed and time to
 * first token in `usage.extra`), and only the options the request sets.
 */
function webLlmRequest(request: ChatRequest): ChatCompletionRequestStreaming {
  return {
    messages: request.messages,
    stream: true,
    stream_options: { include_usage: true },
    temperature: request.temperature,
    top_p: request.topP,
    max_tokens: request.maxTokens,
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.stop?.length ? { stop: request.stop } : {}),
    ...(request.enableThinking !== undefined ? { extra_body: { enable_thinking: request.enableThinking } } : {}),
  };
}
