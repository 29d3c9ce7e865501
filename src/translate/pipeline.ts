/**
 * Live translation, end to end: speech or text from a source → recognised text → translation by
 * the LLM → captions. Utterances are translated in order, one at a time (the engine answers one
 * request at a time); every utterance keeps its own latency figures.
 */
import type { ChatEngine } from '../engine/chat-engine.js';
import { normalizedErasure } from './commit-policy.js';
import { Translator, type TranslationPair } from './translator.js';
import type { SourceError, SpeechSource, TextUtterance } from './types.js';

export type UtteranceStatus = 'translating' | 'done' | 'error';

export interface Caption {
  /** Stable text. */
  committed: string;
  /** Text that may still change (shown dimmed). */
  tail: string;
}

export interface UtteranceFigures {
  /** End of speech → final recognition (audio sources only). */
  speechEndToFinalMs?: number;
  /** Final recognition (or submitted text) → first translated token. */
  finalToFirstTokenMs?: number;
  /** Final recognition → complete translation. */
  finalToCompleteMs?: number;
  /** Tokens removed from the displayed translation ÷ its final length. */
  translationErasure?: number;
}

export interface Utterance {
  id: number;
  source: Caption;
  sourceLanguage?: string;
  translation: Caption;
  targetLanguage: string;
  status: UtteranceStatus;
  error?: string;
  figures: UtteranceFigures;
}

export class TranslationPipeline extends EventTarget {
  utterances: Utterance[] = [];
  from: string | undefined;
  to = 'en';
  /** Something the person should know that is not an utterance (no model, microphone denied). */
  notice = '';
  private readonly translator: Translator;
  private source?: SpeechSource;
  private nextId = 1;
  private queue: Promise<void> = Promise.resolve();

  constructor(engine: ChatEngine) {
    super();
    this.translator = new Translator(engine);
  }

  set engine(engine: ChatEngine) {
    this.translator.engine = engine;
  }

  async start(source: SpeechSource): Promise<void> {
    await this.stop();
    this.source = source;
    await source.start({
      text: (utterance) => this.onText(utterance),
      error: (error) => this.onSourceError(error),
    });
  }

  async stop(): Promise<void> {
    await this.source?.stop();
    this.source = undefined;
  }

  clear(): void {
    this.utterances = [];
    this.notice = '';
    this.changed();
  }

  /** Every utterance's figures, for export as JSON. */
  figures(): Array<{ id: number; source: string; translation: string } & UtteranceFigures> {
    return this.utterances.map((u) => ({
      id: u.id,
      source: u.source.committed + u.source.tail,
      translation: u.translation.committed + u.translation.tail,
      ...u.figures,
    }));
  }

  private onText(input: TextUtterance): void {
    if (!input.final) return;
    const utterance: Utterance = {
      id: this.nextId++,
      source: { committed: input.text, tail: '' },
      sourceLanguage: input.language ?? this.from,
      translation: { committed: '', tail: '' },
      targetLanguage: this.to,
      status: 'translating',
      figures: {},
    };
    this.utterances = [...this.utterances, utterance];
    this.changed();
    // One at a time, in order: a later utterance never interrupts an earlier one.
    this.queue = this.queue.then(() => this.translate(utterance, input.detectedAt));
  }

  private async translate(utterance: Utterance, finalAt: number): Promise<void> {
    const status = this.translator.engine.store.state.status;
    if (status !== 'ready' && status !== 'generating') {
      this.update(utterance, {
        status: 'error',
        error: 'No model is loaded. Load one in Models; your text is kept here.',
      });
      return;
    }
    const displays: string[] = [];
    const result = await this.translator.translate(
      { source: utterance.source.committed, from: utterance.sourceLanguage, to: utterance.targetLanguage, context: this.context(utterance) },
      ({ text, firstTokenAt }) => {
        displays.push(text);
        this.update(utterance, {
          translation: { committed: '', tail: text },
          figures: { ...utterance.figures, ...(firstTokenAt ? { finalToFirstTokenMs: firstTokenAt - finalAt } : {}) },
        });
      },
    );
    if (result.stale) return;
    if (result.error) {
      this.update(utterance, {
        status: 'error',
        error: `${result.error.message} ${result.error.hint}`,
        translation: { committed: result.text, tail: '' },
      });
      return;
    }
    displays.push(result.text);
    this.update(utterance, {
      status: 'done',
      translation: { committed: result.text, tail: '' },
      figures: {
        ...this.current(utterance).figures,
        finalToCompleteMs: performance.now() - finalAt,
        translationErasure: normalizedErasure(displays),
      },
    });
  }

  /** The last one or two finished pairs, for consistent names and terms. */
  private context(utterance: Utterance): TranslationPair[] {
    return this.utterances
      .filter((u) => u.id < utterance.id && u.status === 'done' && u.targetLanguage === utterance.targetLanguage)
      .slice(-2)
      .map((u) => ({ source: u.source.committed, translation: u.translation.committed }));
  }

  private current(utterance: Utterance): Utterance {
    return this.utterances.find((u) => u.id === utterance.id) ?? utterance;
  }

  private update(utterance: Utterance, patch: Partial<Utterance>): void {
    this.utterances = this.utterances.map((u) => (u.id === utterance.id ? { ...u, ...patch } : u));
    this.changed();
  }

  private onSourceError(error: SourceError): void {
    this.notice = `${error.message} ${error.hint}`;
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
