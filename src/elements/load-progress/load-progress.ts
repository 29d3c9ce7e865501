import { LitElement, html, nothing } from 'lit';
import { PHASE_LABELS, formatBytes, formatDuration, type LoadProgress } from '../../engine/progress.js';
import { tokens } from '../shared/tokens.styles.js';
import { loadProgressStyles } from './load-progress.styles.js';

/**
 * @summary Shows how far a model load has come: phase, percentage, megabytes and time left.
 * @csspart bar - The native progress bar.
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
