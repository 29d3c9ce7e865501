import type { ChatTurn } from '../engine/chat-engine.js';
import type { ChatMessage } from './conversation.js';

/**
 * The prompt for a reply: the system prompt, then the conversation before the reply, less the
 * `dropTurns` oldest exchanges. Failed replies and reasoning are left out (reasoning models are
 * meant to see only earlier answers, not earlier thoughts).
 */
export function buildPrompt(systemPrompt: string, history: readonly ChatMessage[], dropTurns = 0): ChatTurn[] {
  const usable = history.filter((m) => m.status !== 'error' && (m.role === 'user' || m.content.trim() !== ''));
  let dropped = 0;
  let start = 0;
  while (dropped < dropTurns && start < usable.length) {
    // One exchange: a user message and the replies that follow it.
    start++;
    while (start < usable.length && usable[start].role === 'assistant') start++;
    dropped++;
  }
  const turns: ChatTurn[] = usable.slice(start).map((m) => ({ role: m.role, content: m.content }));
  return systemPrompt.trim() ? [{ role: 'system', content: systemPrompt }, ...turns] : turns;
}

/** How many exchanges (user message + replies) the history holds. */
export function countTurns(history: readonly ChatMessage[]): number {
  return history.filter((m) => m.role === 'user').length;
}
