/** Checks every engine applies to a reply, so the chat and the translator need not. */
import type { ChatUsage } from './chat-engine.js';
import { engineError, type EngineError } from './errors.js';
import type { EngineState } from './store.js';

/** Every figure a reply carries, by name. */
export const FIGURE_KEYS = [
  'timeToFirstTokenMs',
  'prefillTokensPerSecond',
  'decodeTokensPerSecond',
  'completionTokens',
  'promptTokens',
] as const satisfies ReadonlyArray<keyof ChatUsage>;

/**
 * The figures that are finite numbers, known names only (the input may be stored or imported data).
 * web-llm reports a decode speed of NaN when a reply is stopped during prefill or is one token long;
 * "NaN tok/s" means nothing to a person, and JSON turns it into null, which an import would reject.
 */
export function finiteFigures(figures: Partial<Record<keyof ChatUsage, unknown>>): Partial<ChatUsage> {
  const kept: Partial<ChatUsage> = {};
  for (const key of FIGURE_KEYS) {
    const value = figures[key];
    if (typeof value === 'number' && Number.isFinite(value)) kept[key] = value;
  }
  return kept;
}

/** A reply's usage with only finite figures; the token counts are always there. */
export function finiteUsage(usage: ChatUsage): ChatUsage {
  const kept = finiteFigures(usage);
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
