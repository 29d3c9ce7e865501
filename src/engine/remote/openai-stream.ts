/**
 * The chat-completions stream of an OpenAI-compatible server: server-sent events (parsed by
 * eventsource-parser), each `data:` a JSON chunk, until `data: [DONE]`. Servers differ in small
 * ways (llama.cpp's Python server sends no usage however asked, ends with an empty delta and a
 * finish reason; vLLM and Ollama send usage when `stream_options.include_usage` is set), so only
 * what every one of them sends is relied on.
 */
import { createParser } from 'eventsource-parser';

/** The parts of a streamed chunk this reads. */
export interface CompletionChunk {
  choices?: Array<{ delta?: { content?: string | null; reasoning_content?: string | null }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string } | string;
}

/** How the stream ended. */
export type StreamEnd =
  /** `[DONE]` or a finish reason: the reply is complete. */
  | { kind: 'finished' }
  /** The body ended (or failed) without either: the connection was cut (a server stopped mid-reply). */
  | { kind: 'cut'; detail?: string }
  /** Nothing arrived for the idle time. */
  | { kind: 'silent' }
  /** The caller stopped it. */
  | { kind: 'stopped' };

/** Parsed chunks as they come, then how the stream ended; a chunk that is not JSON is a thrown TypeError. */
export async function* completionChunks(
  body: ReadableStream<Uint8Array>,
  stop: AbortSignal,
  idleMs: number,
): AsyncGenerator<CompletionChunk, StreamEnd> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const pending: string[] = [];
  let done = false;
  let finished = false;
  const parser = createParser({
    onEvent: (event) => {
      if (event.data === '[DONE]') done = true;
      else pending.push(event.data);
    },
  });
  const stopped = new Promise<'stopped'>((resolve) => {
    if (stop.aborted) resolve('stopped');
    stop.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  try {
    for (;;) {
      while (pending.length) {
        const data = pending.shift()!;
        let chunk: CompletionChunk;
        try {
          chunk = JSON.parse(data) as CompletionChunk;
        } catch {
          throw new TypeError(`The server sent something that is not JSON in its stream: ${data.slice(0, 200)}`);
        }
        if (chunk.choices?.some((c) => c.finish_reason)) finished = true;
        yield chunk;
      }
      if (done) return { kind: 'finished' };
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<'silent'>((resolve) => (timer = setTimeout(() => resolve('silent'), idleMs)));
      let next: ReadableStreamReadResult<Uint8Array> | 'stopped' | 'silent';
      try {
        next = await Promise.race([reader.read(), stopped, idle]);
      } catch (error) {
        // The network failed under the body: the connection was cut.
        if (stop.aborted) return { kind: 'stopped' };
        if (finished) return { kind: 'finished' };
        return { kind: 'cut', detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      } finally {
        clearTimeout(timer);
      }
      if (next === 'stopped') return { kind: 'stopped' };
      if (next === 'silent') return { kind: 'silent' };
      if (next.done) {
        parser.feed(decoder.decode());
        if (pending.length) continue;
        return done || finished ? { kind: 'finished' } : { kind: 'cut' };
      }
      parser.feed(decoder.decode(next.value, { stream: true }));
    }
  } finally {
    // Closes the connection when the reader leaves early (a stop, an error): the server stops generating.
    reader.cancel().catch(() => undefined);
  }
}
