import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { ChatEngine } from '../../engine/chat-engine.js';
import { pageEngine } from '../../engine/page-engine.js';
import { LANGUAGES, isRightToLeft, languageByCode } from '../../translate/languages.js';
import { TranslationPipeline, type Utterance } from '../../translate/pipeline.js';
import { TextSource } from '../../translate/text-source.js';
import type { WhisperModel } from '../../translate/asr-protocol.js';
import type { SpeechSource } from '../../translate/types.js';
import { downloadText } from '../shared/download.js';
import { isSendKey } from '../shared/keys.js';
import { tokens } from '../shared/tokens.styles.js';
import { translateStyles } from './translate.styles.js';

/** How many captions the HUD keeps on screen, like glasses do. */
const HUD_LINES = 3;

const ms = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value)} ms`);

/**
 * @summary Live translation: text in one language, captions in another, in a normal view or a
 * glasses-style HUD.
 * @csspart hud - The black caption area.
 * @csspart caption - Each translated caption line in the HUD.
 * @cssprop --aperto-caption-size - Size of HUD captions (default 2.5rem).
 * @cssprop --aperto-caption-color - Colour of HUD captions (white; green suits monochrome displays).
 */
export class ApertoTranslate extends LitElement {
  static override styles = [tokens, translateStyles];
  static override properties = {
    engine: { attribute: false },
    from: { reflect: true },
    to: { reflect: true },
    hud: { type: Boolean, reflect: true },
    frame: { type: Boolean, reflect: true },
    showFigures: { type: Boolean, attribute: 'show-figures' },
    input: { reflect: true },
    allowServerSpeech: { state: true },
    conversation: { type: Boolean, reflect: true },
    speak: { type: Boolean, reflect: true },
    recognizerModel: { attribute: 'recognizer-model' },
    draft: { state: true },
    listening: { state: true },
    recognizerStatus: { state: true },
  };

  declare engine: ChatEngine;
  /** Source language code, or "auto". */
  declare from: string;
  declare to: string;
  declare hud: boolean;
  /** Show the HUD in a 480×640 portrait frame. */
  declare frame: boolean;
  declare showFigures: boolean;
  /** Where speech comes from: typed text, the microphone, or an audio file. */
  declare input: 'text' | 'microphone' | 'file' | 'web-speech';
  /** Web Speech only: allow the browser to send audio to its servers when it cannot recognise locally. */
  declare allowServerSpeech: boolean;
  declare recognizerModel: WhisperModel;
  /** Two people, two languages (From and To): each utterance goes into the other's language. */
  declare conversation: boolean;
  /** Read finished translations aloud, with an on-device voice only. */
  declare speak: boolean;
  declare draft: string;
  declare listening: boolean;
  /** Speech recognition model loading, for the person: "" when ready or unused. */
  declare recognizerStatus: string;

  readonly pipeline: TranslationPipeline;
  private readonly text = new TextSource();

  constructor() {
    super();
    this.engine = pageEngine().engine;
    this.from = 'auto';
    this.to = 'en';
    this.hud = false;
    this.frame = false;
    this.showFigures = true;
    this.input = 'text';
    this.allowServerSpeech = false;
    this.conversation = false;
    this.speak = false;
    this.recognizerModel = 'whisper-base';
    this.draft = '';
    this.listening = false;
    this.recognizerStatus = '';
    this.pipeline = new TranslationPipeline(this.engine);
    this.pipeline.addEventListener('change', () => {
      this.requestUpdate();
      if (this.speak) this.speakFinished();
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.engine.store.addEventListener('change', this.onEngineChange);
    void this.pipeline.start(this.text);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.engine.store.removeEventListener('change', this.onEngineChange);
    void this.pipeline.stop();
  }

  private readonly onEngineChange = () => this.requestUpdate();

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('engine')) {
      const previous = changed.get('engine');
      previous?.store.removeEventListener('change', this.onEngineChange);
      this.engine.store.addEventListener('change', this.onEngineChange);
      this.pipeline.engine = this.engine;
    }
    this.pipeline.from = this.from === 'auto' ? undefined : this.from;
    this.pipeline.to = languageByCode(this.to)?.code ?? 'en';
    this.pipeline.conversation = this.conversation ? { a: this.pipeline.from ?? 'en', b: this.pipeline.to } : undefined;
  }

  private readonly spoken = new Set<number>();

  /**
   * Speak each finished translation once. Only voices that run on this device are used: many
   * browsers' best voices are network services, and sending the text away would break the promise
   * that nothing leaves the device.
   */
  private speakFinished(): void {
    if (typeof speechSynthesis === 'undefined') return;
    for (const u of this.pipeline.utterances) {
      if (u.status !== 'done' || this.spoken.has(u.id)) continue;
      this.spoken.add(u.id);
      const voice = speechSynthesis.getVoices().find((v) => v.localService && v.lang.toLowerCase().startsWith(u.targetLanguage));
      if (!voice) {
        this.pipeline.notice = `No on-device voice for ${languageByCode(u.targetLanguage)?.name ?? u.targetLanguage}; translations are not read aloud.`;
        continue;
      }
      const speech = new SpeechSynthesisUtterance(u.translation.committed + u.translation.tail);
      speech.voice = voice;
      speech.lang = voice.lang;
      speechSynthesis.speak(speech);
    }
  }

  private recognizerReady?: Promise<boolean>;

  /**
   * Whisper and the audio modules are loaded only when someone uses speech (tens of MB the typed
   * path never needs).
   */
  private ensureRecognizer(): Promise<boolean> {
    this.recognizerReady ??= (async () => {
      const { WhisperRecognizer } = await import('../../translate/recognizer.js');
      const recognizer = new WhisperRecognizer();
      this.recognizerStatus = 'Downloading the speech recognition model…';
      try {
        await recognizer.load(this.recognizerModel, {
          onProgress: (loaded, total) => {
            if (total) this.recognizerStatus = `Downloading the speech recognition model… ${Math.floor((loaded / total) * 100)} %`;
          },
        });
        this.pipeline.recognizer = recognizer;
        this.recognizerStatus = '';
        return true;
      } catch (error) {
        const e = error as { message?: string; hint?: string };
        this.recognizerStatus = `${e.message ?? String(error)} ${e.hint ?? ''}`.trim();
        this.recognizerReady = undefined;
        recognizer.dispose();
        return false;
      }
    })();
    return this.recognizerReady;
  }

  private async listen(): Promise<void> {
    if (this.listening) {
      await this.pipeline.start(this.text);
      this.listening = false;
      return;
    }
    if (this.input === 'web-speech') {
      const { WebSpeechSource } = await import('../../translate/web-speech-source.js');
      const language = this.from === 'auto' ? navigator.language : this.from;
      await this.pipeline.start(new WebSpeechSource(language, { allowServer: this.allowServerSpeech }));
      this.listening = true;
      return;
    }
    if (!(await this.ensureRecognizer())) return;
    const { MicrophoneSource } = await import('../../translate/audio/microphone-source.js');
    await this.pipeline.start(new MicrophoneSource());
    this.listening = true;
  }

  private async playFile(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file || !(await this.ensureRecognizer())) return;
    const { FileSource } = await import('../../translate/audio/file-source.js');
    const source: SpeechSource & { finished: Promise<void> } = new FileSource(file, { realTime: true });
    await this.pipeline.start(source);
    this.listening = true;
    await source.finished;
    this.listening = false;
    await this.pipeline.start(this.text);
  }

  /** Translate a line of text, as if typed (in conversation mode, by the speaker of `language`). */
  translateText(text: string, language?: string): void {
    this.text.submit(text, language);
  }

  private submit(event?: Event, language?: string) {
    event?.preventDefault();
    if (!this.draft.trim()) return;
    this.translateText(this.draft, language ?? (this.conversation ? this.pipeline.conversation?.a : undefined));
    this.draft = '';
  }

  private onKeydown(event: KeyboardEvent) {
    if (!isSendKey(event)) return;
    event.preventDefault();
    this.submit();
  }

  private exportFigures() {
    downloadText(JSON.stringify(this.pipeline.figures(), null, 2), 'application/json', 'aperto-translation-figures.json');
  }

  override render() {
    const status = this.engine.store.state.status;
    const ready = status === 'ready' || status === 'generating';
    return html`
      <div class="controls">
        <label>
          From
          <select aria-label="From" @change=${(e: Event) => (this.from = (e.target as HTMLSelectElement).value)}>
            <option value="auto" ?selected=${this.from === 'auto'}>Detect</option>
            ${LANGUAGES.map((l) => html`<option value=${l.code} ?selected=${l.code === this.from}>${l.native}</option>`)}
          </select>
        </label>
        <label>
          To
          <select aria-label="To" @change=${(e: Event) => (this.to = (e.target as HTMLSelectElement).value)}>
            ${LANGUAGES.map((l) => html`<option value=${l.code} ?selected=${l.code === this.to}>${l.native}</option>`)}
          </select>
        </label>
        <label class="inline">
          <input type="checkbox" role="switch" .checked=${this.hud} @change=${(e: Event) => (this.hud = (e.target as HTMLInputElement).checked)} />
          Glasses view (HUD)
        </label>
        <label class="inline">
          <input
            type="checkbox"
            .checked=${this.showFigures}
            @change=${(e: Event) => (this.showFigures = (e.target as HTMLInputElement).checked)}
          />
          Show figures
        </label>
        <label class="inline">
          <input
            type="checkbox"
            .checked=${this.conversation}
            @change=${(e: Event) => (this.conversation = (e.target as HTMLInputElement).checked)}
          />
          Conversation (both ways)
        </label>
        <label class="inline">
          <input type="checkbox" .checked=${this.speak} @change=${(e: Event) => (this.speak = (e.target as HTMLInputElement).checked)} />
          Read translations aloud
        </label>
        <label>
          Input
          <select aria-label="Input" @change=${(e: Event) => (this.input = (e.target as HTMLSelectElement).value as ApertoTranslate['input'])}>
            <option value="text" ?selected=${this.input === 'text'}>Typed text</option>
            <option value="microphone" ?selected=${this.input === 'microphone'}>Microphone</option>
            <option value="file" ?selected=${this.input === 'file'}>Audio file</option>
            <option value="web-speech" ?selected=${this.input === 'web-speech'}>Browser speech recognition</option>
          </select>
        </label>
        <button @click=${() => this.pipeline.clear()}>Clear</button>
      </div>
      ${this.recognizerStatus ? html`<p class="notice" role="status">${this.recognizerStatus}</p>` : nothing}
      ${ready ? nothing : html`<p class="notice" role="status">No model is loaded yet. Load one in Models to translate.</p>`}
      ${this.pipeline.notice ? html`<p class="notice" role="status">${this.pipeline.notice}</p>` : nothing}
      ${this.input === 'web-speech'
        ? html`<p class="muted">
            Used only where this browser recognises speech on the device.
            <label class="inline">
              <input
                type="checkbox"
                .checked=${this.allowServerSpeech}
                @change=${(e: Event) => (this.allowServerSpeech = (e.target as HTMLInputElement).checked)}
              />
              Otherwise allow it to send my audio to the browser maker’s servers
            </label>
          </p>`
        : nothing}
      ${this.input === 'microphone' || this.input === 'file'
        ? html`<p>
            <label class="inline">
              Speech recognition model
              <select
                aria-label="Speech recognition model"
                ?disabled=${this.pipeline.recognizer !== undefined}
                @change=${(e: Event) => (this.recognizerModel = (e.target as HTMLSelectElement).value as WhisperModel)}
              >
                <option value="whisper-base" ?selected=${this.recognizerModel === 'whisper-base'}>Whisper base (better, ≈ 200 MB)</option>
                <option value="whisper-tiny" ?selected=${this.recognizerModel === 'whisper-tiny'}>Whisper tiny (faster, ≈ 80 MB)</option>
              </select>
            </label>
          </p>`
        : nothing}
      ${this.input === 'microphone' || this.input === 'web-speech'
        ? html`<p>
            <button class="primary" aria-pressed=${this.listening ? 'true' : 'false'} @click=${this.listen}>
              ${this.listening ? 'Stop listening' : 'Start listening'}
            </button>
            <span class="muted">Speech is recognised on this device; no audio leaves it.</span>
          </p>`
        : nothing}
      ${this.input === 'file'
        ? html`<p>
            <label>
              Audio file (WAV, MP3, OGG)
              <input type="file" accept="audio/*" aria-label="Audio file" @change=${this.playFile} />
            </label>
          </p>`
        : nothing}
      <form class="input" @submit=${this.submit} ?hidden=${this.input !== 'text'}>
        <label>
          Text to translate
          <textarea
            rows="2"
            aria-label="Text to translate"
            .value=${this.draft}
            @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)}
            @keydown=${this.onKeydown}
          ></textarea>
        </label>
        ${this.conversation && this.pipeline.conversation
          ? html`<div class="directions">
              ${[this.pipeline.conversation.a, this.pipeline.conversation.b].map((code) => {
                const other = code === this.pipeline.conversation!.a ? this.pipeline.conversation!.b : this.pipeline.conversation!.a;
                return html`<button
                  type="button"
                  class="primary"
                  ?disabled=${!this.draft.trim()}
                  @click=${() => this.submit(undefined, code)}
                >
                  ${languageByCode(code)?.native} → ${languageByCode(other)?.native}
                </button>`;
              })}
            </div>`
          : html`<button class="primary" type="submit" ?disabled=${!this.draft.trim()}>Translate</button>`}
      </form>
      ${this.hud ? this.renderHud() : this.renderHistory()} ${this.showFigures ? this.renderFigures() : nothing}
    `;
  }

  private renderCaption(caption: Utterance['translation']) {
    return html`${caption.committed}<span class="tail">${caption.tail}</span>`;
  }

  private renderHistory() {
    const utterances = this.pipeline.utterances;
    if (!utterances.length) return html`<p class="muted">Translations appear here.</p>`;
    return html`<ol class="history" aria-label="Translations" aria-live="polite">
      ${utterances.map(
        (u) => html`<li data-id=${u.id}>
          <div class="source" lang=${u.sourceLanguage ?? nothing}>${this.renderCaption(u.source)}</div>
          <div class="translation" lang=${u.targetLanguage} dir=${isRightToLeft(u.targetLanguage) ? 'rtl' : 'auto'}>
            ${this.renderCaption(u.translation)}
          </div>
          ${u.error ? html`<div class="error" role="alert">${u.error}</div>` : nothing}
        </li>`,
      )}
    </ol>`;
  }

  private renderHud() {
    const recent = this.pipeline.utterances.slice(-HUD_LINES);
    return html`<div class="hud" part="hud" role="log" aria-live="polite" aria-label="Captions">
      ${recent.length === 0 ? html`<div class="empty">Captions appear here.</div>` : nothing}
      ${recent.map(
        (u) => html`<div data-id=${u.id}>
          <div class="line-source" lang=${u.sourceLanguage ?? nothing}>${this.renderCaption(u.source)}</div>
          <div class="line" part="caption" lang=${u.targetLanguage} dir=${isRightToLeft(u.targetLanguage) ? 'rtl' : 'auto'}>
            ${u.error ? html`<span class="error">${u.error}</span>` : this.renderCaption(u.translation)}
          </div>
        </div>`,
      )}
    </div>`;
  }

  private renderFigures() {
    const utterances = this.pipeline.utterances;
    if (!utterances.length) return nothing;
    return html`<div class="figures">
      <table aria-label="Latency per utterance">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Speech end → recognised</th>
            <th scope="col">→ first translated token</th>
            <th scope="col">→ complete translation</th>
            <th scope="col">Erasure</th>
          </tr>
        </thead>
        <tbody>
          ${utterances.map(
            (u) => html`<tr>
              <td>${u.id}</td>
              <td>${ms(u.figures.speechEndToFinalMs)}</td>
              <td data-figure="first-token">${ms(u.figures.finalToFirstTokenMs)}</td>
              <td data-figure="complete">${ms(u.figures.finalToCompleteMs)}</td>
              <td>${u.figures.translationErasure === undefined ? '—' : u.figures.translationErasure.toFixed(2)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <button @click=${this.exportFigures}>Export figures (JSON)</button>
    </div>`;
  }
}
