import { LitElement, html, nothing } from 'lit';
import { createRef, ref, type Ref } from 'lit/directives/ref.js';
import type { KioskConfig } from '../../app/kiosk-params.js';
import type { PageEngine } from '../../engine/page-engine.js';
import type { RecoveryState } from '../../engine/recovery.js';
import { ConversationStore } from '../../storage/conversations.js';
import type { ApertoChat } from '../chat/chat.js';
import { tokens } from '../shared/tokens.styles.js';
import type { ApertoTranslate } from '../translate/translate.js';
import { kioskStyles } from './kiosk.styles.js';
import '../chat/chat.define.js';
import '../load-progress/load-progress.define.js';
import '../translate/translate.define.js';

/** Holding Escape, or pressing the top-right corner, this long opens the hidden settings. */
export const SETTINGS_HOLD_MS = 3000;
/** Link problems stay on screen this long (an unattended screen should not keep them forever). */
const PROBLEMS_VISIBLE_MS = 60_000;

/**
 * @summary An unattended Aperto screen: a chat or a translator, configured by its URL, that loads
 * its model by itself, keeps the screen awake, starts over after a quiet spell, and reloads the
 * model when its worker crashes or the GPU is lost.
 *
 * Settings are hidden. To reach them: hold Escape for 3 s, or press and hold the top-right corner
 * of the screen for 3 s.
 *
 * @csspart status - The loading / recovering line.
 * @attr status - What the kiosk is doing: starting, loading, ready, recovering or error (read only).
 * @cssprop --aperto-caption-size - Size of the translator's captions.
 */
export class ApertoKiosk extends LitElement {
  static override styles = [tokens, kioskStyles];
  static override properties = {
    config: { attribute: false },
    problems: { attribute: false },
    modelId: { attribute: false },
    showProblems: { state: true },
    settingsOpen: { state: true },
    wakeLockNote: { state: true },
    status: { reflect: true },
  };

  declare config: KioskConfig;
  /** Why parts of the link were not used, shown on screen. */
  declare problems: string[];
  /** The model the kiosk loads. */
  declare modelId: string | undefined;
  declare showProblems: boolean;
  declare settingsOpen: boolean;
  declare wakeLockNote: string;
  /** For styling and monitoring: starting | loading | ready | recovering | error. */
  declare status: string;

  /** Set before the element is connected. */
  page?: PageEngine;
  /** The kiosk keeps its conversation apart from the app's history on the same site. */
  private readonly conversations = new ConversationStore('aperto-kiosk');
  private readonly chatRef: Ref<ApertoChat> = createRef();
  private readonly translateRef: Ref<ApertoTranslate> = createRef();
  private idleTimer?: ReturnType<typeof setTimeout>;
  private holdTimer?: ReturnType<typeof setTimeout>;
  private wakeLock?: WakeLockSentinel;
  private problemsTimer?: ReturnType<typeof setTimeout>;

  constructor() {
    super();
    this.problems = [];
    this.showProblems = true;
    this.settingsOpen = false;
    this.wakeLockNote = '';
    this.status = 'starting';
  }

  override willUpdate(): void {
    const state = this.page?.store.state;
    const recovery = this.page?.recovery.state;
    if (recovery && (recovery.phase === 'waiting' || recovery.phase === 'reloading')) this.status = 'recovering';
    else if (state?.status === 'generating' || state?.status === 'ready') this.status = 'ready';
    else if (state?.status === 'loading') this.status = 'loading';
    else if (state?.status === 'error') this.status = 'error';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const page = this.page;
    if (page) {
      page.store.addEventListener('change', this.rerender);
      page.recovery.addEventListener('change', this.rerender);
      page.recovery.start({ auto: true, checkEveryMs: 3000, answerWithinMs: 3000 });
      if (this.modelId) void page.engine.load(this.modelId);
    }
    for (const type of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart']) {
      document.addEventListener(type, this.onActivity, { capture: true, passive: true });
    }
    document.addEventListener('pointerdown', this.enterFullscreen, { capture: true });
    document.addEventListener('keydown', this.onKeyDown, { capture: true });
    document.addEventListener('keyup', this.onKeyUp, { capture: true });
    document.addEventListener('visibilitychange', this.keepAwake);
    void this.keepAwake();
    this.restartIdleTimer();
    this.problemsTimer = setTimeout(() => (this.showProblems = false), PROBLEMS_VISIBLE_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.page?.store.removeEventListener('change', this.rerender);
    this.page?.recovery.removeEventListener('change', this.rerender);
    for (const type of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart']) {
      document.removeEventListener(type, this.onActivity, { capture: true });
    }
    document.removeEventListener('pointerdown', this.enterFullscreen, { capture: true });
    document.removeEventListener('keydown', this.onKeyDown, { capture: true });
    document.removeEventListener('keyup', this.onKeyUp, { capture: true });
    document.removeEventListener('visibilitychange', this.keepAwake);
    clearTimeout(this.idleTimer);
    clearTimeout(this.holdTimer);
    clearTimeout(this.problemsTimer);
    void this.wakeLock?.release().catch(() => undefined);
  }

  private readonly rerender = () => this.requestUpdate();

  /**
   * The screen must not dim while people watch captions. A wake lock is dropped whenever the page
   * is hidden, so it is asked for again each time the page becomes visible.
   */
  private readonly keepAwake = async () => {
    if (document.visibilityState !== 'visible') return;
    if (!('wakeLock' in navigator)) {
      this.wakeLockNote = 'This browser cannot keep the screen awake (no Screen Wake Lock); set the display not to sleep.';
      return;
    }
    if (this.wakeLock && !this.wakeLock.released) return;
    try {
      this.wakeLock = await navigator.wakeLock.request('screen');
      this.wakeLockNote = '';
    } catch (error) {
      this.wakeLockNote = `The screen may dim: the browser refused to keep it awake (${error instanceof Error ? error.message : String(error)}).`;
    }
  };

  /** Browsers only allow fullscreen in answer to a gesture: the first touch or click. */
  private readonly enterFullscreen = () => {
    if (document.fullscreenElement || !document.fullscreenEnabled) return;
    document.documentElement.requestFullscreen?.().catch(() => undefined);
  };

  private readonly onActivity = () => this.restartIdleTimer();

  private restartIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (this.config.idleSeconds > 0) this.idleTimer = setTimeout(() => void this.startOver(), this.config.idleSeconds * 1000);
  }

  /** After a quiet spell the screen is cleared for the next visitor. */
  async startOver(): Promise<void> {
    this.settingsOpen = false;
    await this.chatRef.value?.startOver();
    this.translateRef.value?.pipeline.clear();
    this.restartIdleTimer();
  }

  private readonly onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.repeat) return;
    if (this.settingsOpen) {
      this.settingsOpen = false;
      return;
    }
    this.startHold();
  };

  private readonly onKeyUp = (event: KeyboardEvent) => {
    if (event.key === 'Escape') this.cancelHold();
  };

  private startHold(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => (this.settingsOpen = true), SETTINGS_HOLD_MS);
  }

  private cancelHold(): void {
    clearTimeout(this.holdTimer);
  }

  private exitHref(): string {
    const url = new URL('./', location.href);
    return url.href;
  }

  private renderStatus() {
    const page = this.page;
    if (!page) return nothing;
    const state = page.store.state;
    const recovery: RecoveryState = page.recovery.state;
    if (recovery.phase === 'waiting' || recovery.phase === 'reloading') {
      return html`<p class="status recovering" part="status" role="status">
        Recovering: the model stopped working, reloading it (attempt ${recovery.attempt} of ${recovery.maxAttempts})…
      </p>`;
    }
    if (recovery.phase === 'gave-up' && state.status === 'error') {
      return html`<p class="status error" part="status" role="alert">
        The model could not be reloaded. ${state.message} ${state.hint}
        <button class="primary" @click=${() => void page.recovery.reloadNow()}>Reload model</button>
      </p>`;
    }
    if (state.status === 'loading') {
      return html`<div class="status" part="status">
        <aperto-load-progress .progress=${state} label=${state.modelId}></aperto-load-progress>
      </div>`;
    }
    if (state.status === 'error') {
      return html`<p class="status error" part="status" role="alert">
        ${state.message} ${state.hint}
        <button class="primary" @click=${() => void page.recovery.reloadNow()}>Reload model</button>
      </p>`;
    }
    if (!this.modelId && state.status === 'idle') {
      return html`<p class="status error" part="status" role="alert">No model fits this device, so the kiosk cannot start.</p>`;
    }
    return nothing;
  }

  private renderSettings() {
    const c = this.config;
    const page = this.page;
    return html`<div class="settings" role="dialog" aria-modal="true" aria-label="Kiosk settings">
      <h2>Kiosk settings</h2>
      <dl>
        <dt>Mode</dt><dd>${c.mode}</dd>
        <dt>Model</dt><dd>${this.modelId ?? '—'}</dd>
        <dt>Engine</dt><dd>${page?.library.label ?? '—'}</dd>
        ${c.mode === 'translate' ? html`<dt>Languages</dt><dd>${c.from} → ${c.to}</dd>` : nothing}
        <dt>Start over after</dt><dd>${c.idleSeconds ? `${c.idleSeconds} s without input` : 'never'}</dd>
      </dl>
      ${this.wakeLockNote ? html`<p class="muted">${this.wakeLockNote}</p>` : nothing}
      <p class="actions">
        <button @click=${() => void page?.recovery.reloadNow()}>Reload model</button>
        <button @click=${() => void this.startOver()}>Start over now</button>
        <a href=${this.exitHref()}>Exit kiosk (open the app)</a>
        <button class="primary" @click=${() => (this.settingsOpen = false)}>Close</button>
      </p>
    </div>`;
  }

  override render() {
    const c = this.config;
    return html`
      ${this.showProblems && this.problems.length
        ? html`<div class="problems" role="alert">
            ${this.problems.map((p) => html`<p>${p}</p>`)}
            <button @click=${() => (this.showProblems = false)}>Dismiss</button>
          </div>`
        : nothing}
      ${this.renderStatus()}
      <main>
        ${c.mode === 'translate'
          ? html`<aperto-translate
              ${ref(this.translateRef)}
              no-controls
              ?hud=${c.hud}
              from=${c.from}
              to=${c.to}
              .showFigures=${false}
            ></aperto-translate>`
          : html`<aperto-chat ${ref(this.chatRef)} no-history no-toolbar .storage=${this.conversations}></aperto-chat>`}
      </main>
      <button
        class="corner"
        aria-label="Kiosk settings (press and hold)"
        @pointerdown=${() => this.startHold()}
        @pointerup=${() => this.cancelHold()}
        @pointerleave=${() => this.cancelHold()}
        @contextmenu=${(e: Event) => e.preventDefault()}
      ></button>
      ${this.settingsOpen ? this.renderSettings() : nothing}
    `;
  }
}
