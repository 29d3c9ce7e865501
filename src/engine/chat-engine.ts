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
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  timeToFirstTokenMs?: number;
  prefillTokensPerSecond?: number;
  decodeTokensPerSecond?: number;
}

export type ChatStreamEvent = { type: 'delta'; text: string } | { type: 'usage'; usage: ChatUsage };

export interface ChatEngine {
  readonly store: EngineStore;
  /**
   * Stream one reply. The engine must be ready. Rejects with an `EngineError` (see errors.ts); when
   * the prompt does not fit the model, the code is `context-window`.
   */
  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent>;
  /** End the reply in progress early; the stream then finishes normally with what was generated. */
  interrupt(): void;
  /** The loaded model's context window in tokens, when known. */
  contextWindow(): number | undefined;
}
