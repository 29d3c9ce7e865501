/**
 * What the chat and the translator need from an engine, whichever runtime is behind it (web-llm on
 * WebGPU, or a CPU engine). Tests implement it too, with scripted replies.
 */
import type { EngineStore } from './store.js';

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatTurn[];
  temperature: number;
  topP: number;
  maxTokens: number;
  /** Qwen3-family switch for reasoning in `<think>…</think>`; undefined leaves the model's default. */
  enableThinking?: boolean;
  /** Fixed seed for repeatable sampling where the engine supports it. */
  seed?: number;
  /** The reply ends where it would first contain one of these (not included), e.g. ['\n'] for one line. */
  stop?: string[];
  /**
   * Stops this request only: one still waiting for its turn never starts; one streaming ends with
   * what it has, then a `stopped` event. Other callers' requests are not touched.
   */
  signal?: AbortSignal;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  timeToFirstTokenMs?: number;
  prefillTokensPerSecond?: number;
  decodeTokensPerSecond?: number;
}

export type ChatStreamEvent =
  | { type: 'delta'; text: string }
  | { type: 'usage'; usage: ChatUsage }
  /** The reply ended early: by its own signal, or by the engine ending every reply (a load, a delete). */
  | { type: 'stopped' }
  /** The reply waits while another tab of the site uses the model (the shared GPU worker); it starts after. */
  | { type: 'waiting' };

export interface ChatEngine {
  readonly store: EngineStore;
  /**
   * Stream one reply. Requests from every caller wait for their turn, one reply at a time; when the
   * turn comes, the engine must be ready. Rejects with an `EngineError` (see errors.ts); when the
   * prompt does not fit the model, the code is `context-window`.
   */
  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent>;
  /**
   * End every reply, streaming or waiting, whoever asked for it; each stream finishes normally with
   * what was generated, then `stopped`. To stop one request only, abort its `signal`.
   */
  interrupt(): void;
  /** The loaded model's context window in tokens, when known. */
  contextWindow(): number | undefined;
}
