import { LitElement, html, nothing } from 'lit';
import { useModelHere } from '../../engine/model-holder.js';
import { PHASE_LABELS, formatBytes, formatDuration, type LoadProgress } from '../../engine/progress.js';
import { tokens } from '../shared/tokens.styles.js';
import { loadProgressStyles } from './load-progress.styles.js';

/**
 * @summary Shows how far a model load has come: phase, percentage, megabytes and time left.
 * While another tab of the site holds the model, says so and offers "Use it here" instead.
 * @csspart bar - The native progress bar.
 * @csspart use-here - The "Use it here" button, shown while another tab holds the model.
 */
export class ApertoLoadProgress extends LitElement {
  static override styles = [tokens, loadProgressStyles];
  static override properties = {
    progress: { attribute: false },
    label: {},
  };

  declare progress?: LoadProgress;
  /** What is loading, for the accessible name of the bar. */
  declare label: string;

  constructor() {
    super();
    this.label = 'Model';
  }

  override render() {
    const p = this.progress;
    if (!p) return nothing;
    if (p.phase === 'other-tab') {
      return html`
        <p class="other-tab" role="status">
          ${this.label} is open in another tab of this site. It loads here by itself once that tab closes or lets go of it.
        </p>
        <button part="use-here" class="primary" @click=${useModelHere}>Use it here</button>
      `;
    }
    const percent = Math.floor(p.progress * 100);
    const bytes =
      p.loadedBytes > 0
        ? p.totalBytes
          ? `${formatBytes(p.loadedBytes)} of ${formatBytes(p.totalBytes)}`
          : formatBytes(p.loadedBytes)
        : '';
    return html`
      <div class="phase">${PHASE_LABELS[p.phase]}…</div>
      ${p.retry
        ? html`<div class="retry" role="status">
            The connection dropped. Trying again in ${p.retry.inSeconds} s (attempt ${p.retry.attempt} of ${p.retry.maxAttempts}).
          </div>`
        : nothing}
      <progress
        part="bar"
        max="100"
        .value=${percent}
        aria-label="${this.label}: ${PHASE_LABELS[p.phase]}"
        aria-valuetext="${percent} %"
      ></progress>
      <div class="figures muted">
        <span>${percent} %</span>
        ${bytes ? html`<span>${bytes}</span>` : nothing}
        ${p.etaSeconds !== undefined ? html`<span>about ${formatDuration(p.etaSeconds)} left</span>` : nothing}
      </div>
    `;
  }
}
