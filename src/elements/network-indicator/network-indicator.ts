import { LitElement, html, nothing } from 'lit';
import { formatBytes } from '../../engine/progress.js';
import { AppUpdatesController } from '../../pwa/app-updates.js';
import { PageEngineObserver } from '../shared/page-engine-observer.js';
import { tokens } from '../shared/tokens.styles.js';
import { networkIndicatorStyles } from './network-indicator.styles.js';

/** How long "Aperto now works offline" stays up once the app has been saved. */
const OFFLINE_READY_MS = 10_000;

interface Activity {
  kind: 'model' | 'app' | 'app-saved' | 'offline';
  /** What is happening, in words; announced when it changes. */
  what: string;
  /** How much, updated often; shown but not announced. */
  amount?: string;
}

/**
 * @summary Says whenever the app uses the network, with what and how much: a model download (bytes
 * so far and in all), the app being saved for offline use (and, for a few seconds, that it now
 * works offline), or that the device is offline. Shows nothing when the app is not downloading
 * anything, which after loading is the usual case.
 * @csspart activity - One line of activity.
 * @cssprop --aperto-accent - Colour of the activity mark.
 */
export class ApertoNetworkIndicator extends LitElement {
  static override styles = [tokens, networkIndicatorStyles];
  static override properties = {
    active: { type: Boolean, reflect: true },
    online: { state: true },
    savedNoticeShown: { state: true },
  };

  /** Reflected while there is something to show, so a host page can lay out around it. */
  declare active: boolean;
  declare online: boolean;
  declare savedNoticeShown: boolean;
  private savedNoticeTimer?: ReturnType<typeof setTimeout>;
  /** Held while on the page, so the indicator never watches an engine already freed. */
  private readonly engine = new PageEngineObserver(this);
  private readonly app = new AppUpdatesController(this);

  constructor() {
    super();
    this.active = false;
    this.online = navigator.onLine;
    this.savedNoticeShown = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('online', this.onConnectivity);
    window.addEventListener('offline', this.onConnectivity);
    this.online = navigator.onLine;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.onConnectivity);
    window.removeEventListener('offline', this.onConnectivity);
    clearTimeout(this.savedNoticeTimer);
  }

  private readonly onConnectivity = () => {
    this.online = navigator.onLine;
  };

  /** What to show: downloads under way, the app being saved, being offline. */
  private activities(): Activity[] {
    const list: Activity[] = [];
    const state = this.engine.state;
    if (state.status === 'loading' && state.phase === 'downloading') {
      const amount =
        state.loadedBytes > 0
          ? state.totalBytes
            ? `${formatBytes(state.loadedBytes)} of ${formatBytes(state.totalBytes)}`
            : formatBytes(state.loadedBytes)
          : undefined;
      const what = state.retry ? `Download of ${state.modelId} dropped; trying again` : `Downloading ${state.modelId}`;
      list.push({ kind: 'model', what, ...(amount ? { amount } : {}) });
    }
    if (this.app.state.saving) list.push({ kind: 'app', what: 'Saving Aperto on this device for offline use' });
    else if (this.savedNoticeShown) list.push({ kind: 'app-saved', what: 'Aperto now works offline' });
    if (!this.online) list.push({ kind: 'offline', what: 'Offline: models stored on this device still work' });
    return list;
  }

  override willUpdate(): void {
    // Said once, when the first install finishes: from now on the app opens without a network.
    if (this.app.state.offlineReady && this.savedNoticeTimer === undefined) {
      this.savedNoticeShown = true;
      this.savedNoticeTimer = setTimeout(() => (this.savedNoticeShown = false), OFFLINE_READY_MS);
    }
    this.active = this.activities().length > 0;
  }

  override render() {
    const list = this.activities();
    if (list.length === 0) return nothing;
    return html`<ul aria-label="Network activity">
      ${list.map(
        (a) =>
          html`<li part="activity" data-kind=${a.kind}>
            <span class="mark" aria-hidden="true"></span><span role="status">${a.what}</span>${a.amount
              ? html`<span class="amount">${a.amount}</span>`
              : nothing}
          </li>`,
      )}
    </ul>`;
  }
}
