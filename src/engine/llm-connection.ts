/**
 * The page's end of the GPU model worker's messages (llm-protocol.ts): calls that each get one
 * reply, load progress and chat chunks as they come, and every call failed at once when the worker
 * is dropped. Knows nothing of models or errors: EngineClient gives it meaning.
 */
import type { ChatCompletionChunk, InitProgressReport } from '@mlc-ai/web-llm';
import type { ChatPayload, LlmCall, LlmFailure, LlmMessage, LlmReplies } from './llm-protocol.js';

interface Pending {
  resolve: (value: never) => void;
  reject: (reason: unknown) => void;
  onProgress?: (report: InitProgressReport) => void;
  onChunk?: (chunk: ChatCompletionChunk) => void;
}

/** One reply streaming from the worker. */
export interface ChatStream {
  /** The chunks in order; ends when the reply is complete, throws what the worker failed with. */
  chunks: AsyncIterable<ChatCompletionChunk>;
  /** Ask the worker to end this reply (web-llm's interruptGenerate); the chunks then end. */
  stop(): void;
}

export function isLlmFailure(value: unknown): value is LlmFailure {
  return !!value && typeof value === 'object' && typeof (value as LlmFailure).text === 'string';
}

export class LlmConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedWith?: { reason: unknown };

  constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (event: MessageEvent<LlmMessage>) => this.onMessage(event.data));
  }

  call<K extends LlmCall['kind']>(
    kind: K,
    payload: Extract<LlmCall, { kind: K }>['payload'],
    handlers: Pick<Pending, 'onProgress' | 'onChunk'> = {},
    id = this.nextId++,
  ): Promise<LlmReplies[K]> {
    if (this.closedWith) return Promise.reject(this.closedWith.reason);
    return new Promise<LlmReplies[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject, ...handlers });
      this.worker.postMessage({ kind, id, payload } as LlmCall);
    });
  }

  /** Start one reply; its chunks are kept until read, so none is lost however slowly they are. */
  chat(payload: ChatPayload): ChatStream {
    const id = this.nextId++;
    const queue: ChatCompletionChunk[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    let failure: { reason: unknown } | undefined;
    const settle = () => {
      ended = true;
      wake?.();
    };
    void this.call('chat', payload, { onChunk: (chunk) => (queue.push(chunk), wake?.()) }, id).then(settle, (reason: unknown) => {
      failure = { reason };
      settle();
    });
    async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (failure) throw failure.reason;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    }
    return { chunks: chunks(), stop: () => this.worker.postMessage({ kind: 'stop', id }) };
  }

  /** Fail every call still waiting, and every later one, with `reason` (the worker is gone). */
  close(reason: unknown): void {
    this.closedWith ??= { reason };
    for (const pending of this.pending.values()) pending.reject(reason);
    this.pending.clear();
  }

  private onMessage(message: LlmMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    switch (message.kind) {
      case 'progress':
        pending.onProgress?.(message.payload);
        return;
      case 'chunk':
        pending.onChunk?.(message.payload);
        return;
      case 'reply':
        this.pending.delete(message.id);
        pending.resolve(message.payload as never);
        return;
      case 'error':
        this.pending.delete(message.id);
        pending.reject(message.payload);
        return;
    }
  }
}
