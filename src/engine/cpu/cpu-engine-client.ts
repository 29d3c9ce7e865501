/**
 * The CPU engine: llama.cpp compiled to WebAssembly, through wllama, for GGUF models. A sibling of
 * EngineClient (web-llm on WebGPU) with the same store and the same ChatEngine interface, so the
 * chat does not care which one runs the model.
 *
 * wllama already runs llama.cpp in its own Web Worker (and its threads in more workers), so there is
 * no worker of ours here. Model files are downloaded by wllama into the Origin Private File System
 * and read from there on later loads. wllama's own code is fetched with the first load (load-wllama.ts).
 */
import type { ChatCompletionChunk, ResultTimings, Wllama } from '@wllama/wllama/esm/index.js';
import type { ChatEngine, ChatRequest, ChatStreamEvent, ChatUsage } from '../chat-engine.js';
import { engineError, hostNotAllowedError, type EngineError } from '../errors.js';
import { refusedByPolicy } from '../../security/connect-policy.js';
import { answerWithin } from '../model-library.js';
import { finiteUsage, notReadyError } from '../reply-checks.js';
import { ReplyQueue } from '../reply-queue.js';
import { DOWNLOAD_RETRY_DELAYS_MS, EtaEstimator, nextRetry, pause, type LoadProgress } from '../progress.js';
import type { EngineStore } from '../store.js';
import { explainCpuError, noMemory64Error, type CpuStage } from './cpu-errors.js';
import { loadWllama, type WllamaModule } from './load-wllama.js';
import { defaultThreadCount, supportsWasmMemory64, wllamaAssets } from './wllama-assets.js';

/** How long a reply may take to stop once asked before its worker counts as gone. */
const STOP_GRACE_MS = 5000;

/** A GGUF model: one file (or the first shard of a split model, `…-00001-of-0000N.gguf`). */
export interface CpuModel {
  id: string;
  url: string;
  /** Expected download size, used when the host does not send Content-Length. */
  sizeBytes?: number;
  /** SHA-256 of the file, hex; when given, a fresh download is checked against it. */
  sha256?: string;
}

export interface CpuEngineClientOptions {
  store: EngineStore;
  /** Tokens of context to allocate; the model's training context caps it. Default 4096. */
  contextSize?: number;
  /** llama.cpp threads on a cross-origin isolated page (elsewhere always one). Default: by cores. */
  threads?: number;
  /** Pass llama.cpp's own log to the console, for diagnosing a model that will not load. */
  nativeLog?: boolean;
  /** Waits before retrying a dropped download; their count is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** A download that receives nothing for this long counts as dropped. Default 30 s. */
  stallTimeoutMs?: number;
  /**
   * Resolves once this tab may hold a model (model-holder.ts: one tab of the site at a time); the
   * load waits for it, showing why. Default: at once.
   */
  holdModel?: (modelId: string) => Promise<void>;
}

interface LoadAttempt {
  model: CpuModel;
  download: AbortController;
  /** Rejected by a cancel, so a load stuck inside wllama is left behind at once. */
  cancelled: Promise<never>;
  cancel: (reason: unknown) => void;
}

function loadAttempt(model: CpuModel): LoadAttempt {
  let cancel!: (reason: unknown) => void;
  const cancelled = new Promise<never>((_resolve, reject) => (cancel = reject));
  cancelled.catch(() => undefined); // observed through Promise.race; never an unhandled rejection
  return { model, download: new AbortController(), cancelled, cancel };
}

/**
 * llama.cpp says why a file will not load only in its log ("tensor '…' data is not within the file
 * bounds", "invalid magic characters"); wllama's own error is opaque or missing. Warnings and
 * errors are kept (the last few) for the error's detail, and reach the console only on request.
 */
class NativeLog {
  private lines: string[] = [];
  constructor(private readonly forward: boolean) {}

  readonly logger = {
    debug: (...args: unknown[]) => this.forward && console.debug(...args),
    log: (...args: unknown[]) => this.forward && console.log(...args),
    warn: (...args: unknown[]) => this.keep('warn', args),
    error: (...args: unknown[]) => this.keep('error', args),
  };

  /** The kept lines, most telling first: llama.cpp's "error loading model" is what people need. */
  summary(): string {
    const errors = this.lines.filter((line) => /error|failed|invalid|corrupt/i.test(line));
    return (errors.length ? errors : this.lines).slice(0, 3).join(' | ');
  }

  clear(): void {
    this.lines = [];
  }

  private keep(level: 'warn' | 'error', args: unknown[]): void {
    if (this.forward) console[level](...args);
    const text = args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg))).join(' ').trim();
    if (!text || text.startsWith('Stack trace')) return;
    this.lines.push(text);
    if (this.lines.length > 12) this.lines.shift();
  }
}

/**
 * Storage work that the next load must wait for: a download closing its file, a damaged file being
 * deleted. The Origin Private File System is one per origin, so this is shared by every client of
 * the page (a download started while another client deletes a file could find its own file gone).
 */
let storageWork: Promise<unknown> = Promise.resolve();

/** Delete a model's file once any storage work under way has finished. */
export function forgetModelFileSoon(url: string): Promise<void> {
  const work = storageWork.then(() => forgetModelFile(url));
  storageWork = work.catch(() => undefined);
  return work;
}

export class CpuEngineClient implements ChatEngine {
  readonly store: EngineStore;
  private readonly contextSize: number;
  private readonly threads: number;
  private readonly nativeLog: boolean;
  private readonly retryDelaysMs: readonly number[];
  private readonly stallTimeoutMs: number;
  private readonly holdModel?: (modelId: string) => Promise<void>;
  private wllama?: Wllama;
  private readonly nativeLogLines: NativeLog;
  private loaded?: { model: CpuModel; contextWindow: number };
  private attempt?: LoadAttempt;
  private generation?: AbortController;
  /** Replies and loads take turns: one model, one reply at a time. */
  private readonly replies = new ReplyQueue();

  constructor(options: CpuEngineClientOptions) {
    this.store = options.store;
    this.contextSize = options.contextSize ?? 4096;
    // Threads need SharedArrayBuffer, which only cross-origin isolated pages have.
    this.threads = globalThis.crossOriginIsolated ? Math.max(1, options.threads ?? defaultThreadCount()) : 1;
    this.nativeLog = options.nativeLog ?? false;
    this.retryDelaysMs = options.retryDelaysMs ?? DOWNLOAD_RETRY_DELAYS_MS;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
    this.holdModel = options.holdModel;
    this.nativeLogLines = new NativeLog(this.nativeLog);
  }

  /** The model that is loaded (ready or generating), if any. */
  get model(): CpuModel | undefined {
    return this.loaded?.model;
  }

  /**
   * Download (or read from this device) and initialise a model. Resolves to whether it became
   * ready; the outcome, including any error, is always in the store.
   */
  async load(model: CpuModel): Promise<boolean> {
    const state = this.store.state;
    if ((state.status === 'ready' || state.status === 'generating') && this.loaded?.model.url === model.url) return true;
    if (this.attempt) this.release();
    // End this model's replies, and load once they have let go of it.
    this.replies.stopAll();
    const attempt = (this.attempt = loadAttempt(model));
    return this.replies.exclusive(() => this.loadNow(model, attempt));
  }

  private async loadNow(model: CpuModel, attempt: LoadAttempt): Promise<boolean> {
    if (this.attempt !== attempt) return false;
    this.release(attempt);
    const stillCurrent = () => this.attempt === attempt;
    this.store.startLoading(model.id);
    let stage: CpuStage = 'download';
    try {
      if (!supportsWasmMemory64()) throw noMemory64Error();
      if (this.holdModel) await Promise.race([this.holdModel(model.id), attempt.cancelled]);
      await Promise.race([storageWork, attempt.cancelled]);
      const { LogLevel, Wllama } = await Promise.race([loadWllama(), attempt.cancelled]);
      if (!stillCurrent()) return false;
      const wllama = (this.wllama = this.createWllama(Wllama));
      const fetching = this.fetchModel(wllama, model, attempt);
      storageWork = fetching.catch(() => undefined);
      const blobs = await Promise.race([fetching, attempt.cancelled]);

      stage = 'load';
      const size = blobs.reduce((sum, blob) => sum + blob.size, 0);
      this.store.reportProgress(model.id, { phase: 'finishing', progress: 1, loadedBytes: size, totalBytes: size });
      await Promise.race([
        wllama.loadModel(blobs, {
          n_ctx: this.contextSize,
          n_threads: this.threads,
          // CPU only, even where WebGPU exists: that is what this engine is for.
          n_gpu_layers: 0,
          n_parallel: 1,
          log_level: this.nativeLog ? LogLevel.INFO : LogLevel.WARN,
        }),
        attempt.cancelled,
      ]);
      if (!stillCurrent()) return false;
      const info = wllama.getLoadedContextInfo();
      // wllama resolves even when llama.cpp refused the file; its answer then has no context.
      if (!(info.n_ctx > 0 && info.n_vocab > 0)) {
        throw new Error(`llama.cpp could not load the model: ${this.nativeLogLines.summary() || 'no reason given'}`);
      }
      const contextWindow = info.n_ctx_train > 0 ? Math.min(info.n_ctx, info.n_ctx_train) : info.n_ctx;
      this.loaded = { model, contextWindow };
      this.attempt = undefined;
      this.store.markReady(model.id);
      return true;
    } catch (raw) {
      if (!stillCurrent()) return false;
      this.attempt = undefined;
      const error = explainCpuError(withNativeReason(raw, this.nativeLogLines.summary()), stage, model.url);
      this.dropWllama();
      // A damaged file stays in storage otherwise, and every retry would fail from it. The next
      // load (a Retry) waits for this before looking in storage.
      // A damaged file, or the part of one that did not fit or did not arrive, is not kept: it would
      // take space, and look stored. After any storage work still running for it (its file closing).
      // Done before the failure is reported, so nothing shows the file as stored meanwhile.
      if (error.code === 'bad-model-file' || error.code === 'quota' || error.code === 'network') {
        await forgetModelFileSoon(model.url).catch(() => undefined);
      }
      this.store.fail(error, model.id);
      return false;
    }
  }

  /** Stop a load in progress. An unfinished download is not kept; the next load starts it again. */
  cancel(): void {
    if (this.store.state.status !== 'loading') return;
    const downloading = this.store.state.phase === 'downloading' || this.store.state.phase === 'preparing';
    this.release();
    this.store.reset(
      downloading
        ? 'Loading cancelled. The unfinished download is not kept; loading again starts it over.'
        : 'Loading cancelled. The model stays on this device.',
    );
  }

  /** Remove a model's file from this device. Unloads it first if it is the one in use. */
  async deleteModel(url: string): Promise<void> {
    if (this.attempt?.model.url === url) {
      this.release();
      this.store.reset();
    } else if (this.loaded?.model.url === url) {
      this.replies.stopAll();
      await this.replies.exclusive(async () => {
        if (this.loaded?.model.url !== url) return;
        this.release();
        this.store.reset();
      });
    }
    await forgetModelFileSoon(url);
  }

  /** Stop everything and free the model's memory. */
  dispose(): void {
    this.replies.stopAll();
    this.release();
    if (this.store.state.status !== 'idle') this.store.reset();
  }

  async checkModel(timeoutMs: number): Promise<EngineError | undefined> {
    if (!this.wllama || !this.loaded) return undefined;
    // wllama's debug report is its one round trip to the worker with no side effect (microseconds).
    const answer = await answerWithin(this.wllama._getDebugInfo(), timeoutMs);
    if (answer.kind === 'late') return engineError('worker-lost', `The model worker did not answer within ${timeoutMs / 1000} s.`);
    if (!this.wllama.isModelLoaded()) return engineError('worker-lost', 'The model worker no longer has the model loaded.');
    return undefined;
  }

  markLost(reason: EngineError | string): void {
    const modelId = this.loaded?.model.id ?? this.attempt?.model.id;
    this.release();
    this.store.fail(typeof reason === 'string' ? engineError('worker-lost', reason) : reason, modelId);
  }

  /** How many threads llama.cpp runs on: more than one only on a cross-origin isolated page. */
  threadCount(): number {
    return this.wllama?.isModelLoaded() ? this.wllama.getNumThreads() : this.threads;
  }

  contextWindow(): number | undefined {
    return this.loaded?.contextWindow;
  }

  interrupt(): void {
    this.replies.stopAll();
  }

  /**
   * Stream one reply, when its turn comes (see reply-queue.ts). Deltas arrive as llama.cpp's server
   * code emits them; then the usage (also after a stop), from llama.cpp's own timings where it has
   * them.
   */
  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    return this.replies.reply(request.signal, (stopped) => this.streamNow(request, stopped));
  }

  private async *streamNow(request: ChatRequest, stopped: AbortSignal): AsyncIterable<ChatStreamEvent> {
    const wllama = this.wllama;
    if (!wllama || !this.loaded || this.store.state.status !== 'ready') throw notReadyError(this.store.state);
    const stop = (this.generation = new AbortController());
    const forwardStop = () => stop.abort();
    stopped.addEventListener('abort', forwardStop, { once: true });
    this.store.startGenerating();
    // Unloaded mid-reply (dispose, another model): wllama's worker is gone and its promise never
    // settles, so the reply ends with what it has instead of waiting for it.
    const unloaded = () => this.wllama !== wllama;

    const chunks: ChatCompletionChunk[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: unknown;
    const settle = () => {
      finished = true;
      wake?.();
    };
    const sentAt = performance.now();
    const completion = wllama
      .createChatCompletion({
        messages: request.messages,
        stream: true,
        onData: (chunk: ChatCompletionChunk) => {
          chunks.push(chunk);
          wake?.();
        },
        abortSignal: stop.signal,
        temperature: request.temperature,
        top_p: request.topP,
        max_tokens: request.maxTokens,
        // Exact counts on every chunk, so an interrupted reply still has them.
        timings_per_token: true,
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        // llama.cpp's server reads `stop` from the request; wllama passes it on but does not type it.
        ...(request.stop?.length ? ({ stop: request.stop } as object) : {}),
        ...(request.enableThinking !== undefined ? { chat_template_kwargs: { enable_thinking: request.enableThinking } } : {}),
      })
      .then(settle, (raw: unknown) => {
        failure = raw;
        settle();
      });

    stop.signal.addEventListener('abort', () => {
      wake?.();
      // llama.cpp stops within a token of being asked. A worker that has died never answers at all;
      // then the reply ends here and the model is marked lost (so it can be reloaded).
      setTimeout(() => {
        if (!finished && !unloaded()) this.markLost('The model did not stop within 5 s of being asked to.');
      }, STOP_GRACE_MS);
    });

    let firstAt: number | undefined;
    let lastAt = sentAt;
    let deltas = 0;
    let timings: ResultTimings | undefined;
    let usage: ChatCompletionChunk['usage'];
    try {
      for (;;) {
        while (chunks.length > 0) {
          const chunk = chunks.shift()!;
          if (chunk.timings) timings = chunk.timings;
          if (chunk.usage) usage = chunk.usage;
          const text = chunk.choices[0]?.delta?.content;
          if (!text) continue;
          lastAt = performance.now();
          firstAt ??= lastAt;
          deltas++;
          yield { type: 'delta', text };
        }
        if (finished || unloaded()) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (failure !== undefined && !(stop.signal.aborted && isAbort(failure))) {
        const error = explainCpuError(failure, 'chat', this.loaded?.model.url);
        if (/RuntimeError|has crashed/i.test(error.detail ?? '')) {
          // The WebAssembly instance is gone; the model must be loaded again.
          this.release();
          this.store.fail(error);
        }
        throw error;
      }
      yield { type: 'usage', usage: finiteUsage(measuredUsage({ sentAt, firstAt, lastAt, deltas, timings, usage })) };
      if (stop.signal.aborted) yield { type: 'stopped' };
    } finally {
      stopped.removeEventListener('abort', forwardStop);
      // The reader may leave early (break, an error in its loop): stop llama.cpp too, and only
      // report "ready" once it has let go of the request.
      if (!finished) stop.abort();
      if (!unloaded()) await completion;
      if (this.generation === stop) this.generation = undefined;
      this.store.finishGenerating();
    }
  }

  private createWllama(Wllama: WllamaModule['Wllama']): Wllama {
    this.nativeLogLines.clear();
    const wllama = new Wllama(wllamaAssets, { suppressNativeLog: false, logger: this.nativeLogLines.logger });
    // wllama falls back to a "compat" build from a CDN on browsers without JSPI; never fetch code
    // from elsewhere. Those browsers run the same build without asynchronous file reads.
    wllama.setCompat(null);
    return wllama;
  }

  private async fetchModel(wllama: Wllama, model: CpuModel, attempt: LoadAttempt): Promise<Blob[]> {
    const manager = wllama.modelManager;
    const stored = (await manager.getModels()).find((candidate) => candidate.url === model.url);
    if (stored) {
      this.store.reportProgress(model.id, {
        phase: 'reading-cache',
        progress: 1,
        loadedBytes: stored.size,
        totalBytes: stored.size,
      });
      return stored.open();
    }
    const downloaded = await this.downloadWithRetries(manager, model, attempt);
    const blobs = await downloaded.open();
    if (model.sha256 && blobs.length === 1) await checkSha256(blobs[0], model.sha256, model.url);
    return blobs;
  }

  /**
   * Download, trying again after a dropped connection with growing waits; the progress says so
   * meanwhile. wllama starts an interrupted file over (it keeps no partial downloads it cannot
   * verify), so a retry is a clean restart. Other failures (404, quota, cancel) are not retried.
   */
  private async downloadWithRetries(manager: Wllama['modelManager'], model: CpuModel, attempt: LoadAttempt) {
    for (let tries = 0; ; tries++) {
      const eta = new EtaEstimator();
      // A host that keeps the connection open but sends nothing would hang the load forever.
      const thisTry = new AbortController();
      const stop = () => thisTry.abort(attempt.download.signal.reason);
      attempt.download.signal.addEventListener('abort', stop, { once: true });
      let stallTimer: ReturnType<typeof setTimeout> | undefined;
      const watchForStall = () => {
        clearTimeout(stallTimer);
        stallTimer = setTimeout(() => {
          const seconds = Math.round(this.stallTimeoutMs / 1000);
          thisTry.abort(new DOMException(`The download stalled: nothing arrived for ${seconds} s.`, 'NetworkError'));
        }, this.stallTimeoutMs);
      };
      watchForStall();
      try {
        return await manager.downloadModel(model.url, {
          signal: thisTry.signal,
          progressCallback: ({ loaded, total }) => {
            watchForStall();
            if (this.attempt !== attempt) return;
            const totalBytes = total > 0 ? total : model.sizeBytes;
            const progress: LoadProgress = {
              phase: 'downloading',
              progress: totalBytes ? Math.min(1, loaded / totalBytes) : 0,
              loadedBytes: loaded,
              ...(totalBytes ? { totalBytes } : {}),
            };
            this.store.reportProgress(model.id, eta.update(progress, performance.now()));
          },
        });
      } catch (caught) {
        // fetch rejects with the abort reason, but wllama may wrap it; the stall reason is what matters.
        const raw = thisTry.signal.aborted && !attempt.download.signal.aborted ? thisTry.signal.reason : caught;
        const next = nextRetry(tries, this.retryDelaysMs);
        const retryable = explainCpuError(raw, 'download', model.url).code === 'network';
        // A host this page's policy leaves out fails like an unreachable one (wllama downloads in a
        // worker of its own, whose refusals the page cannot hear); it is never worth retrying.
        if (retryable && !attempt.download.signal.aborted && (await refusedByPolicy(model.url))) {
          throw hostNotAllowedError(model.url, explainCpuError(raw, 'download', model.url).detail);
        }
        if (!next || !retryable || this.attempt !== attempt || attempt.download.signal.aborted) throw raw;
        this.store.reportRetry(model.id, next.retry);
        await pause(next.waitMs, attempt.download.signal);
      } finally {
        clearTimeout(stallTimer);
        attempt.download.signal.removeEventListener('abort', stop);
      }
    }
  }

  /** Leave any load (but `keep`), reply and model behind, and free the WebAssembly instance. */
  private release(keep?: LoadAttempt): void {
    const attempt = this.attempt === keep ? undefined : this.attempt;
    if (this.attempt !== keep) this.attempt = undefined;
    attempt?.download.abort();
    attempt?.cancel(engineError('aborted'));
    this.generation?.abort();
    this.loaded = undefined;
    this.dropWllama();
  }

  private dropWllama(): void {
    const wllama = this.wllama;
    this.wllama = undefined;
    // Terminates wllama's worker (and its threads); it frees all of the model's memory.
    void wllama?.exit().catch(() => undefined);
  }
}

/** wllama's own message ("(ABORT)", a RangeError) plus what llama.cpp logged just before it. */
function withNativeReason(raw: unknown, reason: string): unknown {
  if (!reason || !(raw instanceof Error) || raw.message.includes(reason)) return raw;
  const error = new Error(`${raw.message} (llama.cpp: ${reason})`);
  error.name = raw.name;
  return error;
}

function isAbort(raw: unknown): boolean {
  return !!raw && typeof raw === 'object' && (raw as { name?: unknown }).name === 'AbortError';
}

interface Measured {
  sentAt: number;
  firstAt?: number;
  lastAt: number;
  deltas: number;
  timings?: ResultTimings;
  usage?: ChatCompletionChunk['usage'];
}

/**
 * llama.cpp's own counts and speeds (its timings come with every chunk) when it sent any; otherwise
 * what was seen here: a delta is usually one token, though not always (a character split over
 * several byte tokens arrives as one delta). Time to first token is always measured here, from
 * the request, so it includes reading the prompt.
 */
function measuredUsage(m: Measured): ChatUsage {
  const t = m.timings;
  const completionTokens = m.usage?.completion_tokens ?? t?.predicted_n ?? m.deltas;
  const promptTokens = m.usage?.prompt_tokens ?? (t ? t.prompt_n + t.cache_n : 0);
  const decodeSeconds = m.firstAt !== undefined ? (m.lastAt - m.firstAt) / 1000 : 0;
  const seenDecode = decodeSeconds > 0 && m.deltas > 1 ? (m.deltas - 1) / decodeSeconds : undefined;
  const decodeTokensPerSecond = (t && t.predicted_n > 1 && t.predicted_per_second) || seenDecode;
  const prefillTokensPerSecond = t && t.prompt_n > 0 ? t.prompt_per_second : undefined;
  return {
    promptTokens,
    completionTokens,
    ...(m.firstAt !== undefined ? { timeToFirstTokenMs: m.firstAt - m.sentAt } : {}),
    ...(prefillTokensPerSecond ? { prefillTokensPerSecond } : {}),
    ...(decodeTokensPerSecond ? { decodeTokensPerSecond } : {}),
  };
}

async function checkSha256(blob: Blob, expected: string, url: string): Promise<void> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  const actual = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  if (actual === expected.toLowerCase()) return;
  throw {
    ...engineError('bad-model-file', `SHA-256 of ${url} is ${actual}, expected ${expected}`),
    message: 'The downloaded model file is not the one expected: its checksum does not match.',
  } satisfies EngineError;
}

/** Delete a model's file (and its shards) from wllama's storage on this device. */
export async function forgetModelFile(url: string): Promise<void> {
  try {
    const { CacheManager, ModelManager } = await loadWllama();
    const cache = new CacheManager();
    for (const shard of ModelManager.parseModelUrl(url)) await cache.delete(shard);
  } catch {
    // Nothing stored, or no storage at all: nothing to forget.
  }
}
