import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { createRef, ref, type Ref } from 'lit/directives/ref.js';
import { repeat } from 'lit/directives/repeat.js';
import { ChatSession, supportsThinkingSwitch, type ChatDeltaEvent } from '../../chat/chat-session.js';
import { toExportJson, toMarkdown } from '../../chat/conversation.js';
import type { ChatEngine } from '../../engine/chat-engine.js';
import { checkNumber, checkText } from '../../app/parameters.js';
import type { Conversation, ConversationSettings } from '../../chat/conversation.js';
import { ApertoMessageEvent } from '../../events/message.js';
import { ApertoConversationRequestEvent } from '../../events/conversation-request.js';
import { ConversationStore } from '../../storage/conversations.js';
import { ApertoMessageActionEvent } from '../../events/message-action.js';
import { ApertoSettingsChangeEvent } from '../../events/settings-change.js';
import { downloadText } from '../shared/download.js';
import { isSendKey } from '../shared/keys.js';
import { PageEngineController } from '../shared/page-engine-controller.js';
import { tokens } from '../shared/tokens.styles.js';
import { chatStyles } from './chat.styles.js';
import { ApertoChatHistory } from '../chat-history/chat-history.js';
import { ApertoChatMessage } from '../chat-message/chat-message.js';
import { ApertoChatSettings } from '../chat-settings/chat-settings.js';
import { ApertoRemoteNotice } from '../remote-notice/remote-notice.js';
import { defineOnce } from '../shared/define-once.js';

/** How close to the bottom (px) still counts as "following" the stream. */
const FOLLOW_SLACK = 48;
/** A streaming reply is re-rendered at most this often (about 20 times a second). */
const RENDER_INTERVAL_MS = 50;

/**
 * @summary A chat with the loaded model: streaming replies, stop, regenerate, edit and resend,
 * per-conversation settings, and conversations kept on this device.
 *
 * Usable on its own: `<aperto-chat model="…" autoload system-prompt="…" temperature="0.7">`. All
 * elements of a page share one engine (one worker, one model).
 *
 * @fires aperto-ready - A model is loaded; `detail: {modelId, engine}`.
 * @fires aperto-progress - Model loading progress; `detail: {modelId, phase, progress, loadedBytes, totalBytes?}`.
 * @fires aperto-message - A reply finished; `detail: {conversationId, messageId, role, content, status}`.
 * @fires aperto-error - A load or reply failed, or an attribute was unusable; `detail: {code, message, hint}`.
 * @slot model-offer - What to do while no model is loaded (the app offers one model here, one press away).
 * @csspart log - The message list.
 * @csspart composer - The message box and its buttons.
 * @csspart progress - The model loading progress.
 * @csspart load-button - The button that loads the `model` attribute's model.
 * @csspart system-prompt-offer - An imported conversation's system prompt, offered for use or to ignore.
 * @cssprop --aperto-chat-height - Height of the chat area.
 * @cssprop --aperto-accent - Accent colour (buttons, links).
 */
export class ApertoChat extends LitElement {
  static override styles = [tokens, chatStyles];
  static override properties = {
    engine: { attribute: false },
    enginePreference: { attribute: 'engine' },
    server: {},
    model: {},
    autoload: { type: Boolean },
    systemPrompt: { attribute: 'system-prompt' },
    temperature: {},
    storage: { attribute: false },
    noHistory: { type: Boolean, attribute: 'no-history', reflect: true },
    noToolbar: { type: Boolean, attribute: 'no-toolbar', reflect: true },
    links: {},
    showSettings: { state: true },
    showHistory: { type: Boolean, attribute: 'show-history', reflect: true },
    showFileActions: { type: Boolean, attribute: 'show-file-actions', reflect: true },
    following: { state: true },
    announcement: { state: true },
    draft: { state: true },
  };

  /** Defaults to the page's one engine. */
  declare engine: ChatEngine | undefined;
  /** Which engine the page uses if this element is the first to ask: auto (default), webgpu, cpu, remote. */
  declare enginePreference: string | null;
  /**
   * With `engine="remote"`: the OpenAI-compatible server's address (`https://…/v1`), chosen by the
   * site owner; what people type is sent there. The page's Content-Security-Policy must allow it.
   */
  declare server: string | null;
  /** A catalog id or a model URL to load (on Load, or at once with `autoload`). */
  declare model: string | null;
  declare autoload: boolean;
  /** Instructions for the model, applied to this element's conversations. */
  declare systemPrompt: string | null;
  /** Sampling temperature 0–2 for this element's conversations. */
  declare temperature: string | number | null;
  declare storage: ConversationStore;
  declare noHistory: boolean;
  /** Hide the title bar's buttons (settings, export, import): for kiosks. */
  declare noToolbar: boolean;
  /** `text`: links in replies show as plain text and open nothing (for kiosks); otherwise they open in a new tab. */
  declare links: string | null;
  declare showSettings: boolean;
  /** Narrow screens: the conversation list is folded away behind "Chats" unless opened. */
  declare showHistory: boolean;
  /** Narrow screens: Export and Import are folded away behind "More" unless opened. */
  declare showFileActions: boolean;
  declare following: boolean;
  declare announcement: string;
  declare draft: string;

  session?: ChatSession;
  private readonly logRef: Ref<HTMLDivElement> = createRef();
  private readonly inputRef: Ref<HTMLTextAreaElement> = createRef();
  private readonly fileRef: Ref<HTMLInputElement> = createRef();

  private readonly pageEngine = new PageEngineController(this, {
    explicitEngine: () => this.engine,
    onEngine: (page) => {
      this.engine = page.engine;
      this.startSession();
    },
  });

  constructor() {
    super();
    // The elements it renders (see define-once.ts).
    defineOnce({ 'aperto-chat-history': ApertoChatHistory, 'aperto-chat-message': ApertoChatMessage, 'aperto-chat-settings': ApertoChatSettings, 'aperto-remote-notice': ApertoRemoteNotice });
    this.engine = undefined;
    this.enginePreference = null;
    this.server = null;
    this.model = null;
    this.autoload = false;
    this.systemPrompt = null;
    this.temperature = null;
    this.storage = new ConversationStore();
    this.noHistory = false;
    this.noToolbar = false;
    this.links = null;
    this.showSettings = false;
    this.showHistory = false;
    this.showFileActions = false;
    this.following = true;
    this.announcement = '';
    this.draft = '';
    this.addEventListener(ApertoMessageActionEvent.type, (e) => void this.onMessageAction(e));
    this.addEventListener(ApertoConversationRequestEvent.type, (e) => void this.onConversationRequest(e));
    this.addEventListener(ApertoSettingsChangeEvent.type, (e) => void this.session?.updateSettings(e.settings));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.startSession();
    window.addEventListener('pagehide', this.onPageHide);
    document.addEventListener('visibilitychange', this.onPageHide);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pagehide', this.onPageHide);
    document.removeEventListener('visibilitychange', this.onPageHide);
    void this.session?.flush();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (this.session && this.engine && this.session.engine !== this.engine) this.session.engine = this.engine;
    if (changed.has('systemPrompt') || changed.has('temperature')) this.applyPinnedSettings();
    if (changed.has('model') && this.hasUpdated) this.pageEngine.modelChanged();
  }

  /** A session once there is an engine: one given directly, or the page's. */
  private startSession(): void {
    if (this.session || !this.engine) return;
    this.session = new ChatSession(this.engine, this.storage);
    this.session.addEventListener('change', this.onSessionChange);
    this.session.addEventListener('delta', this.onDelta as EventListener);
    void this.session.restore().then(() => this.applyPinnedSettings());
    this.requestUpdate();
  }

  /** Settings fixed by the element's attributes; they override the conversation's own. */
  private pinnedSettings(): Partial<ConversationSettings> {
    const pinned: Partial<ConversationSettings> = {};
    const problems: string[] = [];
    const prompt = checkText('system-prompt', this.systemPrompt, 8000);
    if (prompt.problem) problems.push(prompt.problem);
    if (prompt.value !== undefined) pinned.systemPrompt = prompt.value;
    const raw = this.temperature === null || this.temperature === undefined ? null : String(this.temperature);
    const temperature = checkNumber('temperature', raw, { min: 0, max: 2, fallback: undefined }, 'attribute');
    if (temperature.problem) problems.push(temperature.problem);
    if (temperature.value !== undefined) pinned.temperature = temperature.value;
    this.pageEngine.setProblems('settings', problems);
    return pinned;
  }

  private applyPinnedSettings(): void {
    const pinned = this.pinnedSettings();
    if (this.session) void this.session.pinSettings(pinned);
  }

  private readonly onPageHide = () => {
    if (document.visibilityState === 'hidden' || !document.hidden) void this.session?.flush();
  };

  private readonly onSessionChange = () => {
    const streaming = this.session?.streaming;
    if (this.wasStreaming && !streaming) {
      this.announceReply();
      this.reportReply();
    }
    this.wasStreaming = streaming?.id;
    this.requestUpdate();
  };

  private wasStreaming?: string;

  private deltaTimer: ReturnType<typeof setTimeout> | undefined;
  private lastDeltaRender = 0;
  private readonly pendingDeltas = new Set<string>();

  /**
   * Tokens can arrive far faster than anyone reads (hundreds a second on a small model). The reply
   * is re-rendered with everything that arrived at most every RENDER_INTERVAL_MS, on an animation
   * frame, and the view follows the stream then. That keeps the page's work per second bounded
   * however fast the model is; on the CPU engine, time the page spends rendering is time the model's
   * worker waits for it.
   */
  private readonly onDelta = (event: ChatDeltaEvent) => {
    this.pendingDeltas.add(event.message.id);
    if (this.deltaTimer !== undefined) return;
    const wait = Math.max(0, this.lastDeltaRender + RENDER_INTERVAL_MS - performance.now());
    this.deltaTimer = setTimeout(() => requestAnimationFrame(this.renderDeltas), wait);
  };

  private readonly renderDeltas = () => {
    this.deltaTimer = undefined;
    this.lastDeltaRender = performance.now();
    const updates: Promise<boolean>[] = [];
    for (const id of this.pendingDeltas) {
      const element = this.renderRoot.querySelector<ApertoChatMessage>(`aperto-chat-message[data-id="${id}"]`);
      if (!element) continue;
      element.requestUpdate();
      updates.push(element.updateComplete);
    }
    this.pendingDeltas.clear();
    void Promise.all(updates).then(() => this.followStream());
  };

  /**
   * Forget the conversation on screen and start an empty one (a kiosk's idle reset): the next
   * visitor must not find the previous one's words, so it is deleted from this device too.
   */
  async startOver(): Promise<void> {
    this.draft = '';
    // What a screen reader was last told is the previous visitor's reply too.
    this.announcement = '';
    const session = this.session;
    if (!session) return;
    const previous = session.conversation.id;
    // The screen first, whatever storage then does: newChat swaps in an empty conversation before it
    // waits for anything, and a save still pending now writes that one, not the previous.
    const cleared = session.newChat();
    this.requestUpdate();
    await cleared;
    await session.remove(previous);
  }

  /** Tell the host page about the finished reply. */
  private reportReply(): void {
    const conversation = this.session?.conversation;
    const last = conversation?.messages.at(-1);
    if (!conversation || !last || last.role !== 'assistant') return;
    const status = last.status === 'error' ? 'error' : last.status === 'stopped' ? 'stopped' : 'done';
    this.dispatchEvent(
      new ApertoMessageEvent({ conversationId: conversation.id, messageId: last.id, role: 'assistant', content: last.content, status }),
    );
  }

  private announceReply(): void {
    const messages = this.session?.conversation.messages ?? [];
    const last = messages[messages.length - 1];
    if (!last || last.role !== 'assistant') return;
    const what = last.status === 'error' ? 'The reply failed' : last.status === 'stopped' ? 'Reply stopped' : 'Reply';
    this.announcement = `${what}: ${last.content.slice(0, 240)}`;
  }

  override updated(): void {
    this.followStream();
  }

  private followStream(): void {
    const log = this.logRef.value;
    if (log && this.following) log.scrollTop = log.scrollHeight;
  }

  private lastScrollTop = 0;

  /**
   * Stop following only when the reader scrolls up. Content growing under a programmatic scroll
   * also fires scroll events with the view short of the bottom; those must not stop following.
   */
  private onScroll = () => {
    const log = this.logRef.value;
    if (!log) return;
    const top = log.scrollTop;
    const atBottom = log.scrollHeight - top - log.clientHeight < FOLLOW_SLACK;
    if (atBottom) this.following = true;
    else if (top < this.lastScrollTop - 2) this.following = false;
    this.lastScrollTop = top;
  };

  private jumpToLatest() {
    this.following = true;
    const log = this.logRef.value;
    if (log) log.scrollTop = log.scrollHeight;
    this.inputRef.value?.focus();
  }

  private get ready(): boolean {
    const status = this.engine?.store.state.status;
    return status === 'ready' || status === 'generating';
  }

  private send() {
    const text = this.draft;
    if (!text.trim() || !this.session || this.session.busy || !this.ready) return;
    this.draft = '';
    this.following = true;
    void this.session.send(text);
  }

  private onKeydown(event: KeyboardEvent) {
    if (!isSendKey(event)) return;
    event.preventDefault();
    this.send();
  }

  private async onMessageAction(event: ApertoMessageActionEvent) {
    if (!this.session || !this.ready) return;
    this.following = true;
    if (event.action === 'regenerate') await this.session.regenerate();
    else if (event.text !== undefined) await this.session.editAndResend(event.messageId, event.text);
  }

  private async onConversationRequest(event: ApertoConversationRequestEvent) {
    const session = this.session;
    if (!session) return;
    switch (event.action) {
      case 'new':
        this.showHistory = false;
        await session.newChat();
        this.inputRef.value?.focus();
        break;
      case 'open':
        await session.open(event.conversationId!);
        this.following = true;
        // On a narrow screen the list covers the conversation: it has done its job.
        this.showHistory = false;
        break;
      case 'rename':
        await session.rename(event.conversationId!, event.title ?? '');
        break;
      case 'delete':
        await session.remove(event.conversationId!);
        break;
    }
  }

  private download(text: string, type: string, extension: string) {
    const conversation = this.session!.conversation;
    const name = conversation.title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 60) || 'chat';
    downloadText(text, type, `${name}.${extension}`);
  }

  private async importFile(event: Event) {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file || !this.session) return;
    if (file.size > 20 * 1024 * 1024) {
      this.session.notice = 'Nothing was imported. The file is larger than 20 MB.';
      this.requestUpdate();
      return;
    }
    await this.session.importJson(await file.text());
  }

  /**
   * An imported conversation's own system prompt, shown in full before it is used: it is text from
   * a file, so it may carry instructions the person would not give. Rendered as text, never markup.
   */
  private renderSystemPromptOffer(session: ChatSession) {
    const proposed = session.proposedSystemPrompt;
    if (proposed === undefined) return nothing;
    return html`<section class="offer" aria-labelledby="offer-title" part="system-prompt-offer">
      <p id="offer-title">This conversation brings its own system prompt:</p>
      <blockquote class="proposed-prompt" tabindex="0" aria-label="The imported system prompt">${proposed}</blockquote>
      <p class="offer-note">Until you choose, your own system prompt is used.</p>
      <div class="offer-actions">
        <button class="primary" @click=${() => void session.useProposedSystemPrompt()}>Use it</button>
        <button @click=${() => session.ignoreProposedSystemPrompt()}>Ignore</button>
      </div>
    </section>`;
  }

  private renderHeader(conversation: Conversation) {
    // On narrow screens the list of chats and the file buttons fold away behind "Chats" and "More"
    // (those two buttons show only there), so the conversation and the message box keep the screen.
    return html`<header>
      ${this.noHistory
        ? nothing
        : html`<button class="narrow-only" aria-expanded=${this.showHistory ? 'true' : 'false'} @click=${() => (this.showHistory = !this.showHistory)}>
            Chats
          </button>`}
      <h2 title=${conversation.title}>${conversation.title}</h2>
      <button aria-expanded=${this.showSettings ? 'true' : 'false'} @click=${() => (this.showSettings = !this.showSettings)}>
        Settings
      </button>
      <button class="narrow-only" aria-expanded=${this.showFileActions ? 'true' : 'false'} @click=${() => (this.showFileActions = !this.showFileActions)}>
        More
      </button>
      <span class="file-actions">
        <button @click=${() => this.download(toMarkdown(conversation), 'text/markdown', 'md')}>Export Markdown</button>
        <button @click=${() => this.download(toExportJson(conversation), 'application/json', 'json')}>Export JSON</button>
        <button @click=${() => this.fileRef.value?.click()}>Import JSON</button>
      </span>
      <input
        type="file"
        accept="application/json,.json"
        hidden
        aria-label="Conversation file to import"
        ${ref(this.fileRef)}
        @change=${this.importFile}
      />
    </header>`;
  }

  /**
   * One template with or without a session, so the composer is there at once, before the page has
   * chosen its engine, and stays the same element (focus and what was typed) when the session starts.
   */
  override render() {
    const session = this.session;
    const conversation = session?.conversation;
    const busy = session?.busy ?? false;
    const messages = conversation?.messages ?? [];
    const lastId = messages[messages.length - 1]?.id;
    return html`<div class="layout">
      ${this.noHistory || !session || !conversation
        ? nothing
        : html`<aperto-chat-history
            .conversations=${session.conversations}
            current-id=${conversation.id}
          ></aperto-chat-history>`}
      <div class="main">
        ${conversation ? this.renderHeader(conversation) : nothing}
        <div>
          ${session?.notice ? html`<p class="notice" role="status">${session.notice}</p>` : nothing}
          ${session?.waitingForOtherTab
            ? html`<p class="notice" role="status" data-notice="other-tab">Another tab is using the model… This reply starts when it is done.</p>`
            : nothing}
          ${session ? this.renderSystemPromptOffer(session) : nothing}
          ${this.pageEngine.problems.map((p) => html`<p class="notice" role="alert">${p}</p>`)}
          ${this.ready ? nothing : this.pageEngine.renderNotReady(this.engine?.store, 'to start chatting')}
          ${this.showSettings && conversation
            ? html`<div class="settings">
                <aperto-chat-settings
                  .settings=${conversation.settings}
                  ?thinking-switch=${supportsThinkingSwitch(this.engine?.store.modelId)}
                ></aperto-chat-settings>
              </div>`
            : nothing}
        </div>
        <div
          class="log"
          role="log"
          aria-live="off"
          aria-label="Messages"
          part="log"
          tabindex="0"
          ${ref(this.logRef)}
          @scroll=${this.onScroll}
        >
          ${messages.length === 0
            ? html`<p class="empty">Ask anything. The model runs on this device; nothing you type is sent anywhere.</p>`
            : repeat(
                messages,
                (m) => m.id,
                (m) => html`<aperto-chat-message
                  data-id=${m.id}
                  .message=${m}
                  ?last=${m.id === lastId}
                  ?busy=${busy || !this.ready}
                  links=${this.links ?? nothing}
                ></aperto-chat-message>`,
              )}
        </div>
        ${this.following ? nothing : html`<button class="jump" @click=${this.jumpToLatest}>Jump to latest</button>`}
        <aperto-remote-notice></aperto-remote-notice>
        <form class="composer" part="composer" @submit=${(e: Event) => (e.preventDefault(), this.send())}>
          <textarea
            aria-label="Message"
            rows="2"
            placeholder="Message the model (Enter sends, Shift+Enter adds a line)"
            .value=${this.draft}
            ${ref(this.inputRef)}
            @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)}
            @keydown=${this.onKeydown}
          ></textarea>
          <button class="primary" type="submit" ?disabled=${busy || !this.ready || !this.draft.trim()}>Send</button>
          <button type="button" ?disabled=${!busy} @click=${() => session?.stop()}>Stop</button>
        </form>
        <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
      </div>
    </div>`;
  }
}
