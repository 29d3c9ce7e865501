import { LitElement, html, nothing } from 'lit';
import type { ConversationSummary } from '../../storage/conversations.js';
import { ApertoConversationRequestEvent } from '../../events/conversation-request.js';
import { tokens } from '../shared/tokens.styles.js';
import { chatHistoryStyles } from './chat-history.styles.js';

/**
 * @summary The conversations kept on this device: open, rename, delete, start a new one.
 * @fires aperto-conversation-request - open / rename / delete / new
 */
export class ApertoChatHistory extends LitElement {
  static override styles = [tokens, chatHistoryStyles];
  static override properties = {
    conversations: { attribute: false },
    currentId: { attribute: 'current-id' },
    renaming: { state: true },
  };

  declare conversations: ConversationSummary[];
  declare currentId?: string;
  declare renaming?: string;

  constructor() {
    super();
    this.conversations = [];
  }

  override render() {
    const request = (action: ApertoConversationRequestEvent['action'], id?: string, title?: string) =>
      this.dispatchEvent(new ApertoConversationRequestEvent(action, id, title));
    return html`<button class="primary" @click=${() => request('new')}>New chat</button>
      <ul aria-label="Conversations">
        ${this.conversations.map((c) =>
          this.renaming === c.id
            ? html`<li>
                <input
                  aria-label="New name for ${c.title}"
                  .value=${c.title}
                  @keydown=${(e: KeyboardEvent) => {
                    if (e.key === 'Enter') {
                      request('rename', c.id, (e.target as HTMLInputElement).value);
                      this.renaming = undefined;
                    } else if (e.key === 'Escape') this.renaming = undefined;
                  }}
                />
              </li>`
            : html`<li aria-current=${c.id === this.currentId ? 'true' : nothing}>
                <button class="open" title=${c.title} @click=${() => request('open', c.id)}>${c.title}</button>
                <button class="small" aria-label="Rename ${c.title}" @click=${() => this.startRename(c.id)}>Rename</button>
                <button class="small danger" aria-label="Delete ${c.title}" @click=${() => request('delete', c.id)}>
                  Delete
                </button>
              </li>`,
        )}
      </ul>
      ${this.conversations.length === 0 ? html`<p class="muted">Your conversations are kept on this device.</p>` : nothing}`;
  }

  private async startRename(id: string) {
    this.renaming = id;
    await this.updateComplete;
    const input = this.renderRoot.querySelector('input');
    input?.focus();
    input?.select();
  }
}
