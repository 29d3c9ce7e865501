import { LitElement, html, nothing } from 'lit';
import { RemoteEngineClient } from '../../engine/remote/remote-engine-client.js';
import { leavesTheDevice } from '../../engine/remote/remote-server.js';
import { PageEngineObserver } from '../shared/page-engine-observer.js';
import { tokens } from '../shared/tokens.styles.js';
import { remoteNoticeStyles } from './remote-notice.styles.js';

/**
 * @summary While the page's engine is a remote server: "Runs on <host> — what you type is sent
 * there." Nothing otherwise. The chat and the translator show it beside where people type.
 * @csspart notice - The sentence.
 */
export class ApertoRemoteNotice extends LitElement {
  static override styles = [tokens, remoteNoticeStyles];

  private readonly engine = new PageEngineObserver(this);

  /** The sentence shown now, or '' (for hosts that place it themselves). */
  get text(): string {
    const client = this.engine.page?.engine;
    const server = client instanceof RemoteEngineClient ? client.server : undefined;
    return server ? leavesTheDevice(server.baseUrl) : '';
  }

  override render() {
    const text = this.text;
    return text ? html`<p part="notice" role="note">${text}</p>` : nothing;
  }
}
