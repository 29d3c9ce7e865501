/**
 * The page the chat bench drives: <aperto-chat> with the scripted test engine, so what is measured
 * is our rendering path (session → element → markdown → DOM), not a model.
 */
import '../src/elements/chat/chat.define.js';
import type { ApertoChat } from '../src/elements/chat/chat.js';
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
const engine = new ScriptedEngine(() => ({
  tokens: tokensForNextReply,
  ...(rateForNextReply ? { tokensPerSecond: rateForNextReply } : {}),
})).ready();
const chat = document.querySelector('aperto-chat') as ApertoChat;
chat.engine = engine;
chat.storage = new ConversationStore(`aperto-bench-${Date.now()}`, 'conversations');

declare global {
  interface Window {
    /** `tokensPerSecond` 0 streams at full speed. */
    runReply(tokens: number, tokensPerSecond: number): Promise<{ elapsedMs: number; tokens: number }>;
  }
}

window.runReply = async (count, tokensPerSecond) => {
  await chat.updateComplete;
  await chat.session!.newChat();
  tokensForNextReply = replyTokens(count);
  rateForNextReply = tokensPerSecond;
  const started = performance.now();
  await chat.session!.send('bench');
  // Wait until the last token is on screen.
  await chat.updateComplete;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return { elapsedMs: performance.now() - started, tokens: count };
};
