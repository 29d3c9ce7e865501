import { LitElement, html, nothing } from 'lit';
import { existingPageEngine } from '../../engine/page-engine.js';
import { AppUpdatesController, appUpdates } from '../../pwa/app-updates.js';
import { tokens } from '../shared/tokens.styles.js';
import { updatePromptStyles } from './update-prompt.styles.js';

/**
 * @summary Offers a new version of Aperto once it has downloaded: "A new version of Aperto is
 * ready", with Reload and Later. It never reloads by itself, and a reply being written is finished
 * before Reload reloads. Shows nothing otherwise.
 * @csspart prompt - The box holding the message and its buttons.
 */
export class ApertoUpdatePrompt extends LitElement {
  static override styles = [tokens, updatePromptStyles];
  static override properties = { later: { state: true }, waitingForReply: { state: true } };

  /** The person chose Later: asked again on the next visit. */
  declare later: boolean;
  declare waitingForReply: boolean;
  private readonly updates = new AppUpdatesController(this);

  constructor() {
    super();
    this.later = false;
    this.waitingForReply = false;
  }

  /** Reload into the new version, after the reply being written, if any, has finished. */
  private async reload(): Promise<void> {
    const store = existingPageEngine()?.store;
    if (store?.state.status === 'generating') {
      this.waitingForReply = true;
      await new Promise<void>((resolve) => {
        const check = () => {
          if (store.state.status === 'generating') return;
          store.removeEventListener('change', check);
          resolve();
        };
        store.addEventListener('change', check);
      });
    }
    await appUpdates.reload();
  }

  override render() {
    if (!this.updates.state.updateReady || this.later) return nothing;
    return html`<div part="prompt" role="status">
      <span>A new version of Aperto is ready.</span>
      ${this.waitingForReply
        ? html`<span class="muted">Reloading when this reply is finished…</span>`
        : html`<button class="primary" @click=${() => void this.reload()}>Reload</button>
            <button @click=${() => (this.later = true)}>Later</button>`}
    </div>`;
  }
}
