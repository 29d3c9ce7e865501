import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { createRef, ref, type Ref } from 'lit/directives/ref.js';
import type { KioskConfig } from '../../app/kiosk-params.js';
import { pinMatches, type PinHash } from '../../app/kiosk-site.js';
import { downloadLabel, type KioskStart } from '../../app/kiosk-start.js';
import { useModelHere } from '../../engine/model-holder.js';
import type { PageEngine } from '../../engine/page-engine.js';
import type { RecoveryState } from '../../engine/recovery.js';
import { KioskConversationStore } from '../../storage/kiosk-conversations.js';
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
/** After this many wrong PINs in a row, no PIN is checked for PIN_LOCKOUT_MS. */
export const PIN_TRIES = 5;
export const PIN_LOCKOUT_MS = 60_000;

type Dialog = 'closed' | 'pin' | 'settings';

/**
 * @summary An unattended Aperto screen: a chat or a translator, configured by its URL, that keeps
 * the screen awake, starts over after a quiet spell, and reloads the model when its worker crashes
 * or the GPU is lost.
 *
 * It starts its model by itself only when the model is stored on this device or the site owner
 * configured it (kiosk.json; see app/kiosk-start.ts); otherwise it shows one button, "Download
 * <name> (<size>) and start the kiosk", and neither downloads, nor takes the wake lock or the full
 * screen, before it is pressed.
 *
 * Visitors cannot leave: links in replies are plain text, and a click on any link opens nothing.
 * Settings are hidden (hold Escape, or press and hold the top-right corner, for 3 s). With a PIN
 * set by the site owner they ask for it first and offer "Exit kiosk"; without one there is no exit.
 *
 * @csspart status - The loading / recovering line, and the download button.
 * @attr status - What the kiosk is doing: starting, waiting (for the download button), loading,
 *   ready, recovering, error or no-model (read only).
 * @cssprop --aperto-caption-size - Size of the translator's captions.
 */
export class ApertoKiosk extends LitElement {
  static override styles = [tokens, kioskStyles];
  static override properties = {
    config: { attribute: false },
    problems: { attribute: false },
    start: { attribute: false },
    pin: { attribute: false },
    started: { state: true },
    showProblems: { state: true },
    dialog: { state: true },
    pinMessage: { state: true },
    checkingPin: { state: true },
    wakeLockNote: { state: true },
    storageNote: { state: true },
    status: { reflect: true },
  };

  declare config: KioskConfig;
  /** Why parts of the link (or of the site's kiosk.json) were not used, shown on screen. */
  declare problems: string[];
  /** The model, and whether it may start by itself (app/kiosk-start.ts). */
  declare start: KioskStart;
  /** The site owner's PIN (its hash). Without it the settings offer no way out. */
  declare pin: PinHash | undefined;
  /** The model load has begun (by itself, or after the download button). */
  declare started: boolean;
  declare showProblems: boolean;
  declare dialog: Dialog;
  declare pinMessage: string;
  declare checkingPin: boolean;
  declare wakeLockNote: string;
  /** For the owner, in the settings: the last start over could not delete the conversation. */
  declare storageNote: string;
  /** For styling and monitoring: starting | waiting | loading | ready | recovering | error | no-model. */
  declare status: string;

  /** Set before the element is connected. */
  page?: PageEngine;
  /** The kiosk keeps its conversation apart from the app's history on the same site. */
  private readonly conversations = new KioskConversationStore('aperto-kiosk');
  private readonly chatRef: Ref<ApertoChat> = createRef();
  private readonly translateRef: Ref<ApertoTranslate> = createRef();
  private readonly pinRef: Ref<HTMLInputElement> = createRef();
  private idleTimer?: ReturnType<typeof setTimeout>;
  private holdTimer?: ReturnType<typeof setTimeout>;
  private wakeLock?: WakeLockSentinel;
  private problemsTimer?: ReturnType<typeof setTimeout>;
  /** The settings were opened with the PIN (only then is there a way out). */
  private unlocked = false;
  private wrongPins = 0;
  private pinLockedUntil = 0;

  constructor() {
    super();
    this.problems = [];
    this.start = { kind: 'none' };
    this.pin = undefined;
    this.started = false;
    this.showProblems = true;
    this.dialog = 'closed';
    this.pinMessage = '';
    this.checkingPin = false;
    this.wakeLockNote = '';
    this.storageNote = '';
    this.status = 'starting';
  }

  override willUpdate(): void {
    const state = this.page?.store.state;
    const recovery = this.page?.recovery.state;
    if (recovery && (recovery.phase === 'waiting' || recovery.phase === 'reloading')) this.status = 'recovering';
    else if (state?.status === 'generating' || state?.status === 'ready') this.status = 'ready';
    else if (state?.status === 'loading') this.status = 'loading';
    else if (state?.status === 'error') this.status = 'error';
    else if (!this.started) this.status = this.start.kind === 'ask' ? 'waiting' : this.start.kind === 'none' ? 'no-model' : 'starting';
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('dialog') && this.dialog === 'pin') this.pinRef.value?.focus();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const page = this.page;
    if (page) {
      page.store.addEventListener('change', this.rerender);
      page.recovery.addEventListener('change', this.rerender);
      page.recovery.start({ auto: true, checkEveryMs: 3000, answerWithinMs: 3000 });
    }
    if (this.start.kind === 'autoload') this.begin();
    for (const type of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart']) {
      document.addEventListener(type, this.onActivity, { capture: true, passive: true });
    }
    document.addEventListener('pointerdown', this.enterFullscreen, { capture: true });
    document.addEventListener('keydown', this.onKeyDown, { capture: true });
    document.addEventListener('keyup', this.onKeyUp, { capture: true });
    document.addEventListener('click', this.openNoLink, { capture: true });
    document.addEventListener('auxclick', this.openNoLink, { capture: true });
    document.addEventListener('visibilitychange', this.keepAwake);
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
    document.removeEventListener('click', this.openNoLink, { capture: true });
    document.removeEventListener('auxclick', this.openNoLink, { capture: true });
    document.removeEventListener('visibilitychange', this.keepAwake);
    clearTimeout(this.idleTimer);
    clearTimeout(this.holdTimer);
    clearTimeout(this.problemsTimer);
    void this.wakeLock?.release().catch(() => undefined);
  }

  private readonly rerender = () => {
    // Unattended: a kiosk never sits waiting for a tab nobody looks at. It takes the model, and that
    // tab says where it went (model-holder.ts); a person there can take it back.
    const state = this.page?.store.state;
    if (this.started && state?.status === 'loading' && state.phase === 'other-tab') useModelHere();
    this.requestUpdate();
  };

  /** Load the model and start behaving as a kiosk (wake lock; full screen at the next touch). */
  private begin(): void {
    if (this.started || this.start.kind === 'none' || !this.page) return;
    this.started = true;
    void this.keepAwake();
    void this.page.engine.load(this.start.entry.id);
  }

  /** The download button: the press is the gesture fullscreen needs. */
  private readonly pressStart = () => {
    this.begin();
    this.enterFullscreen();
  };

  /**
   * The screen must not dim while people watch captions. A wake lock is dropped whenever the page
   * is hidden, so it is asked for again each time the page becomes visible. A page still waiting
   * for its download button is not a kiosk yet, and keeps no one's screen on.
   */
  private readonly keepAwake = async () => {
    if (!this.started || document.visibilityState !== 'visible') return;
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

  /** Browsers only allow fullscreen in answer to a gesture: the first touch or click once started. */
  private readonly enterFullscreen = () => {
    if (!this.started || document.fullscreenElement || !document.fullscreenEnabled) return;
    document.documentElement.requestFullscreen?.().catch(() => undefined);
  };

  /**
   * Nothing on a kiosk leads elsewhere. Replies show links as text already (`links="text"` on the
   * chat); this catches any link that still gets a click, a middle click or Enter.
   */
  private readonly openNoLink = (event: MouseEvent) => {
    if (event.composedPath().some((node) => node instanceof HTMLAnchorElement && node.hasAttribute('href'))) event.preventDefault();
  };

  private readonly onActivity = () => this.restartIdleTimer();

  private restartIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (this.config.idleSeconds > 0) this.idleTimer = setTimeout(() => void this.startOver(), this.config.idleSeconds * 1000);
  }

  /**
   * After a quiet spell the screen is cleared for the next visitor. The screen is cleared first and
   * the timer armed again whatever storage does; a conversation that could not be deleted is tried
   * again next time (KioskConversationStore), and the owner sees why in the settings.
   */
  async startOver(): Promise<void> {
    this.closeDialog();
    this.restartIdleTimer();
    this.translateRef.value?.pipeline.clear();
    try {
      await this.chatRef.value?.startOver();
      this.storageNote = '';
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.storageNote = `The last start over cleared the screen, but could not delete the conversation from this device’s storage (${why}). It is tried again at the next one.`;
    }
  }

  private readonly onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.repeat) return;
    if (this.dialog !== 'closed') {
      this.closeDialog();
      return;
    }
    this.startHold();
  };

  private readonly onKeyUp = (event: KeyboardEvent) => {
    if (event.key === 'Escape') this.cancelHold();
  };

  private startHold(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => this.openSettings(), SETTINGS_HOLD_MS);
  }

  private cancelHold(): void {
    clearTimeout(this.holdTimer);
  }

  /** With a PIN, the settings ask for it first; without one they open, with no way out. */
  private openSettings(): void {
    this.unlocked = false;
    this.pinMessage = '';
    this.dialog = this.pin ? 'pin' : 'settings';
  }

  private closeDialog(): void {
    this.unlocked = false;
    this.pinMessage = '';
    this.dialog = 'closed';
  }

  private readonly checkPin = async (event: Event) => {
    event.preventDefault();
    const pin = this.pin;
    const field = this.pinRef.value;
    if (!pin || !field || this.checkingPin) return;
    const given = field.value;
    field.value = '';
    const wait = this.pinLockedUntil - Date.now();
    if (wait > 0) {
      this.pinMessage = `Too many wrong PINs. Try again in ${Math.ceil(wait / 1000)} s.`;
      return;
    }
    this.checkingPin = true;
    let verdict: 'right' | 'wrong' | 'cannot-check';
    try {
      verdict = (await pinMatches(given, pin)) ? 'right' : 'wrong';
    } catch (error) {
      verdict = 'cannot-check';
      this.pinMessage = error instanceof Error ? error.message : String(error);
    } finally {
      this.checkingPin = false;
    }
    // Closed meanwhile (Escape, or the idle reset): a late answer opens nothing.
    if (this.dialog !== 'pin' || verdict === 'cannot-check') return;
    if (verdict === 'right') {
      this.wrongPins = 0;
      this.unlocked = true;
      this.pinMessage = '';
      this.dialog = 'settings';
      return;
    }
    this.wrongPins++;
    if (this.wrongPins >= PIN_TRIES) {
      this.wrongPins = 0;
      this.pinLockedUntil = Date.now() + PIN_LOCKOUT_MS;
      this.pinMessage = `That is not the kiosk PIN. Too many wrong PINs: try again in ${PIN_LOCKOUT_MS / 1000} s.`;
    } else {
      this.pinMessage = 'That is not the kiosk PIN.';
    }
    this.pinRef.value?.focus();
  };

  private exit(): void {
    if (!this.pin || !this.unlocked) return;
    location.assign(new URL('./', location.href));
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
    if (this.start.kind === 'none') {
      return html`<p class="status error" part="status" role="alert">No model fits this device, so the kiosk cannot start.</p>`;
    }
    if (this.start.kind === 'ask' && !this.started) {
      const { entry } = this.start;
      const sizeKnown = entry.downloadBytes > 0;
      return html`<div class="status start" part="status">
        <p>
          ${entry.name} is not on this device yet${sizeKnown ? '' : ', and its size is unknown until the download starts'}. Nothing is
          downloaded until you press the button.
        </p>
        ${sizeKnown && entry.fit.fits && entry.fit.warning ? html`<p class="muted">${entry.fit.warning}</p>` : nothing}
        <button class="primary" @click=${this.pressStart}>${downloadLabel(entry)}</button>
      </div>`;
    }
    return nothing;
  }

  private renderPinDialog() {
    return html`<form class="settings" role="dialog" aria-modal="true" aria-label="Kiosk PIN" @submit=${this.checkPin}>
      <h2>Kiosk settings</h2>
      <p><label for="kiosk-pin">Enter the kiosk PIN to open the settings.</label></p>
      <input
        id="kiosk-pin"
        ${ref(this.pinRef)}
        type="password"
        inputmode="numeric"
        autocomplete="off"
        aria-label="Kiosk PIN"
      />
      ${this.pinMessage ? html`<p class="pin-message" role="alert">${this.pinMessage}</p>` : nothing}
      <p class="actions">
        <button class="primary" type="submit" ?disabled=${this.checkingPin}>${this.checkingPin ? 'Checking…' : 'Unlock'}</button>
        <button type="button" @click=${() => this.closeDialog()}>Close</button>
      </p>
    </form>`;
  }

  private renderSettings() {
    const c = this.config;
    const page = this.page;
    const entry = this.start.kind === 'none' ? undefined : this.start.entry;
    return html`<div class="settings" role="dialog" aria-modal="true" aria-label="Kiosk settings">
      <h2>Kiosk settings</h2>
      <dl>
        <dt>Mode</dt><dd>${c.mode}</dd>
        <dt>Model</dt><dd>${entry?.id ?? '—'}</dd>
        <dt>Engine</dt><dd>${page?.library.label ?? '—'}</dd>
        ${c.mode === 'translate' ? html`<dt>Languages</dt><dd>${c.from} → ${c.to}</dd>` : nothing}
        <dt>Start over after</dt><dd>${c.idleSeconds ? `${c.idleSeconds} s without input` : 'never'}</dd>
      </dl>
      ${this.wakeLockNote ? html`<p class="muted">${this.wakeLockNote}</p>` : nothing}
      ${this.storageNote ? html`<p class="muted" role="status">${this.storageNote}</p>` : nothing}
      ${this.pin
        ? nothing
        : html`<p class="muted">There is no way out of this kiosk: the site owner has set no kiosk PIN (APERTO_KIOSK_PIN when building).</p>`}
      <p class="actions">
        ${this.started ? html`<button @click=${() => void page?.recovery.reloadNow()}>Reload model</button>` : nothing}
        <button @click=${() => void this.startOver()}>Start over now</button>
        ${this.pin && this.unlocked ? html`<button @click=${() => this.exit()}>Exit kiosk (open the app)</button>` : nothing}
        <button class="primary" @click=${() => this.closeDialog()}>Close</button>
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
          : html`<aperto-chat ${ref(this.chatRef)} no-history no-toolbar links="text" .storage=${this.conversations}></aperto-chat>`}
      </main>
      <button
        class="corner"
        aria-label="Kiosk settings (press and hold)"
        @pointerdown=${() => this.startHold()}
        @pointerup=${() => this.cancelHold()}
        @pointerleave=${() => this.cancelHold()}
        @contextmenu=${(e: Event) => e.preventDefault()}
      ></button>
      ${this.dialog === 'pin' ? this.renderPinDialog() : this.dialog === 'settings' ? this.renderSettings() : nothing}
    `;
  }
}
