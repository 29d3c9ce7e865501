/**
 * The page the chat bench drives: <aperto-chat> with the scripted test engine, so what is measured
 * is our rendering path (session → element → markdown → DOM), not a model.
 */
import '../src/elements/chat/chat.define.js';
import type { ApertoChat } from '../src/elements/chat/chat.js';
import type { ChatRequest, ChatStreamEvent } from '../src/engine/chat-engine.js';
import { ConversationStore } from '../src/storage/conversations.js';
import { ScriptedEngine } from '../test/support/scripted-engine.js';

/** A realistic reply: paragraphs, a list, a table and code, repeated to the requested length. */
const UNIT = [
  'Here', ' is', ' a', ' paragraph', ' with', ' **bold**', ' words', ' and', ' `code`', ' in', ' it.', '\n\n',
  '-', ' first', ' item', '\n', '-', ' second', ' item', '\n\n',
  '|', ' a', ' |', ' b', ' |', '\n', '|---|---|', '\n', '|', ' 1', ' |', ' 2', ' |', '\n\n',
  '```', 'ts', '\n', 'const', ' x', ' =', ' 1;', '\n', 'console.log(x);', '\n', '```', '\n\n',
];

function replyTokens(count: number): string[] {
  const tokens: string[] = [];
  while (tokens.length < count) tokens.push(...UNIT);
  return tokens.slice(0, count);
}

let tokensForNextReply: string[] = [];
let rateForNextReply = 0;
/** When the engine handed over the first token of the current reply. */
let firstTokenSentAt = 0;

class TimedEngine extends ScriptedEngine {
  override async *streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    for await (const event of super.streamChat(request)) {
      if (event.type === 'delta') firstTokenSentAt ||= performance.now();
      yield event;
    }
  }
}

const engine = new TimedEngine(() => ({
  tokens: tokensForNextReply,
  ...(rateForNextReply ? { tokensPerSecond: rateForNextReply } : {}),
})).ready();

// The engine is given before the element is connected: a connected element with no engine of its
// own leases the page's engine, which would then replace this one.
const chat = document.createElement('aperto-chat') as ApertoChat;
chat.engine = engine;
chat.storage = new ConversationStore(`aperto-bench-${Date.now()}`, 'conversations');
chat.noHistory = true;
chat.style.setProperty('--aperto-chat-height', '700px');
document.body.append(chat);

export interface ReplyRun {
  /** From the first token the engine sent to the frame after the last one was on screen. */
  elapsedMs: number;
  /** Tokens the reply on screen counts. */
  tokens: number;
  status: string;
  /** Characters of the rendered reply, to prove the whole of it reached the DOM. */
  renderedChars: number;
}

declare global {
  interface Window {
    /** `tokensPerSecond` 0 streams at full speed. */
    runReply(tokens: number, tokensPerSecond: number): Promise<ReplyRun>;
  }
}

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));

window.runReply = async (count, tokensPerSecond) => {
  await chat.updateComplete;
  await chat.session!.newChat();
  tokensForNextReply = replyTokens(count);
  rateForNextReply = tokensPerSecond;
  firstTokenSentAt = 0;
  await chat.session!.send('bench');
  // The last token is in the DOM once the chat and its last message have updated; it is on screen
  // at the next frame.
  await chat.updateComplete;
  const messages = chat.shadowRoot!.querySelectorAll('aperto-chat-message');
  const last = messages[messages.length - 1] as HTMLElement & { updateComplete: Promise<unknown> };
  await last.updateComplete;
  const paintedAt = await nextFrame();
  const reply = chat.session!.conversation.messages.at(-1)!;
  return {
    elapsedMs: paintedAt - firstTokenSentAt,
    tokens: reply.figures?.completionTokens ?? 0,
    status: reply.status,
    renderedChars: last.shadowRoot?.textContent?.length ?? 0,
  };
};
