/** Checks every engine applies to a reply, so the chat and the translator need not. */
import type { ChatUsage } from './chat-engine.js';
import { engineError, type EngineError } from './errors.js';
import type { EngineState } from './store.js';

/**
 * Only the figures that are numbers. web-llm reports a decode speed of NaN when a reply is stopped
 * during prefill or is one token long; "NaN tok/s" means nothing to a person, and JSON turns it into
 * null, which an import then has to reject.
 */
export function finiteUsage(usage: ChatUsage): ChatUsage {
  const kept: Partial<ChatUsage> = {};
  for (const [key, value] of Object.entries(usage) as Array<[keyof ChatUsage, number | undefined]>) {
    if (typeof value === 'number' && Number.isFinite(value)) kept[key] = value;
  }
  return { promptTokens: kept.promptTokens ?? 0, completionTokens: kept.completionTokens ?? 0, ...kept };
}

/** Why a reply whose turn has come cannot start: the store says what became of the model meanwhile. */
export function notReadyError(state: EngineState): EngineError {
  if (state.status === 'error') {
    const { code, message, hint, detail } = state;
    return { code, message, hint, ...(detail ? { detail } : {}) };
  }
  const detail = `streamChat while ${state.status}`;
  if (state.status === 'loading') {
    return { ...engineError('unknown', detail), message: 'The model is still loading.', hint: 'Send again once it is ready.' };
  }
  return { ...engineError('unknown', detail), message: 'No model is loaded.', hint: 'Load a model first, then send again.' };
}
