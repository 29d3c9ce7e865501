import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { ChatEngine } from '../../engine/chat-engine.js';
import { pageEngine } from '../../engine/page-engine.js';
import { LANGUAGES, isRightToLeft, languageByCode } from '../../translate/languages.js';
import { TranslationPipeline, type Utterance } from '../../translate/pipeline.js';
import { TextSource } from '../../translate/text-source.js';
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
    draft: { state: true },
  };

  declare engine: ChatEngine;
  /** Source language code, or "auto". */
  declare from: string;
  declare to: string;
  declare hud: boolean;
  /** Show the HUD in a 480×640 portrait frame. */
  declare frame: boolean;
  declare showFigures: boolean;
  declare draft: string;

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
    this.draft = '';
    this.pipeline = new TranslationPipeline(this.engine);
    this.pipeline.addEventListener('change', () => this.requestUpdate());
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
  }

  /** Translate a line of text, as if typed. */
  translateText(text: string): void {
    this.text.submit(text);
  }

  private submit(event?: Event) {
    event?.preventDefault();
    if (!this.draft.trim()) return;
    this.translateText(this.draft);
    this.draft = '';
  }

  private onKeydown(event: KeyboardEvent) {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    this.submit();
  }

  private exportFigures() {
    const blob = new Blob([JSON.stringify(this.pipeline.figures(), null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = 'aperto-translation-figures.json';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
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
        <button @click=${() => this.pipeline.clear()}>Clear</button>
      </div>
      ${ready ? nothing : html`<p class="notice" role="status">No model is loaded yet. Load one in Models to translate.</p>`}
      ${this.pipeline.notice ? html`<p class="notice" role="status">${this.pipeline.notice}</p>` : nothing}
      <form class="input" @submit=${this.submit}>
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
        <button class="primary" type="submit" ?disabled=${!this.draft.trim()}>Translate</button>
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
