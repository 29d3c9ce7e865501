/**
 * The GPU model worker's messages (workers/llm.worker.ts runs web-llm's `MLCEngine`; the page's
 * EngineClient talks to it): a discriminated union `{kind, id, payload}` with a typed reply per
 * kind, as the speech worker's (src/translate/asr-protocol.ts). Types only, so both sides import it
 * and the page never loads web-llm: web-llm's own types appear here only as `import type`.
 */
import type { AppConfig, ChatCompletionChunk, ChatCompletionRequestStreaming, ChatOptions, InitProgressReport } from '@mlc-ai/web-llm';

export interface LoadPayload {
  modelId: string;
  /** web-llm's list to find the model in: the page's own, which changes as models are added by URL. */
  appConfig: AppConfig;
  /** Overrides of the model's config, e.g. a smaller `context_window_size`. */
  chatOptions?: ChatOptions;
}

export interface ChatPayload {
  /** web-llm's request, built on the page (engine-client.ts), streamed back chunk by chunk. */
  request: ChatCompletionRequestStreaming;
}

/** The files web-llm keeps of a model, each removed by one of web-llm's own cache functions. */
export type WebLlmFile = 'weights' | 'config' | 'library';

export interface ForgetPayload {
  modelId: string;
  appConfig: AppConfig;
  files: WebLlmFile[];
}

/** Requests that get a reply (or an error) with the same id. */
export type LlmCall =
  | { kind: 'load'; id: number; payload: LoadPayload }
  | { kind: 'chat'; id: number; payload: ChatPayload }
  /** Is a model loaded? web-llm's getMessage, which fails once a lost GPU device has unloaded it. */
  | { kind: 'check'; id: number; payload: null }
  | { kind: 'unload'; id: number; payload: null }
  | { kind: 'forget'; id: number; payload: ForgetPayload };

/** End the chat with this id as soon as web-llm allows, with what it has (no reply of its own). */
export interface LlmStop {
  kind: 'stop';
  id: number;
}

/**
 * The shared model worker's own messages (workers/shared-llm-host.ts, one for every tab of the
 * site): a tab says hello with the name of a Web Lock it holds while open (the worker learns that
 * the tab closed, however it closed, when it gets that lock), and bye when it lets go.
 */
export type LlmGreeting = { kind: 'hello'; id: 0; payload: { tabLock: string } } | { kind: 'bye'; id: 0 };

/** A stop with a load's id leaves that load (shared worker): a load nobody waits for any more stops. */
export type LlmRequest = LlmCall | LlmStop | LlmGreeting;

/** What the shared model worker has, told to every tab when it changes and to each tab as it says hello. */
export type SharedModelState =
  /** `cancelled`: a tab cancelled the load; `unloaded`: a tab unloaded or deleted the model; `failed`: the load failed (its waiters were told why first). */
  | { status: 'idle'; reason?: 'cancelled' | 'unloaded' | 'failed' }
  | { status: 'loading'; modelId: string }
  | { status: 'ready'; modelId: string };

export interface LlmReplies {
  load: null;
  /** Sent once the last chunk has been. */
  chat: null;
  check: null;
  unload: null;
  forget: null;
}

/**
 * Why a request failed. web-llm's errors are reduced to their text in the worker (`Name: message`,
 * errors.ts's `errorText`), as web-llm's own worker did; the page maps the text to our error codes.
 */
export interface LlmFailure {
  text: string;
  /** A download the worker's Content-Security-Policy refused (its `securitypolicyviolation`), if any. */
  blockedUrl?: string;
}

export type LlmMessage =
  | { kind: 'progress'; id: number; payload: InitProgressReport }
  | { kind: 'chunk'; id: number; payload: ChatCompletionChunk }
  | { kind: 'reply'; id: number; payload: LlmReplies[keyof LlmReplies] }
  | { kind: 'error'; id: number; payload: LlmFailure }
  /** Shared worker: the model's state, for every tab (id 0). */
  | { kind: 'state'; id: 0; payload: SharedModelState }
  /**
   * Shared worker, first to each tab: whether WebGPU is offered inside it. The standard offers it in
   * every worker; a browser that does not makes the tab use a dedicated worker instead.
   */
  | { kind: 'welcome'; id: 0; payload: { webgpu: boolean } }
  /** Shared worker: this chat waits while another tab's reply is written. */
  | { kind: 'waiting'; id: number; payload: null };
