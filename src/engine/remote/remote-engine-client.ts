/**
 * The remote engine: a ChatEngine over an OpenAI-compatible server's API (`GET /v1/models`,
 * streaming `POST /v1/chat/completions`). Nothing runs on this device; everything the person types
 * is sent to the server, which the page says wherever the engine is in use (`leavesTheDevice`).
 *
 * "Loading" a model is asking the server whether it serves it. Replies take turns as with the other
 * engines (ReplyQueue); Stop aborts the HTTP request, which closes the connection, and the server
 * stops generating. A server that goes quiet for `answerTimeoutMs` (before its first byte, or
 * between two chunks) ends the request with a sentence saying so.
 */
import type { ChatEngine, ChatRequest, ChatStreamEvent, ChatUsage } from '../chat-engine.js';
import { engineError, type EngineError } from '../errors.js';
import type { LoadableEngine } from '../model-library.js';
import { finiteUsage, notReadyError } from '../reply-checks.js';
import { ReplyQueue } from '../reply-queue.js';
import type { EngineStore } from '../store.js';
import type { CompletionChunk, StreamEnd } from './openai-stream.js';
import {
  cutOff,
  diagnoseUnreachable,
  httpFailure,
  noSuchModel,
  notAllowedBySite,
  notAnApi,
  refusedKey,
  silent,
} from './remote-errors.js';
import { endpoint, serverOrigin, type RemoteServer } from './remote-server.js';

export interface RemoteModel {
  id: string;
  /** Who the server says made or owns it (`owned_by`), when it says. */
  ownedBy?: string;
}

export interface RemoteEngineOptions {
  store: EngineStore;
  server?: RemoteServer;
  /**
   * The server origins this site's Content-Security-Policy lets the page reach: a server outside
   * them is refused with a sentence before any request. Undefined: no such list (an embedding
   * page, whose own policy decides).
   */
  allowedOrigins?: readonly string[];
  /** How long the server may stay silent: before its first byte, and between two chunks. */
  answerTimeoutMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_ANSWER_TIMEOUT_MS = 60_000;

export class RemoteEngineClient implements LoadableEngine, ChatEngine {
  readonly store: EngineStore;
  private serverConfig: RemoteServer | undefined;
  private readonly allowedOrigins: readonly string[] | undefined;
  private readonly answerTimeoutMs: number;
  private readonly fetcher: typeof fetch;
  private readonly replies = new ReplyQueue();
  /** The model the server was asked for and serves. */
  private loaded: string | undefined;
  private loading: AbortController | undefined;

  constructor(options: RemoteEngineOptions) {
    this.store = options.store;
    this.serverConfig = options.server;
    this.allowedOrigins = options.allowedOrigins;
    this.answerTimeoutMs = options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  }

  get server(): RemoteServer | undefined {
    return this.serverConfig;
  }

  /** Point the engine at another server (or none): what was loaded from the last one is let go. */
  configure(server: RemoteServer | undefined): void {
    if (server?.baseUrl === this.serverConfig?.baseUrl && server?.apiKey === this.serverConfig?.apiKey) return;
    this.dispose();
    this.serverConfig = server;
  }

  /** The server's models (`GET /v1/models`). Rejects with an EngineError a person can act on. */
  async listModels(signal?: AbortSignal): Promise<RemoteModel[]> {
    const server = this.requireServer();
    const response = await this.request(server, 'models', { method: 'GET' }, signal);
    let body: unknown;
    try {
      body = await response.json();
    } catch (raw) {
      throw notAnApi(server.baseUrl, String(raw));
    }
    const data = (body as { data?: unknown })?.data;
    if (!Array.isArray(data)) throw notAnApi(server.baseUrl, JSON.stringify(body).slice(0, 300));
    const models: RemoteModel[] = [];
    for (const item of data) {
      const id = (item as { id?: unknown })?.id;
      if (typeof id !== 'string' || !id.trim()) continue;
      const ownedBy = (item as { owned_by?: unknown }).owned_by;
      models.push({ id: id.slice(0, 200), ...(typeof ownedBy === 'string' && ownedBy ? { ownedBy: ownedBy.slice(0, 80) } : {}) });
    }
    return models;
  }

  /** Ask the server whether it serves `modelId`; ready when it does. The outcome is in the store. */
  async load(modelId: string): Promise<boolean> {
    const state = this.store.state;
    if ((state.status === 'ready' || state.status === 'generating') && this.loaded === modelId) return true;
    this.replies.stopAll();
    this.loading?.abort();
    const attempt = (this.loading = new AbortController());
    return this.replies.exclusive(async () => {
      if (this.loading !== attempt) return false;
      this.loaded = undefined;
      this.store.startLoading(modelId);
      try {
        const server = this.requireServer();
        const models = await this.listModels(attempt.signal);
        if (this.loading !== attempt) return false;
        if (!models.some((m) => m.id === modelId)) throw noSuchModel(server.baseUrl, modelId, models.map((m) => m.id));
        this.loaded = modelId;
        this.loading = undefined;
        this.store.markReady(modelId);
        return true;
      } catch (raw) {
        if (this.loading !== attempt) return false;
        this.loading = undefined;
        this.store.fail(toRemoteError(raw), modelId);
        return false;
      }
    });
  }

  cancel(): void {
    if (this.store.state.status !== 'loading') return;
    this.loading?.abort();
    this.loading = undefined;
    this.store.reset('Cancelled: no model is chosen on the server.');
  }

  dispose(): void {
    this.replies.stopAll();
    this.loading?.abort();
    this.loading = undefined;
    this.loaded = undefined;
    if (this.store.state.status !== 'idle') this.store.reset();
  }

  /**
   * No worker here to watch. A server that has gone away says so on the next request, with its own
   * sentence; asking it every few seconds (as the recovery watch asks a worker) would only be traffic.
   */
  async checkModel(): Promise<EngineError | undefined> {
    return undefined;
  }

  markLost(reason: EngineError | string): void {
    const modelId = this.loaded;
    this.loaded = undefined;
    this.replies.stopAll();
    this.store.fail(typeof reason === 'string' ? { ...engineError('remote', reason), message: reason } : reason, modelId);
  }

  /** The server does not say; a prompt too long for it comes back as a `context-window` error. */
  contextWindow(): number | undefined {
    return undefined;
  }

  interrupt(): void {
    this.replies.stopAll();
  }

  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    return this.replies.reply(request.signal, (stop) => this.streamNow(request, stop));
  }

  private async *streamNow(request: ChatRequest, stop: AbortSignal): AsyncIterable<ChatStreamEvent> {
    const server = this.serverConfig;
    const model = this.loaded;
    if (!server || !model || this.store.state.status !== 'ready') throw notReadyError(this.store.state);
    this.store.startGenerating();
    const sentAt = performance.now();
    let firstAt: number | undefined;
    let lastAt = sentAt;
    let deltas = 0;
    let usage: CompletionChunk['usage'];
    let thinking = false;
    let chunks: AsyncGenerator<CompletionChunk, StreamEnd> | undefined;
    try {
      const response = await this.request(
        server,
        'chat/completions',
        {
          method: 'POST',
          body: JSON.stringify({
            model,
            messages: request.messages,
            stream: true,
            // Servers that count tokens report them at the end (vLLM, Ollama); others ignore it.
            stream_options: { include_usage: true },
            temperature: request.temperature,
            top_p: request.topP,
            max_tokens: request.maxTokens,
            ...(request.stop?.length ? { stop: request.stop } : {}),
            ...(request.seed !== undefined ? { seed: request.seed } : {}),
            ...(request.enableThinking !== undefined ? { chat_template_kwargs: { enable_thinking: request.enableThinking } } : {}),
          }),
        },
        stop,
      );
      if (!response.body) throw notAnApi(server.baseUrl, 'no response body');
      // The stream's parser (with eventsource-parser) loads with the first reply: pages that never
      // use a remote server (most, and every embedding page) do not fetch it.
      const { completionChunks } = await import('./openai-stream.js');
      chunks = completionChunks(response.body, stop, this.answerTimeoutMs);
      let next = await chunks.next();
      for (; !next.done; next = await chunks.next()) {
        const chunk = next.value;
        if (chunk.error) throw httpFailure(server.baseUrl, 200, typeof chunk.error === 'string' ? chunk.error : chunk.error.message);
        if (chunk.usage) usage = chunk.usage;
        const delta = chunk.choices?.[0]?.delta;
        // Reasoning that a server sends apart (vLLM's reasoning parsers) is shown as the model's thinking.
        let text = '';
        if (delta?.reasoning_content) {
          text += thinking ? delta.reasoning_content : `<think>${delta.reasoning_content}`;
          thinking = true;
        }
        if (delta?.content) {
          text += thinking ? `</think>${delta.content}` : delta.content;
          thinking = false;
        }
        if (!text) continue;
        lastAt = performance.now();
        firstAt ??= lastAt;
        deltas++;
        yield { type: 'delta', text };
      }
      const end = next.value;
      if (end.kind === 'cut') throw cutOff(server.baseUrl, end.detail);
      if (end.kind === 'silent') throw silent(server.baseUrl, Math.round(this.answerTimeoutMs / 1000));
      yield { type: 'usage', usage: finiteUsage(measuredUsage(sentAt, firstAt, lastAt, deltas, usage)) };
      if (end.kind === 'stopped') yield { type: 'stopped' };
    } catch (raw) {
      if (stop.aborted && isAbort(raw)) {
        yield { type: 'usage', usage: finiteUsage(measuredUsage(sentAt, firstAt, lastAt, deltas, usage)) };
        yield { type: 'stopped' };
        return;
      }
      throw toRemoteError(raw);
    } finally {
      // Leaving early (an error in a chunk, the reader gone) closes the connection: the server stops.
      await chunks?.return({ kind: 'stopped' });
      this.store.finishGenerating();
    }
  }

  private requireServer(): RemoteServer {
    if (!this.serverConfig) {
      throw { ...engineError('remote'), message: 'No remote server is set.', hint: 'Enter its address in Models → Remote server.' } satisfies EngineError;
    }
    return this.serverConfig;
  }

  /**
   * One request to the server, with its key; an answer that is not a success becomes the sentence
   * for its status. No answer within `answerTimeoutMs` (or none at all) is told apart here too.
   */
  private async request(server: RemoteServer, path: 'models' | 'chat/completions', init: RequestInit, signal?: AbortSignal): Promise<Response> {
    if (this.allowedOrigins && !this.allowedOrigins.includes(serverOrigin(server.baseUrl))) {
      throw notAllowedBySite(server.baseUrl, this.allowedOrigins);
    }
    const url = endpoint(server.baseUrl, path);
    const timeout = AbortSignal.timeout(this.answerTimeoutMs);
    let response: Response;
    try {
      response = await this.fetcher(url, {
        ...init,
        // The key goes to this server only, never in a URL; no cookies of this site ride along.
        credentials: 'omit',
        cache: 'no-store',
        headers: {
          ...(init.body ? { 'Content-Type': 'application/json' } : {}),
          ...(server.apiKey ? { Authorization: `Bearer ${server.apiKey}` } : {}),
        },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (raw) {
      if (signal?.aborted) throw raw;
      if (timeout.aborted) throw silent(server.baseUrl, Math.round(this.answerTimeoutMs / 1000));
      throw await diagnoseUnreachable(server.baseUrl, url, raw, this.fetcher);
    }
    if (response.ok) return response;
    const body = (await response.text().catch(() => '')).slice(0, 500);
    if (response.status === 401 || response.status === 403) throw refusedKey(server.baseUrl, response.status, body);
    if (response.status === 404 && path === 'chat/completions' && /model/i.test(body)) {
      throw noSuchModel(server.baseUrl, this.loaded ?? '');
    }
    if (response.status === 404) throw notAnApi(server.baseUrl, `HTTP 404 from ${url}: ${body}`);
    if (response.status === 400 && /context|too long|maximum.*tokens/i.test(body)) throw engineError('context-window', body);
    throw httpFailure(server.baseUrl, response.status, body);
  }
}

function isAbort(raw: unknown): boolean {
  return (raw as { name?: string })?.name === 'AbortError';
}

/** Our sentence for anything thrown on the way (a TypeError of a malformed stream, a stray error). */
function toRemoteError(raw: unknown): EngineError {
  if (raw && typeof raw === 'object' && 'code' in raw && 'message' in raw && 'hint' in raw) return raw as EngineError;
  const detail = raw instanceof Error ? `${raw.name}: ${raw.message}` : String(raw);
  return { ...engineError('remote', detail) };
}

/**
 * The server's counts when it sends them; otherwise what was seen here (a streamed chunk is one
 * token on llama.cpp, vLLM and Ollama). Time to first token is measured from the request, so it
 * includes the network and the server reading the prompt.
 */
function measuredUsage(sentAt: number, firstAt: number | undefined, lastAt: number, deltas: number, usage: CompletionChunk['usage']): ChatUsage {
  const decodeSeconds = firstAt !== undefined ? (lastAt - firstAt) / 1000 : 0;
  const completionTokens = usage?.completion_tokens ?? deltas;
  return {
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens,
    ...(firstAt !== undefined ? { timeToFirstTokenMs: firstAt - sentAt } : {}),
    ...(decodeSeconds > 0 && deltas > 1 ? { decodeTokensPerSecond: (deltas - 1) / decodeSeconds } : {}),
  };
}
