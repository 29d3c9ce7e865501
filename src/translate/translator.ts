/**
 * Translation with the loaded LLM (GPU or CPU engine): a fixed instruction, greedy decoding so that
 * re-translating a growing sentence gives the same beginning again, reasoning switched off, and the
 * last committed pairs as context so names and terms stay consistent.
 */
import type { ChatEngine, ChatTurn } from '../engine/chat-engine.js';
import { engineError, toEngineError, type EngineError } from '../engine/errors.js';
import { supportsThinkingSwitch, ThinkingSplitter } from '../chat/thinking.js';
import { languageByCode } from './languages.js';
import { translationText } from './translation-text.js';

export interface TranslationPair {
  source: string;
  translation: string;
}

export interface TranslationRequest {
  source: string;
  /** ISO code, or undefined for "detect". */
  from?: string;
  to: string;
  /** Earlier committed pairs, oldest first; the last one or two are used. */
  context?: readonly TranslationPair[];
}

export interface TranslationProgress {
  /** The translation so far (reasoning, if a model emits any, removed). */
  text: string;
  firstTokenAt?: number;
}

export function translationPrompt(request: TranslationRequest): ChatTurn[] {
  const target = languageByCode(request.to)?.name ?? request.to;
  const source = languageByCode(request.from)?.name;
  const instruction =
    `Translate the following segment${source ? ` from ${source}` : ''} into ${target}, without additional explanation.`;
  const turns: ChatTurn[] = [{ role: 'system', content: instruction }];
  for (const pair of (request.context ?? []).slice(-2)) {
    turns.push({ role: 'user', content: pair.source }, { role: 'assistant', content: pair.translation });
  }
  turns.push({ role: 'user', content: request.source });
  return turns;
}

export class Translator {
  /** Increases with every request; a stream whose number is no longer the newest is stale. */
  private sequence = 0;
  /** Stops the translator's own request in progress or waiting (never another caller's reply). */
  private current?: AbortController;

  /** Absent until the page's engine is known (an element on its own page finds it asynchronously). */
  constructor(public engine?: ChatEngine) {}

  /**
   * Translate, reporting progress as tokens arrive. A newer call interrupts this one: the older
   * promise then resolves with `stale: true` and its text should be ignored.
   */
  async translate(
    request: TranslationRequest,
    onProgress: (progress: TranslationProgress) => void,
  ): Promise<{ text: string; stale: boolean; error?: EngineError }> {
    const engine = this.engine;
    if (!engine) return { text: '', stale: false, error: engineError('model-not-found', 'no engine yet') };
    const mine = ++this.sequence;
    // A newer request supersedes this translator's earlier one, streaming or still waiting for the
    // engine; a chat reply on the same engine is not touched: this request waits for its turn.
    this.current?.abort();
    const stop = (this.current = new AbortController());

    const splitter = new ThinkingSplitter();
    let text = '';
    let pastTheTranslation = false;
    let firstTokenAt: number | undefined;
    try {
      const stream = engine.streamChat({
        messages: translationPrompt(request),
        temperature: 0,
        topP: 1,
        maxTokens: Math.min(1024, 64 + request.source.length * 4),
        signal: stop.signal,
        // Only where the model has the switch: elsewhere web-llm would add an empty think block.
        ...(supportsThinkingSwitch(engine.store.modelId) ? { enableThinking: false } : {}),
      });
      for await (const event of stream) {
        if (event.type !== 'delta' || mine !== this.sequence || pastTheTranslation) continue;
        firstTokenAt ??= performance.now();
        const shown = translationText(splitter.push(event.text).answer, request.source);
        text = shown.text;
        onProgress({ text, firstTokenAt });
        if (shown.complete) {
          // The model has moved on to notes about its translation: nobody reads those on a caption.
          pastTheTranslation = true;
          stop.abort();
        }
      }
    } catch (raw) {
      return { text, stale: mine !== this.sequence, error: toEngineError(raw) };
    } finally {
      if (this.current === stop) this.current = undefined;
    }
    return { text: text.trim(), stale: mine !== this.sequence };
  }
}
