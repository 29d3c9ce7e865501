import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { ChatEngine } from '../../engine/chat-engine.js';
import { checkLanguage } from '../../app/parameters.js';
import { ApertoCaptionEvent } from '../../events/caption.js';
import { LANGUAGES, isRightToLeft, languageByCode } from '../../translate/languages.js';
import { TranslationPipeline, type Utterance } from '../../translate/pipeline.js';
import { TextSource } from '../../translate/text-source.js';
import type { WhisperModel } from '../../translate/asr-protocol.js';
import type { RecognizerLease } from '../../translate/page-recognizer.js';
import type { SpeechSource } from '../../translate/types.js';
import { downloadText } from '../shared/download.js';
import { isSendKey } from '../shared/keys.js';
import { PageEngineController } from '../shared/page-engine-controller.js';
import { tokens } from '../shared/tokens.styles.js';
import { translateStyles } from './translate.styles.js';
import { ApertoRemoteNotice } from '../remote-notice/remote-notice.js';
import { defineOnce } from '../shared/define-once.js';

/** How many captions the HUD keeps on screen, like glasses do. */
const HUD_LINES = 3;

const ms = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value)} ms`);

/**
 * @summary Live translation: text in one language, captions in another, in a normal view or a
 * glasses-style HUD.
 *
 * Usable on its own: `<aperto-translate model="…" autoload from="de" to="en" hud>`. All elements
 * of a page share one engine (one worker, one model).
 *
 * @fires aperto-ready - A model is loaded; `detail: {modelId, engine}`.
 * @fires aperto-progress - Model loading progress; `detail: {modelId, phase, progress, loadedBytes, totalBytes?}`.
 * @fires aperto-caption - A caption changed; `detail: {utteranceId, source, translation, from?, to, final}`.
 * @fires aperto-error - A load failed, or an attribute was unusable; `detail: {code, message, hint}`.
 * @slot model-offer - What to do while no model is loaded (the app offers one model here, one press away).
 * @csspart controls - The row of settings (languages, HUD, input).
 * @csspart progress - The model loading progress.
 * @csspart load-button - The button that loads the `model` attribute's model.
 * @csspart hud - The black caption area.
 * @csspart caption - Each translated caption line in the HUD.
 * @cssprop --aperto-caption-size - Size of HUD captions (default 2.5rem).
 * @cssprop --aperto-caption-color - Colour of HUD captions (white; green suits monochrome displays).
 */
export class ApertoTranslate extends LitElement {
  static override styles = [tokens, translateStyles];
  static override properties = {
    engine: { attribute: false },
    enginePreference: { attribute: 'engine' },
    server: {},
    model: {},
    autoload: { type: Boolean },
    noControls: { type: Boolean, attribute: 'no-controls', reflect: true },
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
    showOptions: { type: Boolean, attribute: 'show-options', reflect: true },
  };

  declare engine: ChatEngine | undefined;
  /** Which engine the page uses if this element is the first to ask: auto (default), webgpu, cpu, remote. */
  declare enginePreference: string | null;
  /**
   * With `engine="remote"`: the OpenAI-compatible server's address (`https://…/v1`), chosen by the
   * site owner; what people type is sent there. The page's Content-Security-Policy must allow it.
   */
  declare server: string | null;
  /** A catalog id or a model URL to load (on Load, or at once with `autoload`). */
  declare model: string | null;
  declare autoload: boolean;
  /** Hide the settings row (languages, input): for kiosks and fixed embeds. */
  declare noControls: boolean;
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
  /** Narrow screens: the settings past From and To are folded away behind "Options" unless opened. */
  declare showOptions: boolean;

  readonly pipeline: TranslationPipeline;
  private readonly text = new TextSource();

  private readonly pageEngine = new PageEngineController(this, {
    explicitEngine: () => this.engine,
    onEngine: (page) => (this.engine = page.engine),
  });
  /** The last caption text reported per utterance, so each change is reported once. */
  private readonly reportedCaptions = new Map<number, string>();

  constructor() {
    super();
    // The elements it renders (see define-once.ts).
    defineOnce({ 'aperto-remote-notice': ApertoRemoteNotice });
    this.engine = undefined;
    this.enginePreference = null;
    this.server = null;
    this.model = null;
    this.autoload = false;
    this.noControls = false;
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
    this.showOptions = false;
    this.pipeline = new TranslationPipeline(this.engine);
    this.pipeline.addEventListener('change', () => {
      this.requestUpdate();
      this.reportCaptions();
      if (this.speak) this.speakFinished();
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.pipeline.start(this.text);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.pipeline.stop();
    this.listening = false;
    // Let go of the page's recogniser: it is freed a little after its last user leaves, and a
    // translator shown again (the app renders a new one per visit) finds it still loaded.
    this.recognizerLease?.release();
    this.recognizerLease = undefined;
    this.recognizerReady = undefined;
    this.pipeline.recognizer = undefined;
    this.recognizerStatus = '';
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('engine')) this.pipeline.engine = this.engine;
    if (changed.has('model') && this.hasUpdated) this.pageEngine.modelChanged();
    if (changed.has('from') || changed.has('to')) this.applyLanguages();
    this.pipeline.conversation = this.conversation ? { a: this.pipeline.from ?? 'en', b: this.pipeline.to } : undefined;
  }

  /** `from`/`to` may come from a page's markup: an unknown code is named, and the default used. */
  private applyLanguages(): void {
    const from = checkLanguage('from', this.from, 'auto', 'attribute');
    const to = checkLanguage('to', this.to, 'en', 'attribute');
    this.pipeline.from = from.value === 'auto' ? undefined : from.value;
    this.pipeline.to = to.value;
    this.pageEngine.setProblems('languages', [from.problem, to.problem].filter((p): p is string => !!p));
  }

  /** Tell the host page about captions that changed since the last report. */
  private reportCaptions(): void {
    for (const u of this.pipeline.utterances) {
      const source = u.source.committed + u.source.tail;
      const translation = u.translation.committed + u.translation.tail;
      const final = u.status === 'done';
      const key = `${final}\u0000${source}\u0000${translation}`;
      if (this.reportedCaptions.get(u.id) === key || (!translation && !final)) continue;
      this.reportedCaptions.set(u.id, key);
      this.dispatchEvent(
        new ApertoCaptionEvent({
          utteranceId: u.id,
          source,
          translation,
          ...(u.sourceLanguage ? { from: u.sourceLanguage } : {}),
          to: u.targetLanguage,
          final,
        }),
      );
    }
  }

  private readonly spoken = new Set<number>();

  /**
   * Speak each finished translation once. Only voices that run on this device are used: many
   * browsers' best voices are network services, and sending the text away would break the promise
   * that nothing leaves the device.
   *
   * The microphone hears the device's voice (speech synthesis bypasses echo cancellation), so
   * listening is held while it speaks, and reading waits until nobody is speaking: the device's
   * voice mixed into a person's utterance would be translated back.
   */
  private speakFinished(): void {
    if (typeof speechSynthesis === 'undefined' || this.pipeline.hearingSpeech) return;
    for (const u of this.pipeline.utterances) {
      if (u.status !== 'done' || this.spoken.has(u.id)) continue;
      this.spoken.add(u.id);
      const voice = speechSynthesis.getVoices().find((v) => v.localService && v.lang.toLowerCase().startsWith(u.targetLanguage));
      if (!voice) {
        this.pipeline.notice = `No on-device voice for ${languageByCode(u.targetLanguage)?.name ?? u.targetLanguage}; translations are not read aloud.`;
        continue;
      }
      const text = u.translation.committed + u.translation.tail;
      const speech = new SpeechSynthesisUtterance(text);
      speech.voice = voice;
      speech.lang = voice.lang;
      const release = this.pipeline.holdListening();
      // A voice that never reports its end must not leave the microphone deaf: at most a generous
      // reading time (about 13 characters a second, doubled) plus a few seconds.
      const giveUp = setTimeout(release, 5000 + text.length * 150);
      const ended = () => {
        clearTimeout(giveUp);
        release();
      };
      speech.addEventListener('end', ended);
      speech.addEventListener('error', ended);
      speechSynthesis.speak(speech);
    }
  }

  private recognizerReady?: Promise<boolean>;
  /** This translator's hold on the page's one recogniser, from first use of speech until it leaves. */
  private recognizerLease?: RecognizerLease;

  /**
   * Whisper and the audio modules are loaded only when someone uses speech (tens of MB the typed
   * path never needs), and once per page: every translator shares the page's recogniser.
   */
  private ensureRecognizer(): Promise<boolean> {
    this.recognizerReady ??= (async () => {
      const { leasePageRecognizer } = await import('../../translate/page-recognizer.js');
      // Left the page while the module loaded: a lease taken now would never be released.
      if (!this.isConnected) return false;
      const lease = (this.recognizerLease ??= leasePageRecognizer());
      this.recognizerStatus = 'Downloading the speech recognition model…';
      try {
        const recognizer = await lease.load(this.recognizerModel, {
          onProgress: (loaded, total) => {
            if (total) this.recognizerStatus = `Downloading the speech recognition model… ${Math.floor((loaded / total) * 100)} %`;
          },
        });
        if (this.recognizerLease !== lease) return false;
        this.pipeline.recognizer = recognizer;
        this.recognizerStatus = '';
        return true;
      } catch (error) {
        if (this.recognizerLease !== lease) return false;
        const e = error as { message?: string; hint?: string };
        this.recognizerStatus = `${e.message ?? String(error)} ${e.hint ?? ''}`.trim();
        this.recognizerReady = undefined;
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
    const status = this.engine?.store.state.status;
    const ready = status === 'ready' || status === 'generating';
    return html`
      <div class="controls" part="controls">
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
        <button
          type="button"
          class="narrow-only"
          aria-expanded=${this.showOptions ? 'true' : 'false'}
          @click=${() => (this.showOptions = !this.showOptions)}
        >
          Options
        </button>
        <div class="options">
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
      </div>
      ${this.recognizerStatus ? html`<p class="notice" role="status">${this.recognizerStatus}</p>` : nothing}
      ${this.pageEngine.problems.map((p) => html`<p class="notice" role="alert">${p}</p>`)}
      ${ready ? nothing : this.pageEngine.renderNotReady(this.engine?.store, 'to translate')}
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
      <aperto-remote-notice></aperto-remote-notice>
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
      <div class="table-scroll">
        <table aria-label="Latency per utterance">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Speech end → recognised</th>
              <th scope="col">Speech end → first translated token</th>
              <th scope="col">Recognised → first translated token</th>
              <th scope="col">Recognised → complete translation</th>
              <th scope="col">Erasure</th>
            </tr>
          </thead>
          <tbody>
            ${utterances.map(
              (u) => html`<tr>
                <td>${u.id}</td>
                <td>${ms(u.figures.speechEndToFinalMs)}</td>
                <td data-figure="speech-end-first-token">${ms(u.figures.speechEndToFirstTokenMs)}</td>
                <td data-figure="first-token">${ms(u.figures.finalToFirstTokenMs)}</td>
                <td data-figure="complete">${ms(u.figures.finalToCompleteMs)}</td>
                <td>${u.figures.translationErasure === undefined ? '—' : u.figures.translationErasure.toFixed(2)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <p class="muted">
        Speech end is the last moment of voice, not when silence was noticed. For typed text, “recognised” is when
        it was sent.
      </p>
      <button @click=${this.exportFigures}>Export figures (JSON)</button>
    </div>`;
  }
}
