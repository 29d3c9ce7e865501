/**
 * A test engine with the same interface as the real ones (ChatEngine), replying from a script:
 * exact outputs, delays, errors mid-stream, a context window measured in characters. It drives the
 * real store, so elements see the same states as with web-llm. Never shipped.
 */
import type { ChatEngine, ChatRequest, ChatStreamEvent } from '../../src/engine/chat-engine.js';
import { engineError, type EngineError } from '../../src/engine/errors.js';
import { notReadyError } from '../../src/engine/reply-checks.js';
import { ReplyQueue } from '../../src/engine/reply-queue.js';
import { EngineStore } from '../../src/engine/store.js';

export interface Script {
  /** The reply, as the tokens it streams in. */
  tokens: string[];
  /** Delay before each token. */
  delayMs?: number;
  /**
   * Stream at this average rate, each token in its own task (as tokens arriving from a worker
   * would), without setTimeout's 4 ms clamp.
   */
  tokensPerSecond?: number;
  /** Fail after this many tokens. */
  failAfter?: { tokens: number; error: EngineError };
  /** Hang forever after this many tokens, like a page that was closed mid-reply. */
  stallAfter?: number;
  /** Say the reply waits for another tab (as the shared model worker does), this long, before the first token. */
  waitForOtherTabMs?: number;
}

export class ScriptedEngine implements ChatEngine {
  readonly store = new EngineStore('webgpu', (flush) => flush());
  readonly requests: ChatRequest[] = [];
  /** Prompts longer than this many characters are refused like web-llm refuses them. */
  contextChars = Infinity;
  /** The real engines' turn-taking, so tests see requests wait and stop as they do there. */
  private readonly replies = new ReplyQueue();

  constructor(public script: (request: ChatRequest) => Script = () => ({ tokens: ['Hello', ' there', '.'] })) {}

  /** Make the engine ready, as after a successful load. */
  ready(modelId = 'Qwen3-0.6B-q4f32_1-MLC'): this {
    this.store.startLoading(modelId);
    this.store.markReady(modelId);
    return this;
  }

  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    return this.replies.reply(request.signal, (stop) => this.streamNow(request, stop));
  }

  private async *streamNow(request: ChatRequest, stop: AbortSignal): AsyncIterable<ChatStreamEvent> {
    if (this.store.state.status !== 'ready') throw notReadyError(this.store.state);
    this.requests.push(request);
    const promptChars = request.messages.reduce((n, m) => n + m.content.length, 0);
    if (promptChars > this.contextChars) {
      throw engineError(
        'context-window',
        `ContextWindowSizeExceededError: Prompt tokens exceed context window size: number of prompt tokens: ${promptChars}; context window size: ${this.contextChars}`,
      );
    }
    const script = this.script(request);
    this.store.startGenerating();
    const started = performance.now();
    let sent = 0;
    try {
      if (script.waitForOtherTabMs !== undefined) {
        yield { type: 'waiting' };
        await new Promise((resolve) => setTimeout(resolve, script.waitForOtherTabMs));
      }
      for (const token of script.tokens) {
        if (script.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
        if (script.tokensPerSecond) await paced(started, sent, script.tokensPerSecond);
        if (stop.aborted) break;
        if (script.failAfter && sent === script.failAfter.tokens) throw script.failAfter.error;
        if (sent === script.stallAfter) await new Promise(() => undefined);
        yield { type: 'delta', text: token };
        sent++;
      }
      const seconds = Math.max(1e-3, (performance.now() - started) / 1000);
      yield {
        type: 'usage',
        usage: { promptTokens: promptChars, completionTokens: sent, decodeTokensPerSecond: sent / seconds, prefillTokensPerSecond: 1234 },
      };
      if (stop.aborted) yield { type: 'stopped' };
    } finally {
      this.store.finishGenerating();
    }
  }

  interrupt(): void {
    this.replies.stopAll();
  }

  contextWindow(): number | undefined {
    return Number.isFinite(this.contextChars) ? this.contextChars : undefined;
  }
}

/** Wait until token `index` is due at `rate` per second, always yielding to the event loop once. */
async function paced(started: number, index: number, rate: number): Promise<void> {
  const due = started + (index * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 4) await new Promise((resolve) => setTimeout(resolve, wait - 2));
  await new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** Split text into word-ish tokens, keeping spaces and newlines, as a model would stream it. */
export function tokensOf(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}
