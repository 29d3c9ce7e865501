/**
 * Live translation, end to end: speech or text from a source → recognised text → translation by
 * the LLM → captions. Every utterance keeps its own latency figures.
 *
 * Utterances end in order: each one's final translation waits for the one before (the engine
 * answers one request at a time, and the earlier pair is the later one's context), and nothing of
 * a later utterance ever stops an earlier one's final translation (see `TranslationLane`).
 *
 * At the end of speech the translation need not wait for the final recognition: when the partials
 * heard all of the speech, the words agreed so far plus the last partial's tail are translated at
 * once, while the recogniser makes its final pass; when that pass agrees, the translation stands,
 * otherwise it is redone from the final text. (When the partials missed the last words, that
 * translation would have to be redone anyway and would only hold up the final pass: the final text
 * is translated instead.) Every figure is measured from the real end of speech (the last voiced
 * frame), not from the moment voice detection decided that speech had ended.
 */
import type { ChatEngine } from '../engine/chat-engine.js';
import { endsWithSentencePunctuation, LocalAgreement, TranslationCommitter, normalizedErasure } from './commit-policy.js';
import { guessLanguage } from './language-guess.js';
import { finishedSentences, textAfter } from './sentences.js';
import { ShownTranslation } from './shown-translation.js';
import { joinsWithoutSpaces } from './transcript-filters.js';
import { Translator, type TranslationPair, type TranslationRequest, type TranslationResult } from './translator.js';
import { SPEECH_SAMPLE_RATE, type SourceError, type SpeechSegment, type SpeechSource, type TextUtterance } from './types.js';

/** How a transcription is steered; the same shape WhisperRecognizer.transcribe takes. */
export interface RecognitionOptions {
  /** Transcribe in this language (ISO 639-1); none to let the recogniser detect it. */
  language?: string;
  /** Detect the language, but only among these (conversation mode). */
  languages?: readonly string[];
  /** Gives up on the transcription (a partial pass that the final pass replaces). */
  signal?: AbortSignal;
  /** Text agreed on at the start of the audio: only the rest needs decoding. */
  known?: string;
  /** Text said just before the audio (a long utterance's text before its cut). */
  prompt?: string;
}

/** What the pipeline needs from speech recognition (Whisper in a worker, or a script in tests). */
export interface Recognizer {
  transcribe(audio: Float32Array, options?: string | RecognitionOptions): Promise<{ text: string; language?: string }>;
}

/** Per audio utterance: what recognition and translation have settled on so far. */
interface Listening {
  utteranceId: number;
  agreement: LocalAgreement;
  /** Replaced when the utterance turns out to go the other way (conversation mode). */
  committer: TranslationCommitter;
  /** What the translation caption shows (a new stream only once it has caught up), and its erasure. */
  shown: ShownTranslation;
  /**
   * The partial recognition in flight (later partials are skipped meanwhile). At the end of speech
   * it is stopped, unless its audio already held all of the speech.
   */
  recognising?: PartialRecognition;
  /** The current pause's recognition, until speech resumes. */
  paused?: PauseRecognition;
  /** The partial translation in flight; stopped when the end-of-speech translation starts. */
  translating?: AbortController;
  translatedSource: string;
  /**
   * The utterance's first sentences whose translation is settled: later translations are of the
   * rest only, with these as their context, so the end of speech waits for its last sentence alone
   * (and the caption keeps these as they are).
   */
  settled: TranslationPair;
  /** The sentences being settled, while their translation runs. */
  settling?: string;
  /**
   * Where a long utterance was cut (20 s in or more, at a pause after a finished sentence): the
   * audio before it and its text, which later passes take as their prompt instead of hearing it again.
   */
  cut?: { samples: number; text: string };
  /** How much audio the latest recognised partial covered (samples). */
  heardSamples: number;
}

interface PartialRecognition {
  /** How much audio it covers (samples). */
  samples: number;
  stop: AbortController;
  /** Its text; '' when it failed or was stopped. */
  text: Promise<string>;
}

/**
 * The recognition of a pause (see `SourceListener.pause`): of exactly the audio the segment will
 * hold if the speech ends there, so when it does, this is the final recognition, and its
 * translation may already be on screen.
 */
interface PauseRecognition {
  audio: Float32Array;
  /** Aborted when the segment turns out to differ: stops the pass and its translation. */
  stop: AbortController;
  /** Aborted when speech resumes (or by `stop`): stops the translation; the pass finishes as a partial one. */
  translationStop: AbortController;
  /** Its text, with when it arrived; undefined when it failed or was stopped. */
  result: Promise<(Recognition & { at: number }) | undefined>;
  /** The end-of-speech translation started from it before voice detection decided the speech had ended. */
  translation?: EndTranslation;
}

interface Recognition {
  text: string;
  language?: string;
}

/** The final recognition of an utterance, once it has a text to translate. */
interface FinalRecognition {
  /** The final source text. */
  source: string;
  /** performance.now() when it arrived. */
  at: number;
}

/** One translation of an utterance's end of speech: of the partials' text, or of the final text. */
interface EndTranslation {
  source: string;
  from?: string;
  to: string;
  /** The committer it was numbered by: a direction turned meanwhile brings a new one. */
  committer: TranslationCommitter;
  seq: number;
  stop: AbortController;
  result: Promise<TranslationResult>;
  /** When its first token arrived. */
  firstTokenAt?: number;
  /** The settled sentences' translation, which the caption shows before this one's. */
  after: string;
}

export type UtteranceStatus = 'listening' | 'translating' | 'done' | 'error';

export interface Caption {
  /** Stable text. */
  committed: string;
  /** Text that may still change (shown dimmed). */
  tail: string;
}

export interface UtteranceFigures {
  /** Real end of speech (the last voiced frame) → final recognition (audio sources only). */
  speechEndToFinalMs?: number;
  /**
   * Real end of speech → the first token on screen of the utterance's end-of-speech translation
   * (audio sources only): what a person waits for once they stop speaking.
   */
  speechEndToFirstTokenMs?: number;
  /**
   * Final recognition (or submitted text) → that first translated token; 0 when it was on screen
   * before the final recognition arrived.
   */
  finalToFirstTokenMs?: number;
  /** Final recognition (or submitted text) → complete translation. */
  finalToCompleteMs?: number;
  /** Real end of speech → complete translation (audio sources only). */
  speechEndToCompleteMs?: number;
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

/**
 * Whether two recognitions of an utterance translate alike: the same words, and a question either
 * both times or neither; case, spacing and other punctuation aside (Whisper's partials often lack
 * the full stop its final pass adds).
 */
export function sameForTranslation(a: string, b: string): boolean {
  const key = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}?¿？]+/gu, ' ').trim();
  return key(a) === key(b);
}

/**
 * A partial whose audio reaches this close to the end of the finished segment heard all of the
 * speech: the segment keeps a little silence after the last voiced frame (128 ms).
 */
const HEARD_IT_ALL_TOLERANCE_MS = 160;

/** A long utterance is cut at its next pause after a finished sentence once it has run this long. */
const CUT_AFTER_SAMPLES = 20 * SPEECH_SAMPLE_RATE;

const NOTHING_SETTLED: TranslationPair = Object.freeze({ source: '', translation: '' });

/** Whether two stretches of audio are the same samples. */
function sameAudio(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const NO_MODEL_AUDIO = 'No model is loaded yet. Load one first; the recognised text is kept here.';

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
  /**
   * After the device stops reading aloud, how long what the microphone hears is still taken for
   * its own voice (the room's echo, and voice detection's lag behind the sound).
   */
  echoMarginMs = 500;
  private readonly translator: Translator;
  private source?: SpeechSource;
  private nextId = 1;
  /** Utterances' final translations, one after another in order. */
  private queue: Promise<void> = Promise.resolve();
  /** Utterances whose speech has ended and whose final translation is not finished. */
  private endsPending = 0;
  private listening?: Listening;
  /** Read-aloud in progress (holds not yet released), and when its echo is over. */
  private readingAloud = 0;
  private echoUntil = 0;
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
      pause: (audio, _segmentId, resumed) => void this.onPause(audio, resumed),
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

  /** Whether someone is speaking now (an utterance is being heard): read-aloud waits for them. */
  get hearingSpeech(): boolean {
    return this.listening !== undefined;
  }

  /**
   * The device is about to speak (read-aloud). Speech synthesis bypasses the browser's echo
   * cancellation, so the microphone hears it: until the returned release is called, and
   * `echoMarginMs` after, speech that begins is the device's own voice and is not translated
   * (it would bounce back and forth between the two languages).
   */
  holdListening(): () => void {
    this.readingAloud++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.readingAloud--;
      this.echoUntil = Math.max(this.echoUntil, performance.now() + this.echoMarginMs);
    };
  }

  private hearsOwnVoice(): boolean {
    return this.readingAloud > 0 || performance.now() < this.echoUntil;
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
    // The browser's own recogniser hears read-aloud through the microphone too.
    if (this.source?.kind === 'web-speech' && this.hearsOwnVoice()) {
      if (this.partialText !== undefined) {
        this.utterances = this.utterances.filter((u) => u.id !== this.partialText);
        this.partialText = undefined;
        this.changed();
      }
      return;
    }
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
    this.queue = this.queue.then(() => this.translate(utterance, input.detectedAt));
  }

  private async translate(utterance: Utterance, finalAt: number): Promise<void> {
    if (!this.engineReady()) {
      this.patch(utterance.id, { status: 'error', error: 'No model is loaded yet. Load one first; your text is kept here.' });
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
      { lane: { utterance: utterance.id, final: true } },
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
    // What starts while the device reads aloud is its own voice coming back through the microphone.
    if (!this.recognizer || this.hearsOwnVoice()) return;
    const language = this.conversation ? this.conversation.a : this.from;
    const utterance: Utterance = {
      id: this.nextId++,
      source: { committed: '', tail: '' },
      sourceLanguage: language,
      translation: { committed: '', tail: '' },
      targetLanguage: this.targetFor(language),
      status: 'listening',
      figures: {},
    };
    this.utterances = [...this.utterances, utterance];
    this.listening = {
      utteranceId: utterance.id,
      agreement: new LocalAgreement(),
      committer: new TranslationCommitter(),
      shown: new ShownTranslation(),
      translatedSource: '',
      settled: NOTHING_SETTLED,
      heardSamples: 0,
    };
    this.changed();
  }

  /**
   * How to ask the recogniser. In a conversation the language is never forced, whatever From says:
   * the other person speaks the other language, and forcing one would transcribe them in the wrong
   * language (and show them the wrong way). It detects instead, between the two languages.
   */
  private recognitionOptions(signal?: AbortSignal, listening?: Listening): RecognitionOptions {
    const stop = signal ? { signal } : {};
    if (this.conversation) return { languages: [this.conversation.a, this.conversation.b], ...stop };
    // Once words of the utterance are agreed on, they start the transcript and only the rest is
    // decoded; that needs the language: From, or else the one the utterance was heard in so far.
    const known = listening?.agreement.committed.trim();
    const language = this.from ?? (known && listening ? this.find(listening.utteranceId)?.sourceLanguage : undefined);
    if (!language) return stop;
    return { language, ...(known ? { known } : {}), ...stop };
  }

  private async onPartialAudio(audio: Float32Array): Promise<void> {
    const listening = this.listening;
    const recognizer = this.recognizer;
    // During a pause its own pass has heard all there is (partials go on if speech resumes).
    if (!listening || !recognizer || listening.recognising || listening.paused) return;
    const stop = new AbortController();
    const transcribing = this.recognise(recognizer, listening, audio, stop.signal);
    const partial: PartialRecognition = { samples: audio.length, stop, text: transcribing.then(({ text }) => text, () => '') };
    listening.recognising = partial;
    try {
      const recognised = await transcribing;
      if (this.listening !== listening || listening.agreement.finished || stop.signal.aborted) return;
      this.heardPartial(listening, recognised, audio.length);
    } catch {
      // A failed or stopped partial is not worth a message: the final recognition follows at end of speech.
    } finally {
      if (listening.recognising === partial) listening.recognising = undefined;
    }
  }

  /** A partial hypothesis of the utterance so far: agreed words shown, and translated again when they grew. */
  private heardPartial(listening: Listening, { text, language }: Recognition, samples: number): void {
    this.steer(listening, text, language, false);
    listening.heardSamples = samples;
    const source = listening.agreement.update(text);
    this.patch(listening.utteranceId, { source });
    // Translate again only when the stable part of the source grew.
    if (source.committed.trim() && source.committed !== listening.translatedSource) {
      listening.translatedSource = source.committed;
      void this.settleFinishedSentences(listening);
      void this.translatePartial(listening, source.committed);
    }
  }

  /**
   * Recognise the utterance's audio so far. Past its cut, only the audio since is heard, with the
   * text before it as Whisper's prompt: every pass stays within one short window, however long the
   * utterance (transformers.js would otherwise re-encode it in several).
   */
  private async recognise(recognizer: Recognizer, listening: Listening, audio: Float32Array, signal?: AbortSignal): Promise<Recognition> {
    const { known, ...options } = this.recognitionOptions(signal, listening);
    const cut = listening.cut;
    if (!cut || audio.length <= cut.samples) return recognizer.transcribe(audio.slice(), { ...options, ...(known ? { known } : {}) });
    const knownSince = known ? textAfter(cut.text, known) : undefined;
    const since = await recognizer.transcribe(audio.slice(cut.samples), { ...options, prompt: cut.text, ...(knownSince ? { known: knownSince } : {}) });
    return { ...since, text: this.following(cut.text, since.text, since.language ?? options.language) };
  }

  /**
   * Cut a long utterance where the speaker paused after a finished sentence (once it has run 20 s
   * since the start or the last cut): the audio before is not heard again.
   */
  private cutIfDue(listening: Listening, samples: number, text: string): void {
    if (samples - (listening.cut?.samples ?? 0) < CUT_AFTER_SAMPLES || !endsWithSentencePunctuation(text)) return;
    listening.cut = { samples, text };
  }

  /**
   * The speaker paused. The audio so far is what the segment will hold if voice detection ends the
   * speech here (some 250 ms later): recognised now, it is the final recognition if it does, and its
   * translation starts at once. If speech resumes, both are stopped and it was only a partial.
   */
  private async onPause(audio: Float32Array, resumed: AbortSignal): Promise<void> {
    const listening = this.listening;
    const recognizer = this.recognizer;
    if (!listening || !recognizer || resumed.aborted) return;
    // This pass hears more than the partial one running: that one stops.
    listening.recognising?.stop.abort();
    listening.paused?.stop.abort();
    const stop = new AbortController();
    const translationStop = new AbortController();
    stop.signal.addEventListener('abort', () => translationStop.abort(), { once: true });
    const result = this.recognise(recognizer, listening, audio, stop.signal).then(
      ({ text, language }) => ({ text, ...(language ? { language } : {}), at: performance.now() }),
      () => undefined,
    );
    const pause: PauseRecognition = { audio, stop, translationStop, result };
    const partial: PartialRecognition = { samples: audio.length, stop, text: result.then((r) => r?.text ?? '') };
    listening.paused = pause;
    listening.recognising = partial;
    // Speech resumed: the translation stops; the recognition finishes as a partial one (and is where a
    // long utterance may be cut).
    resumed.addEventListener(
      'abort',
      () => {
        translationStop.abort();
        if (listening.paused === pause) listening.paused = undefined;
      },
      { once: true },
    );
    const recognised = await result;
    if (listening.recognising === partial) listening.recognising = undefined;
    // Speech already ended: the pause's recognition is the final one, and the end of speech takes it from here.
    if (!recognised || stop.signal.aborted || this.listening !== listening) return;
    if (resumed.aborted) {
      this.heardPartial(listening, recognised, audio.length);
      this.cutIfDue(listening, audio.length, recognised.text);
      return;
    }
    this.steer(listening, recognised.text, recognised.language, false);
    listening.heardSamples = audio.length;
    this.patch(listening.utteranceId, { source: listening.agreement.update(recognised.text) });
    // The translation starts now unless an earlier utterance's is still to come: those go first.
    if (!recognised.text.trim() || this.endsPending > 0 || !this.engineReady()) return;
    listening.translating?.abort();
    pause.translation = this.startEndTranslation(listening, recognised.text, translationStop.signal);
  }

  /**
   * The language an utterance is in, from what the recogniser detected. In a conversation it is one
   * of the two people's languages (a stop-word guess only where the recogniser reported none that
   * fits); one way, From when set, else what was detected.
   */
  private spokenLanguage(text: string, detected: string | undefined, final: boolean): string | undefined {
    if (this.conversation) {
      const pair = [this.conversation.a, this.conversation.b];
      if (detected && pair.includes(detected)) return detected;
      return guessLanguage(text, pair);
    }
    if (this.from) return undefined;
    return detected ?? (final ? guessLanguage(text) : undefined);
  }

  /** Take the utterance's direction from the language it is spoken in; a turned direction starts its translation over. */
  private steer(listening: Listening, text: string, detected: string | undefined, final: boolean): void {
    const language = this.spokenLanguage(text, detected, final);
    const utterance = this.find(listening.utteranceId);
    if (!language || !utterance) return;
    const targetLanguage = this.targetFor(language);
    if (utterance.sourceLanguage === language && utterance.targetLanguage === targetLanguage) return;
    if (utterance.targetLanguage !== targetLanguage) {
      // The other person is speaking: what was translated so far went the wrong way.
      listening.translating?.abort();
      listening.committer = new TranslationCommitter();
      listening.translatedSource = '';
      listening.settled = NOTHING_SETTLED;
      listening.settling = undefined;
      this.patch(listening.utteranceId, { sourceLanguage: language, targetLanguage, translation: listening.shown.show({ committed: '', tail: '' }) });
      return;
    }
    this.patch(listening.utteranceId, { sourceLanguage: language });
  }

  /** Re-translate the committed source while the person speaks; the committer decides what of it is stable. */
  private async translatePartial(listening: Listening, source: string): Promise<void> {
    const utterance = this.find(listening.utteranceId);
    if (!utterance) return;
    if (!this.engineReady()) {
      this.patch(listening.utteranceId, { status: 'error', error: NO_MODEL_AUDIO });
      return;
    }
    listening.translating?.abort();
    const stop = (listening.translating = new AbortController());
    const committer = listening.committer;
    const seq = committer.request(source);
    const { request, after } = this.requestFor(listening, utterance, source);
    const result = await this.translator.translate(
      request,
      ({ text }) => this.showStream(listening, committer, this.following(after, text, request.to), false),
      { lane: { utterance: listening.utteranceId, final: false }, signal: stop.signal },
    );
    if (listening.translating === stop) listening.translating = undefined;
    if (result.stale || committer !== listening.committer) return;
    if (result.error) {
      this.patch(listening.utteranceId, { status: 'error', error: `${result.error.message} ${result.error.hint}` });
      return;
    }
    if (committer.apply(seq, this.following(after, result.text, request.to))) {
      this.patch(listening.utteranceId, { translation: listening.shown.offerPartial(committer.snapshot) });
    }
  }

  /**
   * Settle the sentences the speaker has finished (the agreed text has gone on past them): translated
   * once, they stay, and every later translation of the utterance is of what follows them. Runs in
   * the utterance's final lane, so partial re-translations never stop it; the end-of-speech
   * translation does (it covers these sentences if they are not settled by then).
   */
  private async settleFinishedSentences(listening: Listening): Promise<void> {
    const utterance = this.find(listening.utteranceId);
    // A pause's translation covers these sentences already (and a settling request would stop it).
    if (listening.settling !== undefined || listening.paused || !utterance || !this.engineReady()) return;
    const before = listening.settled;
    const rest = textAfter(before.source, listening.agreement.committed);
    const sentences = rest && finishedSentences(rest);
    if (!sentences) return;
    listening.settling = sentences;
    const committer = listening.committer;
    const source = this.following(before.source, sentences, utterance.sourceLanguage);
    const seq = committer.request(source);
    const { request } = this.requestFor(listening, utterance, source);
    const result = await this.translator.translate(request, () => undefined, { lane: { utterance: listening.utteranceId, final: true } });
    if (listening.settling === sentences) listening.settling = undefined;
    if (result.stale || result.error || !result.text || committer !== listening.committer || listening.settled !== before) return;
    listening.settled = { source, translation: this.following(before.translation, result.text, request.to) };
    if (committer.apply(seq, listening.settled.translation)) {
      this.patch(listening.utteranceId, { translation: listening.shown.offerPartial(committer.snapshot) });
    }
    // More may have finished meanwhile.
    if (this.listening === listening) void this.settleFinishedSentences(listening);
  }

  /**
   * What to ask to translate `source` (the utterance so far): what follows the settled sentences,
   * with those as the nearest context; `after` is their translation, which the caption keeps first.
   */
  private requestFor(listening: Listening, utterance: Utterance, source: string): { request: TranslationRequest; after: string } {
    const base = { from: utterance.sourceLanguage, to: utterance.targetLanguage, context: this.context(utterance) };
    const { settled } = listening;
    const rest = settled.source ? textAfter(settled.source, source) : undefined;
    // Nothing settled, or a source that no longer starts with the settled sentences (a final recognition that heard them otherwise).
    if (!rest) return { request: { source, ...base }, after: '' };
    return { request: { source: rest, ...base, context: [...base.context, settled] }, after: settled.translation };
  }

  /** `text` after `before`, as the language writes them (with a space, or none in Chinese, Japanese or Thai). */
  private following(before: string, text: string, language: string | undefined): string {
    if (!before) return text;
    if (!text) return before;
    return `${before}${joinsWithoutSpaces(language) ? '' : ' '}${text}`;
  }

  /**
   * A translation streaming in: the committed part stays, the stream's new part is the tail, and the
   * screen changes only once the stream has caught up with what it shows (ShownTranslation).
   */
  private showStream(listening: Listening, committer: TranslationCommitter, text: string, endOfSpeech: boolean): void {
    if (committer !== listening.committer || committer.finished) return;
    const committed = committer.committed;
    // Not yet past the committed text: nothing new to show, the screen stays as it is.
    if (!text.startsWith(committed)) return;
    const caption = { committed, tail: text.slice(committed.length) };
    const translation = endOfSpeech ? listening.shown.offerEndOfSpeech(caption) : listening.shown.offerPartial(caption);
    this.patch(listening.utteranceId, { translation });
  }

  private async onSpeechEnd(segment: SpeechSegment): Promise<void> {
    const listening = this.listening;
    const recognizer = this.recognizer;
    if (!listening || !recognizer) return;
    this.listening = undefined;
    // Figures start when the person stopped speaking, not when voice detection noticed.
    const spokenUntil = segment.lastVoicedAt ?? segment.detectedAt;
    // What the partials heard is worth translating at once only if they heard it all: a translation
    // missing the last words would have to be redone, and meanwhile it holds up the final
    // recognition (on one GPU, Whisper and the LLM take turns).
    const heardItAll = (samples: number) => samples >= segment.audio.length - (HEARD_IT_ALL_TOLERANCE_MS * SPEECH_SAMPLE_RATE) / 1000;
    const pause = listening.paused;
    // The pause's recognition is the final one when its audio is the segment's.
    const pauseIsTheEnd = pause !== undefined && !pause.stop.signal.aborted && sameAudio(pause.audio, segment.audio);
    if (!pauseIsTheEnd && pause) {
      pause.stop.abort();
      listening.paused = undefined;
    }
    const running = listening.recognising;
    let heard: Promise<string>;
    if (running && heardItAll(running.samples)) {
      // A partial taken in the silence that ended the speech: its text comes before the final pass's.
      heard = running.text;
    } else {
      // The final pass replaces the partial ones: stop what is still running of them.
      running?.stop.abort();
      const { committed, tail } = listening.agreement.snapshot;
      heard = Promise.resolve(heardItAll(listening.heardSamples) ? committed + tail : '');
    }
    listening.translating?.abort();
    this.patch(listening.utteranceId, { status: 'translating' });
    const recognised = this.recogniseFinal(recognizer, listening, segment, spokenUntil, pauseIsTheEnd ? pause.result : undefined);
    this.endsPending++;
    this.queue = this.queue
      .then(() => this.translateEndOfSpeech(listening, heard, spokenUntil, recognised))
      // A fault here must not hold up every later utterance behind it.
      .catch((error: unknown) => this.patch(listening.utteranceId, { status: 'error', error: String(error) }))
      .finally(() => this.endsPending--);
    await this.queue;
  }

  /**
   * The final recognition: shown as soon as it arrives; undefined when there is nothing to translate.
   * The pause's recognition of the same audio stands in for it, unless that failed.
   */
  private async recogniseFinal(
    recognizer: Recognizer,
    listening: Listening,
    segment: SpeechSegment,
    spokenUntil: number,
    ofThePause?: Promise<(Recognition & { at: number }) | undefined>,
  ): Promise<FinalRecognition | undefined> {
    let recognised = await ofThePause;
    if (!recognised) {
      try {
        recognised = { ...(await this.recognise(recognizer, listening, segment.audio)), at: 0 };
        recognised.at = performance.now();
      } catch (error) {
        const message = (error as { message?: string }).message ?? String(error);
        const hint = (error as { hint?: string }).hint ?? '';
        this.patch(listening.utteranceId, { status: 'error', error: `${message} ${hint}`.trim() });
        return undefined;
      }
    }
    const { text, language, at } = recognised;
    this.steer(listening, text, language, true);
    const source = listening.agreement.finalize(text);
    const figures = this.find(listening.utteranceId)?.figures;
    this.patch(listening.utteranceId, { source, figures: { ...figures, speechEndToFinalMs: at - spokenUntil } });
    if (!text.trim()) {
      this.utterances = this.utterances.filter((u) => u.id !== listening.utteranceId);
      this.changed();
      return undefined;
    }
    return { source: source.committed + source.tail, at };
  }

  /**
   * The utterance's final translation, in its turn. What was heard is translated at once, while the
   * final recognition runs; once that arrives, the translation stands if it was of the same words,
   * and is redone from the final text if not.
   */
  private async translateEndOfSpeech(
    listening: Listening,
    heardSoFar: Promise<string>,
    spokenUntil: number,
    recognised: Promise<FinalRecognition | undefined>,
  ): Promise<void> {
    const id = listening.utteranceId;
    // Started at the pause, before voice detection decided; else already recognised (this utterance
    // waited for the one before): the final text is all there is to translate.
    let known = false;
    void recognised.then(() => (known = true));
    const heard = await Promise.race([heardSoFar, recognised.then(() => '')]);
    const fromThePause = listening.paused?.translation;
    let attempt =
      fromThePause && !fromThePause.stop.signal.aborted
        ? fromThePause
        : !known && heard.trim() && this.engineReady()
          ? this.startEndTranslation(listening, heard)
          : undefined;
    const final = await recognised;
    const utterance = this.find(id);
    const stillRight =
      attempt &&
      final &&
      utterance &&
      sameForTranslation(attempt.source, final.source) &&
      attempt.from === utterance.sourceLanguage &&
      attempt.to === utterance.targetLanguage;
    if (!stillRight) {
      attempt?.stop.abort();
      attempt = undefined;
      if (!final || !utterance) return;
      if (!this.engineReady()) {
        this.patch(id, { status: 'error', error: NO_MODEL_AUDIO });
        return;
      }
      attempt = this.startEndTranslation(listening, final.source);
    }
    if (!attempt || !final) return;
    const result = await attempt.result;
    if (result.stale) return;
    if (result.error) {
      this.patch(id, { status: 'error', error: `${result.error.message} ${result.error.hint}` });
      return;
    }
    const { committer } = attempt;
    if (!committer.apply(attempt.seq, this.following(attempt.after, result.text, attempt.to))) return;
    const doneAt = performance.now();
    const { firstTokenAt } = attempt;
    const figures = this.find(id)?.figures ?? {};
    this.patch(id, {
      status: 'done',
      translation: listening.shown.show(committer.snapshot),
      figures: {
        ...figures,
        ...(firstTokenAt !== undefined
          ? { speechEndToFirstTokenMs: firstTokenAt - spokenUntil, finalToFirstTokenMs: Math.max(0, firstTokenAt - final.at) }
          : {}),
        finalToCompleteMs: doneAt - final.at,
        speechEndToCompleteMs: doneAt - spokenUntil,
        translationErasure: listening.shown.erasure,
      },
    });
  }

  /** Translate an utterance's end of speech, shown as it streams; `cancel` stops it as well as a newer attempt. */
  private startEndTranslation(listening: Listening, source: string, cancel?: AbortSignal): EndTranslation | undefined {
    const utterance = this.find(listening.utteranceId);
    if (!utterance) return undefined;
    const committer = listening.committer;
    const stop = new AbortController();
    cancel?.addEventListener('abort', () => stop.abort(), { once: true });
    const { request, after } = this.requestFor(listening, utterance, source);
    const attempt: EndTranslation = {
      source,
      ...(request.from ? { from: request.from } : {}),
      to: request.to,
      committer,
      seq: committer.request(source, { endOfSpeech: true }),
      stop,
      after,
      result: this.translator.translate(
        request,
        (progress) => {
          if (stop.signal.aborted) return;
          attempt.firstTokenAt ??= progress.firstTokenAt;
          this.showStream(listening, committer, this.following(after, progress.text, request.to), true);
        },
        { lane: { utterance: listening.utteranceId, final: true }, signal: stop.signal },
      ),
    };
    return attempt;
  }

  private engineReady(): boolean {
    const status = this.translator.engine?.store.state.status;
    return status === 'ready' || status === 'generating';
  }

  private find(id: number): Utterance | undefined {
    return this.utterances.find((u) => u.id === id);
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
    return this.find(utterance.id) ?? utterance;
  }

  private onSourceError(error: SourceError): void {
    this.notice = `${error.message} ${error.hint}`;
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
