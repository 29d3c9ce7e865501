/**
 * One engine, many callers: the chat and the translator share the page's model through the same
 * queue the real engines use (the scripted engine runs it too). What a person would notice: a
 * translation never cuts a chat reply short, a message sent during a translation is answered, Stop
 * stops only its own reply, and a load ends every reply as "stopped", never as "complete".
 */
import { describe, expect, it } from 'vitest';
import { ChatSession } from '../../src/chat/chat-session.js';
import type { Conversation } from '../../src/chat/conversation.js';
import type { ChatRequest, ChatStreamEvent } from '../../src/engine/chat-engine.js';
import type { ConversationStore } from '../../src/storage/conversations.js';
import { Translator } from '../../src/translate/translator.js';
import { ScriptedEngine, tokensOf, type Script } from '../support/scripted-engine.js';

/** Conversations kept in memory, as the IndexedDB store would keep them. */
function memoryStorage(): ConversationStore {
  const saved = new Map<string, Conversation>();
  let open: string | undefined;
  return {
    list: async () => [...saved.values()].map(({ id, title, updatedAt }) => ({ id, title, updatedAt })),
    load: async (id: string) => saved.get(id),
    save: async (conversation: Conversation) => void saved.set(conversation.id, structuredClone(conversation)),
    delete: async (id: string) => void saved.delete(id),
    openId: async () => open,
    setOpenId: async (id: string) => void (open = id),
  } as unknown as ConversationStore;
}

const CHAT_REPLY = 'one two three four five six seven eight';
const isTranslation = (request: ChatRequest) => request.messages.some((m) => /Translate/.test(m.content));

/** Chat replies stream slowly, word by word; translations answer "Ciao". */
function sharedEngine(translation: Partial<Script> = {}): ScriptedEngine {
  return new ScriptedEngine((request) =>
    isTranslation(request) ? { tokens: ['Ciao'], delayMs: 5, ...translation } : { tokens: tokensOf(CHAT_REPLY), delayMs: 10 },
  ).ready();
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > 3000) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function lastReply(session: ChatSession) {
  return session.conversation.messages.at(-1)!;
}

async function drain(events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const seen: ChatStreamEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

const ask = (text: string, signal?: AbortSignal): ChatRequest => ({
  messages: [{ role: 'user', content: text }],
  temperature: 0,
  topP: 1,
  maxTokens: 32,
  ...(signal ? { signal } : {}),
});

/** A chat reply streaming, and a translation asked for meanwhile, waiting for its turn. */
async function translationBehindChatReply() {
  const engine = sharedEngine();
  const session = new ChatSession(engine, memoryStorage());
  const translator = new Translator(engine);
  const chatting = session.send('Tell me something');
  await until(() => (session.streaming?.content.length ?? 0) > 0, 'the chat reply to start');
  const translating = translator.translate({ source: 'Hello', to: 'it' }, () => undefined);
  return { engine, session, chatting, translating };
}

describe('one engine shared by the chat and the translator', () => {
  it('lets a chat reply finish in full when a translation is asked for meanwhile; the translation follows', async () => {
    const engine = sharedEngine();
    const session = new ChatSession(engine, memoryStorage());
    const translator = new Translator(engine);

    const chatting = session.send('Tell me something');
    await until(() => (session.streaming?.content.length ?? 0) > 0, 'the chat reply to start');
    const translation = await translator.translate({ source: 'Hello', to: 'it' }, () => undefined);
    await chatting;

    expect(lastReply(session).content).toBe(CHAT_REPLY);
    expect(lastReply(session).status).toBe('complete');
    expect(translation).toEqual({ text: 'Ciao', stale: false });
  });

  it('answers a chat message sent while a translation streams, instead of failing', async () => {
    const engine = sharedEngine({ tokens: tokensOf('Ciao a tutti quanti voi'), delayMs: 10 });
    const session = new ChatSession(engine, memoryStorage());
    const translator = new Translator(engine);

    const translating = translator.translate({ source: 'Hello everyone', to: 'it' }, () => undefined);
    await until(() => engine.store.state.status === 'generating', 'the translation to start');
    await session.send('Are you there?');
    const translation = await translating;

    expect(lastReply(session).status).toBe('complete');
    expect(lastReply(session).error).toBeUndefined();
    expect(lastReply(session).content).toBe(CHAT_REPLY);
    expect(translation.text).toBe('Ciao a tutti quanti voi');
  });

  it('stops only the chat reply on Stop; the translation waiting behind it still runs', async () => {
    const { session, chatting, translating } = await translationBehindChatReply();
    session.stop();
    await chatting;

    expect(lastReply(session).status).toBe('stopped');
    expect(lastReply(session).content.length).toBeLessThan(CHAT_REPLY.length);
    expect(await translating).toEqual({ text: 'Ciao', stale: false });
  });

  it('marks a chat reply ended by the engine (a load, a delete) as stopped, not complete, and ends waiting requests too', async () => {
    const { engine, session, chatting, translating } = await translationBehindChatReply();
    engine.interrupt();
    await chatting;
    const translation = await translating;

    expect(lastReply(session).status).toBe('stopped');
    expect(translation.text).toBe('');
    expect(engine.requests.filter(isTranslation), 'the waiting translation never reached the model').toHaveLength(0);
  });

  it('never starts a request whose caller stopped it while it waited for its turn', async () => {
    const engine = sharedEngine();
    const first = drain(engine.streamChat(ask('first')));
    const stop = new AbortController();
    const second = drain(engine.streamChat(ask('second', stop.signal)));
    await until(() => engine.store.state.status === 'generating', 'the first reply to start');
    stop.abort();

    expect(await second).toEqual([{ type: 'stopped' }]);
    const firstEvents = await first;
    expect(firstEvents.filter((e) => e.type === 'delta').map((e) => (e as { text: string }).text).join('')).toBe(CHAT_REPLY);
    expect(engine.requests.map((r) => r.messages[0].content)).toEqual(['first']);
  });

  it('stops a reply whose Stop came before its first token, and the next message is answered', async () => {
    const engine = sharedEngine();
    const session = new ChatSession(engine, memoryStorage());

    const chatting = session.send('Tell me something');
    await until(() => session.streaming !== undefined, 'the reply to be asked for');
    session.stop();
    await chatting;
    expect(lastReply(session).status).toBe('stopped');
    expect(lastReply(session).content).toBe('');

    await session.send('Again, please');
    expect(lastReply(session).status).toBe('complete');
    expect(lastReply(session).content).toBe(CHAT_REPLY);
  });

  it('lets a newer translation supersede the translator\'s own older one, but not a chat reply', async () => {
    const engine = sharedEngine({ tokens: tokensOf('Ciao a tutti quanti voi'), delayMs: 10 });
    const session = new ChatSession(engine, memoryStorage());
    const translator = new Translator(engine);

    const chatting = session.send('Tell me something');
    await until(() => (session.streaming?.content.length ?? 0) > 0, 'the chat reply to start');
    const older = translator.translate({ source: 'Hello every', to: 'it' }, () => undefined);
    const newer = translator.translate({ source: 'Hello everyone', to: 'it' }, () => undefined);
    await chatting;

    expect(await older).toMatchObject({ stale: true });
    expect(await newer).toEqual({ text: 'Ciao a tutti quanti voi', stale: false });
    expect(lastReply(session).status).toBe('complete');
    expect(lastReply(session).content).toBe(CHAT_REPLY);
  });

  it('sends the thinking switch only to models that have it', async () => {
    const qwen = new ScriptedEngine(() => ({ tokens: ['Ciao'] })).ready('Qwen3-0.6B-q4f32_1-MLC');
    const llama = new ScriptedEngine(() => ({ tokens: ['Ciao'] })).ready('Llama-3.2-1B-Instruct-q4f32_1-MLC');

    await new Translator(qwen).translate({ source: 'Hello', to: 'it' }, () => undefined);
    await new Translator(llama).translate({ source: 'Hello', to: 'it' }, () => undefined);

    expect(qwen.requests[0].enableThinking).toBe(false);
    expect(llama.requests[0]).not.toHaveProperty('enableThinking');
  });
});
