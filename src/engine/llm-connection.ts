/**
 * The page's end of the GPU model worker's messages (llm-protocol.ts): calls that each get one
 * reply, load progress and chat chunks as they come, and every call failed at once when the worker
 * is dropped. Knows nothing of models or errors: EngineClient gives it meaning.
 */
import type { ChatCompletionChunk, InitProgressReport } from '@mlc-ai/web-llm';
import type { ChatPayload, LlmCall, LlmFailure, LlmMessage, LlmReplies, LlmRequest } from './llm-protocol.js';

interface Pending {
  resolve: (value: never) => void;
  reject: (reason: unknown) => void;
  onProgress?: (report: InitProgressReport) => void;
  onChunk?: (chunk: ChatCompletionChunk) => void;
  onWaiting?: () => void;
}

/** Where the messages go: a dedicated Worker, or a tab's port to the shared worker. */
export interface LlmChannel {
  postMessage(message: LlmRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<LlmMessage>) => void): void;
}

/** In a reply's chunks: the shared worker holds this reply while another tab's is written. */
export const WAITING_FOR_OTHER_TAB = 'waiting-for-other-tab';

/** One reply streaming from the worker. */
export interface ChatStream {
  /** The chunks in order; ends when the reply is complete, throws what the worker failed with. */
  chunks: AsyncIterable<ChatCompletionChunk | typeof WAITING_FOR_OTHER_TAB>;
  /** Ask the worker to end this reply (web-llm's interruptGenerate); the chunks then end. */
  stop(): void;
}

/** One load under way (see `load`). */
export interface LoadCall {
  done: Promise<null>;
  /** Stop waiting for it; the shared worker stops a load nobody waits for. */
  leave(): void;
}

export function isLlmFailure(value: unknown): value is LlmFailure {
  return !!value && typeof value === 'object' && typeof (value as LlmFailure).text === 'string';
}

export class LlmConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedWith?: { reason: unknown };

  constructor(
    private readonly worker: LlmChannel,
    /** The shared worker's word to every tab: whether it has WebGPU, and its model's state each time it changes. */
    private readonly onShared?: (message: Extract<LlmMessage, { kind: 'state' | 'welcome' }>) => void,
  ) {
    worker.addEventListener('message', (event: MessageEvent<LlmMessage>) => this.onMessage(event.data));
  }

  /** Send a message that gets no reply (a greeting). */
  send(message: LlmRequest): void {
    this.worker.postMessage(message);
  }

  /** Start a load that can be left (a shared load goes on while another tab waits for it). */
  load(payload: Extract<LlmCall, { kind: 'load' }>['payload'], onProgress: (report: InitProgressReport) => void): LoadCall {
    const id = this.nextId++;
    return { done: this.call('load', payload, { onProgress }, id), leave: () => this.worker.postMessage({ kind: 'stop', id }) };
  }

  call<K extends LlmCall['kind']>(
    kind: K,
    payload: Extract<LlmCall, { kind: K }>['payload'],
    handlers: Pick<Pending, 'onProgress' | 'onChunk' | 'onWaiting'> = {},
    id = this.nextId++,
  ): Promise<LlmReplies[K]> {
    if (this.closedWith) return Promise.reject(this.closedWith.reason);
    return new Promise<LlmReplies[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject, ...handlers });
      this.worker.postMessage({ kind, id, payload } as LlmCall);
    });
  }

  /**
   * Start one reply; its chunks are kept until read, so none is lost however slowly they are. A
   * reply the shared worker holds while another tab's is written says so first (WAITING_FOR_OTHER_TAB).
   */
  chat(payload: ChatPayload): ChatStream {
    const id = this.nextId++;
    const queue: Array<ChatCompletionChunk | typeof WAITING_FOR_OTHER_TAB> = [];
    let wake: (() => void) | undefined;
    let ended = false;
    let failure: { reason: unknown } | undefined;
    const settle = () => {
      ended = true;
      wake?.();
    };
    const onWaiting = () => (queue.push(WAITING_FOR_OTHER_TAB), wake?.());
    void this.call('chat', payload, { onChunk: (chunk) => (queue.push(chunk), wake?.()), onWaiting }, id).then(settle, (reason: unknown) => {
      failure = { reason };
      settle();
    });
    async function* chunks(): AsyncGenerator<ChatCompletionChunk | typeof WAITING_FOR_OTHER_TAB> {
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
    if (message.kind === 'state' || message.kind === 'welcome') return this.onShared?.(message);
    const pending = this.pending.get(message.id);
    if (!pending) return;
    switch (message.kind) {
      case 'progress':
        pending.onProgress?.(message.payload);
        return;
      case 'chunk':
        pending.onChunk?.(message.payload);
        return;
      case 'waiting':
        pending.onWaiting?.();
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
