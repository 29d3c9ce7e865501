import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { createRef, ref, type Ref } from 'lit/directives/ref.js';
import { MarkdownStream, splitPlainText } from '../../chat/markdown.js';
import { finiteFigures, type ChatMessage } from '../../chat/conversation.js';
import { tokens } from '../shared/tokens.styles.js';
import { chatMessageStyles } from './chat-message.styles.js';
import { ApertoMessageActionEvent } from '../../events/message-action.js';

/**
 * @summary One message of a chat. Replies render as sanitised markdown, streaming with a flat cost
 * per token; reasoning shows in a collapsible "Thinking" block.
 * @csspart bubble - The message body.
 * @attr links - `text`: links in the reply show as plain text and lead nowhere (a kiosk); otherwise they open in a new tab.
 * @fires aperto-message-action - Regenerate or Edit and resend.
 */
export class ApertoChatMessage extends LitElement {
  static override styles = [tokens, chatMessageStyles];
  static override properties = {
    message: { attribute: false },
    last: { type: Boolean },
    busy: { type: Boolean },
    links: {},
    roleName: { attribute: 'role-name', reflect: true },
    editing: { state: true },
    thinkingOpen: { state: true },
  };

  declare message?: ChatMessage;
  /** The last message of the conversation: only it offers Regenerate. */
  declare last: boolean;
  declare busy: boolean;
  /** `text`: links are turned into plain text as they appear. */
  declare links: string | null;
  declare roleName: string;
  declare editing: boolean;
  declare thinkingOpen: boolean;

  private readonly answerRef: Ref<HTMLDivElement> = createRef();
  private readonly thinkingRef: Ref<HTMLDivElement> = createRef();
  private readonly unformattedRef: Ref<HTMLParagraphElement> = createRef();
  private answer?: MarkdownStream;
  private thinking?: MarkdownStream;
  private thinkingToggled = false;
  /** Watches the rendered reply while links must be text: markdown renders on animation frames. */
  private linkGuard?: MutationObserver;

  constructor() {
    super();
    this.last = false;
    this.busy = false;
    this.links = null;
    this.roleName = 'assistant';
    this.editing = false;
    this.thinkingOpen = true;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('message') && this.message) {
      this.roleName = this.message.role;
      if (changed.get('message')?.id !== this.message.id) this.thinkingToggled = false;
    }
    // Thoughts stay open while they stream, and fold away once the answer starts (unless the
    // reader opened or closed them by hand).
    if (!this.thinkingToggled && this.message) this.thinkingOpen = this.message.status === 'streaming' && !this.message.content;
  }

  override updated(): void {
    const m = this.message;
    if (!m || m.role !== 'assistant') return;
    const streaming = m.status === 'streaming';
    this.answer = sync(this.answer, this.answerRef.value, m.content, !streaming, streaming);
    this.thinking = sync(this.thinking, this.thinkingRef.value, m.thinking ?? '', !streaming || !!m.content, streaming);
    // Known only as the markdown reads the text (a long one, over several tasks), so shown from
    // here rather than from render().
    for (const stream of [this.answer, this.thinking]) if (stream) stream.onShownPlain = this.showUnformattedNote;
    this.showUnformattedNote();
    this.guardLinks();
  }

  private readonly showUnformattedNote = () => {
    const note = this.unformattedRef.value;
    if (note) note.hidden = !(this.answer?.shownPlain || this.thinking?.shownPlain);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.guardLinks();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.linkGuard?.disconnect();
    this.linkGuard = undefined;
  }

  /**
   * With `links="text"`, every link the markdown renders becomes plain text before the browser
   * paints it (a MutationObserver runs as a microtask after each render), so nothing in a reply
   * can take a visitor to another site.
   */
  private guardLinks(): void {
    if (this.links !== 'text') {
      this.linkGuard?.disconnect();
      this.linkGuard = undefined;
      return;
    }
    if (!this.linkGuard) {
      this.linkGuard = new MutationObserver(() => linksAsText(this.renderRoot));
      this.linkGuard.observe(this.renderRoot, { childList: true, subtree: true });
    }
    linksAsText(this.renderRoot);
  }

  override render() {
    const m = this.message;
    if (!m) return nothing;
    return m.role === 'user' ? this.renderUser(m) : this.renderReply(m);
  }

  private renderUser(m: ChatMessage) {
    if (this.editing) {
      return html`<div class="bubble" part="bubble">
        <label class="who" for="edit">Edit your message</label>
        <textarea id="edit" .value=${m.content} aria-label="Edit message"></textarea>
        <div class="actions">
          <button class="primary" @click=${this.resend}>Send edited message</button>
          <button @click=${() => (this.editing = false)}>Cancel edit</button>
        </div>
      </div>`;
    }
    return html`<div class="who">You</div>
      <div class="bubble" part="bubble">${this.userText(m.content)}</div>
      <div class="actions">
        <button ?disabled=${this.busy} @click=${() => (this.editing = true)} aria-label="Edit and resend this message">
          Edit
        </button>
      </div>`;
  }

  private userPieces?: { text: string; pieces: ReturnType<typeof html>[] };

  /**
   * A user's words, as written. A very long message (an import may hold a megabyte) is cut into
   * pieces the browser can skip laying out while they are off screen; one text node of a megabyte
   * would take it a third of a second to lay out, whenever the message is opened.
   */
  private userText(text: string) {
    if (text.length <= USER_TEXT_IN_ONE_PIECE) return text;
    if (this.userPieces?.text !== text) {
      this.userPieces = { text, pieces: splitPlainText(text).map((piece) => html`<div class="piece">${piece}</div>`) };
    }
    return this.userPieces.pieces;
  }

  private renderReply(m: ChatMessage) {
    const streaming = m.status === 'streaming';
    return html`<div class="who">Assistant${m.modelId ? ` · ${m.modelId}` : ''}</div>
      <div class="bubble" part="bubble" aria-busy=${streaming ? 'true' : 'false'}>
        ${m.droppedTurns
          ? html`<p class="state" role="note">
              ${m.droppedTurns === 1 ? 'The oldest exchange was' : `The ${m.droppedTurns} oldest exchanges were`} left out of
              this reply so the conversation fits the model’s context window.
            </p>`
          : nothing}
        ${m.thinking !== undefined
          ? html`<details class="thinking" ?open=${this.thinkingOpen} @toggle=${this.onThinkingToggle}>
              <summary>${streaming && !m.content ? 'Thinking…' : 'Thinking'}</summary>
              <div class="md" ${ref(this.thinkingRef)}></div>
            </details>`
          : nothing}
        <div class="md ${streaming ? 'cursor' : ''}" ${ref(this.answerRef)}></div>
        <p class="state" role="note" data-state="unformatted" hidden ${ref(this.unformattedRef)}>
          Some of this reply is shown as plain text: too long or too deeply nested to format.
        </p>
        ${m.status === 'stopped' ? html`<p class="state" data-state="stopped">Stopped before the end.</p>` : nothing}
        ${m.status === 'error' ? html`<p class="state error" role="alert" data-state="error">${m.error}</p>` : nothing}
      </div>
      ${this.renderFigures(m)}
      ${this.last && !streaming
        ? html`<div class="actions">
            <button ?disabled=${this.busy} @click=${this.regenerate}>Regenerate</button>
          </div>`
        : nothing}`;
  }

  private renderFigures(m: ChatMessage) {
    if (!m.figures) return nothing;
    // A speed web-llm could not measure (NaN) is left out, not shown as "NaN tok/s".
    const f = finiteFigures(m.figures);
    const streaming = m.status === 'streaming';
    const items: string[] = [];
    if (f.timeToFirstTokenMs !== undefined) items.push(`first token ${(f.timeToFirstTokenMs / 1000).toFixed(2)} s`);
    if (f.prefillTokensPerSecond !== undefined && !streaming) items.push(`prefill ${f.prefillTokensPerSecond.toFixed(1)} tok/s`);
    if (f.decodeTokensPerSecond !== undefined) items.push(`${streaming ? 'now ' : 'decode '}${f.decodeTokensPerSecond.toFixed(1)} tok/s`);
    if (f.completionTokens !== undefined) items.push(`${f.completionTokens} tokens`);
    if (items.length === 0) return nothing;
    return html`<div class="figures" aria-label="Speed figures">${items.map((i) => html`<span>${i}</span>`)}</div>`;
  }

  private onThinkingToggle(event: Event) {
    const open = (event.target as HTMLDetailsElement).open;
    if (open !== this.thinkingOpen) {
      this.thinkingToggled = true;
      this.thinkingOpen = open;
    }
  }

  private regenerate() {
    if (this.message) this.dispatchEvent(new ApertoMessageActionEvent('regenerate', this.message.id));
  }

  private resend() {
    const text = this.renderRoot.querySelector('textarea')?.value ?? '';
    if (!this.message || !text.trim()) return;
    this.editing = false;
    this.dispatchEvent(new ApertoMessageActionEvent('edit', this.message.id, text));
  }
}

/** Replace every link under `root` by its text. */
function linksAsText(root: ParentNode): void {
  for (const link of root.querySelectorAll('a')) {
    const text = document.createElement('span');
    text.className = 'link-text';
    text.append(...link.childNodes);
    link.replaceWith(text);
  }
}

/** Longest user message shown as one text node (laid out in ~10 ms). */
const USER_TEXT_IN_ONE_PIECE = 32_000;

/**
 * Bring a markdown view in line with the text: append when the text only grew, start over
 * otherwise. While streaming, text only ever grows, so the (length-proportional) prefix check is
 * skipped to keep the cost per token flat. Returns the stream bound to the current container.
 */
function sync(stream: MarkdownStream | undefined, container: HTMLElement | undefined, text: string, done: boolean, growing: boolean) {
  if (!container) return undefined;
  if (!stream || stream.root !== container) stream = new MarkdownStream(container);
  if (growing && text.length >= stream.length) {
    stream.append(text.slice(stream.length));
    if (done) stream.finish();
    return stream;
  }
  const shown = stream.value;
  if (text.startsWith(shown)) {
    stream.append(text.slice(shown.length));
    if (done) stream.finish();
  } else {
    stream.reset(text, done);
  }
  return stream;
}
