/**
 * The whole app's side of the CPU benches: <aperto-chat> over a given engine, a prompt sent through
 * its chat session, and the reply timed as a person sees it, from the first token painted to the last.
 */
import '../src/elements/chat/chat.define.js';
import type { ApertoChat } from '../src/elements/chat/chat.js';
import type { ChatMessage } from '../src/chat/conversation.js';
import type { ChatEngine } from '../src/engine/chat-engine.js';
import { ConversationStore } from '../src/storage/conversations.js';

/** A chat element on the page, driven by `engine`. */
export function mountChat(engine: ChatEngine, name: string): ApertoChat {
  // The engine is given before the element is connected: a connected element with no engine of its
  // own leases the page's engine, which would then replace this one.
  const chat = document.createElement('aperto-chat') as ApertoChat;
  chat.engine = engine;
  chat.storage = new ConversationStore(`${name}-${Date.now()}`, 'conversations');
  chat.noHistory = true;
  chat.style.setProperty('--aperto-chat-height', '600px');
  document.body.append(chat);
  return chat;
}

/** Ask `prompt` in a new chat (greedy, no system prompt) and time the reply on screen. */
export async function replyOnScreen(chat: ApertoChat, prompt: string, maxTokens: number): Promise<{ reply: ChatMessage; firstPaintMs: number; lastPaintMs: number }> {
  await chat.updateComplete;
  const session = chat.session!;
  await session.newChat();
  await session.updateSettings({ maxTokens, temperature: 0, systemPrompt: '' });
  let first = 0;
  let last = 0;
  const onDelta = () =>
    requestAnimationFrame(() => {
      last = performance.now();
      first ||= last;
    });
  session.addEventListener('delta', onDelta);
  await session.send(prompt);
  await chat.updateComplete;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  session.removeEventListener('delta', onDelta);
  const reply = session.conversation.messages.at(-1)!;
  if (reply.status !== 'complete') throw new Error(`The app's reply ended "${reply.status}": ${reply.error ?? ''}`);
  return { reply, firstPaintMs: first, lastPaintMs: last };
}
