/**
 * Translation with the loaded LLM (GPU or CPU engine): a fixed instruction, greedy decoding so that
 * re-translating a growing sentence gives the same beginning again, reasoning switched off, and the
 * last committed pairs as context so names and terms stay consistent.
 *
 * The prompt is shaped for small models (0.1–1 B parameters). The instruction and the text travel
 * together in the user turn, the text between <text> tags: with the instruction in the system turn
 * and the bare text as the user's message, a small model takes a question for a question and
 * answers it ("What is the capital of France?" → "The capital of France is Paris."). A one-line
 * source gets a one-line translation: the engine stops at the first line break (where small models
 * go on with notes about their translation), and the reply is capped near twice the source's tokens.
 */
import type { ChatEngine, ChatRequest, ChatTurn } from '../engine/chat-engine.js';
import { engineError, toEngineError, type EngineError } from '../engine/errors.js';
import { supportsThinkingSwitch, ThinkingSplitter } from '../chat/thinking.js';
import { languageByCode } from './languages.js';
import { translationContext } from './translation-context.js';
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
  /** Earlier committed pairs, oldest first; the newest within a budget are used (`translationContext`). */
  context?: readonly TranslationPair[];
}

export interface TranslationProgress {
  /** The translation so far (reasoning, if a model emits any, removed). */
  text: string;
  firstTokenAt?: number;
}

/**
 * Which requests a new one supersedes. A final translation is what an utterance ends with: only a
 * later final of the same utterance replaces it, never anything of another utterance. A partial
 * (a re-translation while the person is still speaking) supersedes the partials before it, whoever
 * they belong to, so at most one waits for the engine and it is the newest; it never touches a final.
 */
export interface TranslationLane {
  utterance: number;
  final: boolean;
}

export interface TranslateOptions {
  /** Without a lane, a request supersedes the earlier requests made without one. */
  lane?: TranslationLane;
  /** Stops this request (waiting or streaming); it then resolves as stale. */
  signal?: AbortSignal;
}

export interface TranslationResult {
  text: string;
  /** Superseded or stopped: the text is not the answer to this request; ignore it. */
  stale: boolean;
  error?: EngineError;
}

/** Delimits the text to translate; never part of a spoken or typed source. */
const OPEN = '<text>';
const CLOSE = '</text>';

/** Scripts written without spaces, where a model's tokenizer gives about one token per character. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/gu;

/**
 * A reply cap near twice the source's tokens: room for any language pair, no room for a run-on.
 * Tokens are estimated from characters (about three per token in alphabetic scripts, one in Chinese,
 * Japanese, Korean and Thai), never below 16 so that a one-word source still gets its translation.
 */
export function translationTokenCap(source: string): number {
  const unspaced = source.match(UNSPACED)?.length ?? 0;
  const estimate = unspaced + (source.length - unspaced) / 3;
  return Math.max(16, Math.ceil(2 * estimate));
}

/** The source with anything that looks like our delimiters taken out, so it cannot close the block early. */
function delimited(source: string): string {
  return `${OPEN}${source.replace(/<\s*\/?\s*text\s*>/gi, ' ').trim()}${CLOSE}`;
}

/**
 * Qwen3 (not Qwen3.5 nor the 2507 releases) also obeys a `/no_think` tag in the user's message, as
 * Qwen documents: a second guard, besides `enable_thinking`, that the reply budget is never spent
 * thinking when a chat template ignores the switch.
 */
function takesNoThinkTag(modelId: string | undefined): boolean {
  return !!modelId && /^Qwen3-/i.test(modelId) && !/2507/.test(modelId);
}

export function translationPrompt(request: TranslationRequest, modelId?: string): ChatTurn[] {
  const target = languageByCode(request.to)?.name ?? request.to;
  const source = languageByCode(request.from)?.name;
  const instruction =
    `Translate the text between ${OPEN} and ${CLOSE}${source ? ` from ${source}` : ''} into ${target}. Write only the translation.`;
  const noThink = takesNoThinkTag(modelId) ? '\n/no_think' : '';
  const ask = (text: string): ChatTurn => ({ role: 'user', content: `${instruction}\n${delimited(text)}${noThink}` });
  const turns: ChatTurn[] = [];
  // Earlier pairs are asked and answered the same way, so the model sees what a reply looks like.
  for (const pair of translationContext(request.context ?? [])) {
    turns.push(ask(pair.source), { role: 'assistant', content: pair.translation });
  }
  turns.push(ask(request.source));
  return turns;
}

/** The engine request for one translation (without its signal). */
export function translationRequest(request: TranslationRequest, modelId: string | undefined): ChatRequest {
  return {
    messages: translationPrompt(request, modelId),
    temperature: 0,
    topP: 1,
    maxTokens: translationTokenCap(request.source),
    // A one-line source: the translation ends at the line break; a source of several lines keeps them.
    ...(request.source.includes('\n') ? {} : { stop: ['\n'] }),
    // Only where the model has the switch: elsewhere web-llm would add an empty think block.
    ...(supportsThinkingSwitch(modelId) ? { enableThinking: false } : {}),
  };
}

interface InFlight {
  lane?: TranslationLane;
  stop: AbortController;
  superseded: boolean;
}

/** Whether a new request in `lane` supersedes one in flight in `earlier`. */
function supersedes(lane: TranslationLane | undefined, earlier: TranslationLane | undefined): boolean {
  if (!lane || !earlier) return !lane && !earlier;
  if (lane.final) return earlier.utterance === lane.utterance;
  return !earlier.final;
}

export class Translator {
  /** This translator's requests waiting or streaming. */
  private readonly inFlight = new Set<InFlight>();

  /** Absent until the page's engine is known (an element on its own page finds it asynchronously). */
  constructor(public engine?: ChatEngine) {}

  /**
   * Translate, reporting progress as tokens arrive. A newer call may supersede this one (see
   * `TranslationLane`): this promise then resolves with `stale: true` and its text should be ignored.
   */
  async translate(
    request: TranslationRequest,
    onProgress: (progress: TranslationProgress) => void,
    options: TranslateOptions = {},
  ): Promise<TranslationResult> {
    const engine = this.engine;
    if (!engine) return { text: '', stale: false, error: engineError('model-not-found', 'no engine yet') };
    // A superseded request stops, streaming or still waiting for the engine; a chat reply on the
    // same engine is not touched: this request waits for its turn.
    for (const other of this.inFlight) {
      if (!supersedes(options.lane, other.lane)) continue;
      other.superseded = true;
      other.stop.abort();
    }
    const mine: InFlight = { ...(options.lane ? { lane: options.lane } : {}), stop: new AbortController(), superseded: false };
    const stop = mine.stop;
    const cancel = () => {
      mine.superseded = true;
      stop.abort();
    };
    if (options.signal?.aborted) cancel();
    options.signal?.addEventListener('abort', cancel, { once: true });
    this.inFlight.add(mine);

    const splitter = new ThinkingSplitter();
    let text = '';
    let pastTheTranslation = false;
    let firstTokenAt: number | undefined;
    try {
      const stream = engine.streamChat({ ...translationRequest(request, engine.store.modelId), signal: stop.signal });
      for await (const event of stream) {
        if (event.type !== 'delta' || mine.superseded || pastTheTranslation) continue;
        firstTokenAt ??= performance.now();
        const shown = translationText(splitter.push(event.text).answer, request.source);
        text = shown.text;
        onProgress({ text, firstTokenAt });
        if (shown.complete) {
          // The model has moved on to notes about its translation (an engine that ignored the stop
          // sequence): nobody reads those on a caption.
          pastTheTranslation = true;
          stop.abort();
        }
      }
    } catch (raw) {
      return { text, stale: mine.superseded, error: toEngineError(raw) };
    } finally {
      this.inFlight.delete(mine);
      options.signal?.removeEventListener('abort', cancel);
    }
    return { text: text.trim(), stale: mine.superseded };
  }
}
