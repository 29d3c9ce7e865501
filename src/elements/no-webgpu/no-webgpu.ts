import { LitElement, html, nothing } from 'lit';
import type { NoWebGpuReason } from '../../engine/device.js';
import { tokens } from '../shared/tokens.styles.js';
import { noWebGpuStyles } from './no-webgpu.styles.js';

const WHY: Record<NoWebGpuReason, string> = {
  'insecure-context':
    'This page was opened over plain http from another computer. Browsers only offer WebGPU on secure pages.',
  'no-navigator-gpu': 'This browser does not offer WebGPU, which Aperto needs to run models on your graphics chip.',
  'no-adapter':
    'This browser has WebGPU, but found no graphics chip it is allowed to use (it may be blocked by the browser, or hardware acceleration is switched off).',
  'adapter-error': 'The browser failed while looking for a graphics chip.',
};

type Browser = 'chromium' | 'firefox' | 'safari' | 'other';

function detectBrowser(userAgent: string): Browser {
  if (/Firefox\//.test(userAgent)) return 'firefox';
  if (/Chrome\/|Chromium\/|Edg\//.test(userAgent)) return 'chromium';
  if (/Safari\//.test(userAgent)) return 'safari';
  return 'other';
}

/**
 * @summary Explains why models cannot run here and what to do, per browser.
 * @csspart screen - The explanation box.
 */
export class ApertoNoWebgpu extends LitElement {
  static override styles = [tokens, noWebGpuStyles];
  static override properties = {
    reason: {},
    detail: {},
  };

  declare reason: NoWebGpuReason;
  declare detail?: string;

  constructor() {
    super();
    this.reason = 'no-navigator-gpu';
  }

  override render() {
    const browser = detectBrowser(navigator.userAgent);
    const item = (which: Browser, text: unknown) =>
      html`<li class=${which === browser ? 'current' : ''}>${text}${which === browser ? ' (this browser)' : ''}</li>`;
    return html`<div class="screen" part="screen" role="alert">
      <h2>Models cannot run in this browser</h2>
      <p>${WHY[this.reason]}</p>
      ${this.detail ? html`<p class="muted">Browser said: ${this.detail}</p>` : nothing}
      ${this.reason === 'insecure-context'
        ? html`<p>Open Aperto at an <code>https://</code> address, or on this computer at <code>http://localhost</code>.</p>`
        : html`<p>What to do:</p>
            <ul>
              ${item(
                'chromium',
                html`Chrome or Edge 113 or newer on Windows, macOS or ChromeOS, and Chrome 121+ on Android 12+, have
                  WebGPU on. On Linux, turn on <code>chrome://flags/#enable-unsafe-webgpu</code> and
                  <code>#enable-vulkan</code>. If it is on but still missing, check that hardware acceleration is on
                  in Settings → System, and look at <code>chrome://gpu</code>.`,
              )}
              ${item(
                'firefox',
                html`Firefox 141+ on Windows and Firefox 145+ on Apple-silicon Macs have WebGPU. Elsewhere, use Firefox
                  Nightly or set <code>dom.webgpu.enabled</code> in <code>about:config</code>.`,
              )}
              ${item(
                'safari',
                html`Safari 26 (macOS 26, iOS and iPadOS 26) has WebGPU. On older Safari, turn on WebGPU in Develop →
                  Feature Flags.`,
              )}
              ${item('other', html`Otherwise, open this page in one of the browsers above.`)}
            </ul>`}
      <p class="muted">The rest of Aperto (the device report, your saved conversations) still works here.</p>
    </div>`;
  }
}
