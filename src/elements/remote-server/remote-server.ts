import { LitElement, html, nothing } from 'lit';
import type { EngineError } from '../../engine/errors.js';
import type { RemoteModelLibrary } from '../../engine/remote/remote-library.js';
import { notAllowedBySite } from '../../engine/remote/remote-errors.js';
import { leavesTheDevice, parseServerUrl, RemoteServerError, serverOrigin } from '../../engine/remote/remote-server.js';
import { readSiteServers } from '../../engine/remote/site-servers.js';
import type { SettingsStore } from '../../storage/settings.js';
import { tokens } from '../shared/tokens.styles.js';
import { remoteServerStyles } from './remote-server.styles.js';

/**
 * @summary Where the remote engine's server is, and its key: the servers this site allows, the
 * address and key the person gives, whether to remember the key, and why a server did not answer.
 * @fires aperto-remote-change - The server changed and its model list was fetched again (`library.entries()`).
 * @csspart form - The address and key form.
 */
export class ApertoRemoteServer extends LitElement {
  static override styles = [tokens, remoteServerStyles];
  static override properties = {
    library: { attribute: false },
    settings: { attribute: false },
    siteServers: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  declare library: RemoteModelLibrary;
  declare settings: SettingsStore;
  declare siteServers: string[];
  declare error: string;
  declare busy: boolean;
  private remembered = false;

  constructor() {
    super();
    this.siteServers = [];
    this.error = '';
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void readSiteServers().then((servers) => (this.siteServers = servers));
    void this.settings?.remoteServer().then((saved) => (this.remembered = !!saved?.apiKey));
  }

  private async connect(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const key = String(data.get('key') ?? '').trim();
    const remember = data.get('remember') === 'on';
    let baseUrl: string;
    try {
      baseUrl = parseServerUrl(String(data.get('address') ?? ''));
    } catch (error) {
      this.error = error instanceof RemoteServerError ? error.message : String(error);
      return;
    }
    // The browser would refuse it (the site's Content-Security-Policy): say so, and say who can change that.
    if (!this.siteServers.map(serverOrigin).includes(serverOrigin(baseUrl))) {
      const refused = notAllowedBySite(baseUrl, this.siteServers);
      this.error = `${refused.message} ${refused.hint}`;
      return;
    }
    this.error = '';
    this.busy = true;
    try {
      const current = this.library.engine.server;
      // An empty key field keeps the key in use for the same server (it is never shown again).
      const apiKey = key || (current?.baseUrl === baseUrl ? current.apiKey : undefined);
      this.library.engine.configure({ baseUrl, ...(apiKey ? { apiKey } : {}) });
      await this.library.refresh();
      // The key stays on this device only if the person asked; never in a link or an export.
      await this.settings
        .setRemoteServer({ baseUrl, ...(remember && apiKey ? { apiKey } : {}) })
        .catch(() => undefined);
      this.remembered = remember && !!apiKey;
      form.querySelector<HTMLInputElement>('input[name="key"]')!.value = '';
    } finally {
      this.busy = false;
      this.dispatchEvent(new Event('aperto-remote-change', { bubbles: true, composed: true }));
    }
  }

  private renderProblem(problem: EngineError | undefined) {
    if (this.error) return html`<p class="form-error" role="alert">${this.error}</p>`;
    if (!problem) return nothing;
    return html`<div class="form-error" role="alert" data-code=${problem.code}>
      <p>${problem.message} ${problem.hint}</p>
      ${problem.detail ? html`<details><summary>Details</summary><pre>${problem.detail}</pre></details>` : nothing}
    </div>`;
  }

  override render() {
    const server = this.library.engine.server;
    const models = this.library.entries().length;
    return html`<section aria-labelledby="remote-h">
      <h2 id="remote-h">Remote server</h2>
      ${server
        ? html`<p class="leaves" role="note">${leavesTheDevice(server.baseUrl)}</p>
            <p class="muted">${models ? `${models} model${models === 1 ? '' : 's'} on ${server.baseUrl}.` : `No models listed by ${server.baseUrl}.`}</p>`
        : nothing}
      <form part="form" @submit=${(e: SubmitEvent) => void this.connect(e)}>
        <label
          >Server address
          <input name="address" type="url" required list="site-servers" .value=${server?.baseUrl ?? this.siteServers[0] ?? ''} placeholder="http://127.0.0.1:8080/v1"
        /></label>
        <datalist id="site-servers">${this.siteServers.map((s) => html`<option value=${s}></option>`)}</datalist>
        <label
          >API key, if the server wants one
          <input name="key" type="password" autocomplete="off" placeholder=${server?.apiKey ? 'a key is set (leave empty to keep it)' : ''}
        /></label>
        <label class="check"><input name="remember" type="checkbox" .checked=${this.remembered} /> Remember the key on this device</label>
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Connecting…' : 'Connect and list models'}</button>
      </form>
      ${this.renderProblem(this.library.problem)}
      <p class="muted">
        ${this.siteServers.length
          ? html`This site allows: ${this.siteServers.join(', ')}.`
          : html`This site has no remote server set up; its owner lists them in APERTO_REMOTE_SERVERS.`}
        The key is sent to the server only, and kept on this device only if you tick the box; it is never in a link or an export.
      </p>
    </section>`;
  }
}
