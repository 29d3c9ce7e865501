/**
 * The remote engine's logic with a fetch stand-in: addresses, the model list, the streamed reply,
 * Stop, and the sentence for each failure. The same engine is tested against a real server
 * (llama-cpp-python) in test/e2e/remote-engine.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from '../../src/engine/chat-engine.js';
import type { EngineError } from '../../src/engine/errors.js';
import { RemoteEngineClient } from '../../src/engine/remote/remote-engine-client.js';
import { diagnoseUnreachable } from '../../src/engine/remote/remote-errors.js';
import { parseServerUrl, RemoteServerError } from '../../src/engine/remote/remote-server.js';
import { EngineStore } from '../../src/engine/store.js';

const BASE = 'http://127.0.0.1:8080/v1';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

/** A server stand-in: `answer` gets each request and returns a Response (or throws, as fetch does). */
function fakeFetch(answer: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(input), init };
    calls.push(call);
    return answer(call);
  }) as typeof fetch;
  return { fetcher, calls };
}

const models = (...ids: string[]) => Response.json({ object: 'list', data: ids.map((id) => ({ id, object: 'model', owned_by: 'me' })) });

/** An SSE body sending `events` (each a data line) with `gapMs` between them; `end` closes it after. */
function sse(events: string[], { gapMs = 0, end = true, signal }: { gapMs?: number; end?: boolean; signal?: AbortSignal } = {}) {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      async start(controller) {
        for (const event of events) {
          if (gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs));
          if (signal?.aborted) return;
          controller.enqueue(encoder.encode(`data: ${event}\n\n`));
        }
        if (end) controller.close();
      },
    }),
    { headers: { 'Content-Type': 'text/event-stream' } },
  );
}

const chunk = (content: string, finish: string | null = null) => JSON.stringify({ choices: [{ delta: { content }, finish_reason: finish }] });

async function engineWith(answer: (call: Call) => Response | Promise<Response>, options: { answerTimeoutMs?: number; allowedOrigins?: string[] } = {}) {
  const { fetcher, calls } = fakeFetch(answer);
  const engine = new RemoteEngineClient({ store: new EngineStore('remote', (flush) => flush()), server: { baseUrl: BASE, apiKey: 'secret' }, fetch: fetcher, ...options });
  return { engine, calls };
}

async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<{ events: ChatStreamEvent[]; error?: EngineError }> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events };
  } catch (error) {
    return { events, error: error as EngineError };
  }
}

const textOf = (events: ChatStreamEvent[]) => events.map((e) => (e.type === 'delta' ? e.text : '')).join('');
const ask = (signal?: AbortSignal) => ({ messages: [{ role: 'user' as const, content: 'Hi' }], temperature: 0, topP: 1, maxTokens: 64, ...(signal ? { signal } : {}) });

describe('a remote server’s address', () => {
  it('gets its /v1 whatever of it was typed', () => {
    expect(parseServerUrl('http://127.0.0.1:8080')).toBe(BASE);
    expect(parseServerUrl(' http://127.0.0.1:8080/ ')).toBe(BASE);
    expect(parseServerUrl('http://127.0.0.1:8080/v1/')).toBe(BASE);
    expect(parseServerUrl('https://gateway.example.org/openai/v1')).toBe('https://gateway.example.org/openai/v1');
  });

  it('is refused with a reason when it cannot work', () => {
    expect(() => parseServerUrl('127.0.0.1:8080')).toThrow('The server address needs its scheme: http://127.0.0.1:8080 or https://127.0.0.1:8080.');
    expect(() => parseServerUrl('ftp://host/v1')).toThrow(/must start with https:\/\/ or http:\/\//);
    expect(() => parseServerUrl('not a url')).toThrow(RemoteServerError);
    expect(() => parseServerUrl('http://user:pw@host/v1')).toThrow(/user name or password/);
    // An https page may reach the computer itself over http, nothing else.
    expect(() => parseServerUrl('http://llm.example.org/v1', 'https:')).toThrow(/plain http/);
    expect(parseServerUrl('http://localhost:11434', 'https:')).toBe('http://localhost:11434/v1');
  });
});

describe('the remote engine', () => {
  it('loads a model the server lists, sending the key to the server only in its header', async () => {
    const { engine, calls } = await engineWith(() => models('smollm2', 'qwen'));

    expect(await engine.load('qwen')).toBe(true);

    expect(engine.store.state).toMatchObject({ status: 'ready', modelId: 'qwen' });
    expect(calls[0].url).toBe(`${BASE}/models`);
    expect(new Headers(calls[0].init?.headers).get('Authorization')).toBe('Bearer secret');
    expect(calls[0].init?.credentials).toBe('omit');
  });

  it('says which models the server has when asked for one it does not', async () => {
    const { engine } = await engineWith(() => models('smollm2', 'qwen'));

    expect(await engine.load('llama')).toBe(false);

    expect(engine.store.state).toMatchObject({ status: 'error', code: 'remote' });
    const state = engine.store.state as EngineError;
    expect(state.message).toBe('127.0.0.1:8080 has no model “llama”.');
    expect(state.hint).toContain('smollm2, qwen');
  });

  it('streams a reply and reports the server’s token counts, or counts them itself', async () => {
    const withUsage = await engineWith((call) =>
      call.url.endsWith('/models') ? models('m') : sse([chunk('Par'), chunk('is'), chunk('', 'stop'), JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 2 } }), '[DONE]']),
    );
    await withUsage.engine.load('m');
    const reply = await collect(withUsage.engine.streamChat(ask()));
    expect(textOf(reply.events)).toBe('Paris');
    expect(reply.events.at(-1)).toMatchObject({ type: 'usage', usage: { promptTokens: 12, completionTokens: 2 } });
    const sent = JSON.parse(String(withUsage.calls[1].init?.body));
    expect(sent).toMatchObject({ model: 'm', stream: true, stream_options: { include_usage: true }, max_tokens: 64 });

    const withoutUsage = await engineWith((call) => (call.url.endsWith('/models') ? models('m') : sse([chunk('a'), chunk('b'), chunk('c'), chunk('', 'stop'), '[DONE]'])));
    await withoutUsage.engine.load('m');
    const counted = await collect(withoutUsage.engine.streamChat(ask()));
    expect(counted.events.at(-1)).toMatchObject({ type: 'usage', usage: { completionTokens: 3 } });
    expect(withoutUsage.engine.store.state.status).toBe('ready');
  });

  it('on Stop aborts the request, keeps what arrived and ends with stopped', async () => {
    const stop = new AbortController();
    let requestSignal: AbortSignal | undefined;
    const { engine } = await engineWith((call) => {
      if (call.url.endsWith('/models')) return models('m');
      requestSignal = call.init?.signal ?? undefined;
      return sse(Array.from({ length: 50 }, (_, i) => chunk(`w${i} `)), { gapMs: 20, signal: requestSignal });
    });
    await engine.load('m');

    const stream = engine.streamChat(ask(stop.signal));
    const events: ChatStreamEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length === 3) stop.abort();
    }

    expect(requestSignal?.aborted, 'the HTTP request was aborted').toBe(true);
    expect(textOf(events)).toBe('w0 w1 w2 ');
    expect(events.at(-1)).toEqual({ type: 'stopped' });
  });

  it('keeps a reply cut off mid-stream and says the connection broke', async () => {
    const { engine } = await engineWith((call) => (call.url.endsWith('/models') ? models('m') : sse([chunk('Half '), chunk('a reply')])));
    await engine.load('m');

    const reply = await collect(engine.streamChat(ask()));

    expect(textOf(reply.events)).toBe('Half a reply');
    expect(reply.error?.message).toBe('The connection to 127.0.0.1:8080 broke off in the middle of the reply; what arrived is kept.');
    expect(engine.store.state.status).toBe('ready');
  });

  it('gives up on a server that stops answering, with a sentence', async () => {
    const { engine } = await engineWith((call) => (call.url.endsWith('/models') ? models('m') : sse([chunk('Slow')], { end: false })), { answerTimeoutMs: 100 });
    await engine.load('m');

    const reply = await collect(engine.streamChat(ask()));

    expect(textOf(reply.events)).toBe('Slow');
    expect(reply.error?.message).toBe('127.0.0.1:8080 has not answered for 0 s.');
  });

  it('says the key was refused on 401', async () => {
    const { engine } = await engineWith(() => Response.json({ detail: 'Invalid API key' }, { status: 401 }));

    await engine.load('m');

    expect((engine.store.state as EngineError).message).toBe('127.0.0.1:8080 refused the API key (HTTP 401).');
  });

  it('tells a server that forbids this page (CORS) from one that is not there', async () => {
    const cors = await engineWith((call) => {
      if (call.init?.mode === 'no-cors') return new Response(null, { status: 200 });
      throw new TypeError('Failed to fetch');
    });
    await cors.engine.load('m');
    expect((cors.engine.store.state as EngineError).message).toMatch(/answered, but does not allow this page .* \(CORS\)/);

    const gone = await engineWith(() => {
      throw new TypeError('Failed to fetch');
    });
    await gone.engine.load('m');
    expect((gone.engine.store.state as EngineError).message).toBe('Could not connect to 127.0.0.1:8080: nothing answered there.');
  });

  it('names both causes on a cross-origin isolated page, where the browser cannot tell them apart', async () => {
    const { fetcher } = fakeFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const error = await diagnoseUnreachable(BASE, `${BASE}/models`, new TypeError('Failed to fetch'), fetcher, true);
    expect(error.message).toMatch(/^Could not reach 127\.0\.0\.1:8080: nothing answers there, or the server does not allow this page .* \(CORS\)\.$/);
  });

  it('says an address is not an OpenAI-compatible API when it answers with something else', async () => {
    const { engine } = await engineWith(() => new Response('<html>Welcome</html>', { headers: { 'Content-Type': 'text/html' } }));

    await engine.load('m');

    expect((engine.store.state as EngineError).message).toBe('127.0.0.1:8080 answered, but not as an OpenAI-compatible API.');
  });

  it('refuses a server this site does not allow, before sending anything', async () => {
    const { engine, calls } = await engineWith(() => models('m'), { allowedOrigins: ['https://llm.example.org'] });

    await engine.load('m');

    expect(calls).toHaveLength(0);
    const state = engine.store.state as EngineError;
    expect(state.message).toBe('This site does not let the app talk to 127.0.0.1:8080.');
    expect(state.hint).toContain('APERTO_REMOTE_SERVERS');
  });
});
