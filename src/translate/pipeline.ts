/**
 * Live translation, end to end: speech or text from a source → recognised text → translation by
 * the LLM → captions. Utterances are translated in order, one at a time (the engine answers one
 * request at a time); every utterance keeps its own latency figures.
 */
import type { ChatEngine } from '../engine/chat-engine.js';
import { LocalAgreement, TranslationCommitter, normalizedErasure } from './commit-policy.js';
import { guessLanguage } from './language-guess.js';
import { Translator, type TranslationPair } from './translator.js';
import type { SourceError, SpeechSegment, SpeechSource, TextUtterance } from './types.js';

/** What the pipeline needs from speech recognition (Whisper in a worker, or a script in tests). */
export interface Recognizer {
  transcribe(audio: Float32Array, language?: string): Promise<{ text: string; language?: string }>;
}

/** Per audio utterance: what recognition and translation have settled on so far. */
interface Listening {
  utteranceId: number;
  agreement: LocalAgreement;
  committer: TranslationCommitter;
  /** A partial recognition in flight: later partials are skipped rather than queued. */
  recognising: boolean;
  translatedSource: string;
}

export type UtteranceStatus = 'listening' | 'translating' | 'done' | 'error';

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
  /**
   * Conversation mode: two people, two languages. Each utterance goes into the other language,
   * the direction taken from the language it was spoken (or typed) in.
   */
  conversation: { a: string; b: string } | undefined;
  /** Something the person should know that is not an utterance (no model, microphone denied). */
  notice = '';
  private readonly translator: Translator;
  private source?: SpeechSource;
  private nextId = 1;
  private queue: Promise<void> = Promise.resolve();
  private listening?: Listening;
  /** Turns audio into text; needed only for audio sources. */
  recognizer?: Recognizer;

  constructor(engine?: ChatEngine) {
    super();
    this.translator = new Translator(engine);
  }

  set engine(engine: ChatEngine | undefined) {
    this.translator.engine = engine;
  }

  async start(source: SpeechSource): Promise<void> {
    await this.stop();
    this.source = source;
    await source.start({
      text: (utterance) => this.onText(utterance),
      speechStart: () => this.onSpeechStart(),
      partialAudio: (audio) => void this.onPartialAudio(audio),
      speechEnd: (segment) => void this.onSpeechEnd(segment),
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

  /** Where an utterance in `language` goes: the other party's language in a conversation. */
  targetFor(language: string | undefined): string {
    if (!this.conversation) return this.to;
    return language === this.conversation.b ? this.conversation.a : this.conversation.b;
  }

  /** The utterance a text source is still speaking (Web Speech interim results), if any. */
  private partialText?: number;

  private onText(input: TextUtterance): void {
    const language = input.language ?? this.from;
    if (!input.final) {
      // Interim words: show them dimmed; translation waits for the final result.
      if (this.partialText === undefined) {
        this.partialText = this.nextId++;
        this.utterances = [
          ...this.utterances,
          {
            id: this.partialText,
            source: { committed: '', tail: input.text },
            sourceLanguage: language,
            translation: { committed: '', tail: '' },
            targetLanguage: this.targetFor(language),
            status: 'listening',
            figures: {},
          },
        ];
        this.changed();
      } else this.patch(this.partialText, { source: { committed: '', tail: input.text } });
      return;
    }
    if (this.partialText !== undefined) {
      this.utterances = this.utterances.filter((u) => u.id !== this.partialText);
      this.partialText = undefined;
    }
    const utterance: Utterance = {
      id: this.nextId++,
      source: { committed: input.text, tail: '' },
      sourceLanguage: language,
      translation: { committed: '', tail: '' },
      targetLanguage: this.targetFor(language),
      status: 'translating',
      figures: {},
    };
    this.utterances = [...this.utterances, utterance];
    this.changed();
    // One at a time, in order: a later utterance never interrupts an earlier one.
    this.queue = this.queue.then(() => this.translate(utterance, input.detectedAt));
  }

  private async translate(utterance: Utterance, finalAt: number): Promise<void> {
    if (!this.engineReady()) {
      this.patch(utterance.id, { status: 'error', error: 'No model is loaded. Load one in Models; your text is kept here.' });
      return;
    }
    const displays: string[] = [];
    const result = await this.translator.translate(
      { source: utterance.source.committed, from: utterance.sourceLanguage, to: utterance.targetLanguage, context: this.context(utterance) },
      ({ text, firstTokenAt }) => {
        displays.push(text);
        this.patch(utterance.id, {
          translation: { committed: '', tail: text },
          figures: { ...utterance.figures, ...(firstTokenAt ? { finalToFirstTokenMs: firstTokenAt - finalAt } : {}) },
        });
      },
    );
    if (result.stale) return;
    if (result.error) {
      this.patch(utterance.id, {
        status: 'error',
        error: `${result.error.message} ${result.error.hint}`,
        translation: { committed: result.text, tail: '' },
      });
      return;
    }
    displays.push(result.text);
    this.patch(utterance.id, {
      status: 'done',
      translation: { committed: result.text, tail: '' },
      figures: {
        ...this.current(utterance).figures,
        finalToCompleteMs: performance.now() - finalAt,
        translationErasure: normalizedErasure(displays),
      },
    });
  }

  // ——— Audio: recognition with LocalAgreement-2, re-translation on newly committed source text ———

  private onSpeechStart(): void {
    if (!this.recognizer) return;
    const utterance: Utterance = {
      id: this.nextId++,
      source: { committed: '', tail: '' },
      sourceLanguage: this.from,
      translation: { committed: '', tail: '' },
      targetLanguage: this.targetFor(this.from),
      status: 'listening',
      figures: {},
    };
    this.utterances = [...this.utterances, utterance];
    this.listening = {
      utteranceId: utterance.id,
      agreement: new LocalAgreement(),
      committer: new TranslationCommitter(),
      recognising: false,
      translatedSource: '',
    };
    this.changed();
  }

  private async onPartialAudio(audio: Float32Array): Promise<void> {
    const listening = this.listening;
    if (!listening || !this.recognizer || listening.recognising) return;
    listening.recognising = true;
    try {
      const { text, language } = await this.recognizer.transcribe(audio.slice(), this.from);
      if (this.listening !== listening || listening.agreement.finished) return;
      const source = listening.agreement.update(text);
      this.patch(listening.utteranceId, { source, ...this.languagePatch(language) });
      // Translate again only when the stable part of the source grew.
      if (source.committed.trim() && source.committed !== listening.translatedSource) {
        listening.translatedSource = source.committed;
        void this.retranslate(listening, source.committed, false);
      }
    } catch {
      // A failed partial is not worth a message: the final recognition follows at end of speech.
    } finally {
      listening.recognising = false;
    }
  }

  private async onSpeechEnd(segment: SpeechSegment): Promise<void> {
    const listening = this.listening;
    if (!listening || !this.recognizer) return;
    this.listening = undefined;
    let text: string;
    let language: string | undefined;
    try {
      ({ text, language } = await this.recognizer.transcribe(segment.audio, this.from));
      language ??= guessLanguage(text, this.conversation ? [this.conversation.a, this.conversation.b] : undefined);
    } catch (error) {
      const message = (error as { message?: string }).message ?? String(error);
      const hint = (error as { hint?: string }).hint ?? '';
      this.patch(listening.utteranceId, { status: 'error', error: `${message} ${hint}`.trim() });
      return;
    }
    const finalAt = performance.now();
    const source = listening.agreement.finalize(text);
    const utterance = this.utterances.find((u) => u.id === listening.utteranceId);
    this.patch(listening.utteranceId, {
      source,
      status: 'translating',
      ...this.languagePatch(language),
      figures: { ...utterance?.figures, speechEndToFinalMs: finalAt - segment.detectedAt },
    });
    if (!text.trim()) {
      this.utterances = this.utterances.filter((u) => u.id !== listening.utteranceId);
      this.changed();
      return;
    }
    this.queue = this.queue.then(() => this.retranslate(listening, source.committed + source.tail, true, finalAt));
    await this.queue;
  }

  /** Translate the committed source; the committer decides what of the result is stable. */
  private async retranslate(listening: Listening, source: string, endOfSpeech: boolean, finalAt?: number): Promise<void> {
    const current = () => this.utterances.find((u) => u.id === listening.utteranceId);
    const utterance = current();
    if (!utterance) return;
    if (!this.engineReady()) {
      this.patch(listening.utteranceId, { status: 'error', error: 'No model is loaded. Load one in Models; the recognised text is kept here.' });
      return;
    }
    const seq = listening.committer.request(source, { endOfSpeech });
    const result = await this.translator.translate(
      { source, from: utterance.sourceLanguage, to: utterance.targetLanguage, context: this.context(utterance) },
      ({ text, firstTokenAt }) => {
        const committed = listening.committer.committed;
        const tail = text.startsWith(committed) ? text.slice(committed.length) : listening.committer.tail;
        const figures = current()?.figures ?? {};
        this.patch(listening.utteranceId, {
          translation: { committed, tail },
          ...(endOfSpeech && finalAt && firstTokenAt && figures.finalToFirstTokenMs === undefined
            ? { figures: { ...figures, finalToFirstTokenMs: firstTokenAt - finalAt } }
            : {}),
        });
      },
    );
    if (result.stale) return;
    if (result.error) {
      this.patch(listening.utteranceId, { status: 'error', error: `${result.error.message} ${result.error.hint}` });
      return;
    }
    listening.committer.apply(seq, result.text);
    const translation = { ...listening.committer.snapshot };
    if (!endOfSpeech) {
      this.patch(listening.utteranceId, { translation });
      return;
    }
    const figures = current()?.figures ?? {};
    this.patch(listening.utteranceId, {
      status: 'done',
      translation,
      figures: {
        ...figures,
        ...(finalAt ? { finalToCompleteMs: performance.now() - finalAt } : {}),
        translationErasure: listening.committer.erasure.normalized,
      },
    });
  }

  /** What recognition detected, where the person did not fix the language, and the direction it implies. */
  private languagePatch(detected: string | undefined): Partial<Utterance> {
    const language = this.conversation ? detected : this.from ? undefined : detected;
    return language ? { sourceLanguage: language, targetLanguage: this.targetFor(language) } : {};
  }

  private engineReady(): boolean {
    const status = this.translator.engine?.store.state.status;
    return status === 'ready' || status === 'generating';
  }

  private patch(id: number, patch: Partial<Utterance>): void {
    this.utterances = this.utterances.map((u) => (u.id === id ? { ...u, ...patch } : u));
    this.changed();
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


  private onSourceError(error: SourceError): void {
    this.notice = `${error.message} ${error.hint}`;
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
