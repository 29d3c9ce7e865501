/**
 * One chat: the conversation on screen, the reply being generated, and keeping both on this
 * device. Elements observe it through its `change` and `delta` events; all the logic (stop,
 * regenerate, edit and resend, trimming to the context window, saving) lives here so it can be
 * tested without a screen.
 */
import type { ChatEngine } from '../engine/chat-engine.js';
import { toEngineError } from '../engine/errors.js';
import type { ConversationStore, ConversationSummary } from '../storage/conversations.js';
import {
  DEFAULT_SETTINGS,
  newConversation,
  newId,
  parseImport,
  titleFrom,
  type ChatMessage,
  type Conversation,
  type ConversationSettings,
} from './conversation.js';
import { buildPrompt, countTurns } from './prompt.js';
import { supportsThinkingSwitch, ThinkingSplitter } from './thinking.js';

/** While streaming, the conversation is saved at most this often, so closing the tab loses little. */
const SAVE_EVERY_MS = 500;

export class ChatDeltaEvent extends Event {
  constructor(readonly message: ChatMessage) {
    super('delta');
  }
}

export { supportsThinkingSwitch };

export class ChatSession extends EventTarget {
  conversation: Conversation = newConversation();
  conversations: ConversationSummary[] = [];
  /** The reply being generated, if any. */
  streaming: ChatMessage | undefined;
  /** A message for the person that is not part of the conversation (a save failure, an import error). */
  notice = '';
  /** The reply being asked for waits while another tab of the site uses the model (shared GPU worker). */
  waitingForOtherTab = false;
  /**
   * The settings new chats start from: the person's own, as last set in the settings panel. Never
   * taken from an imported conversation, so instructions in a file cannot follow into later chats.
   */
  private ownSettings: ConversationSettings = { ...DEFAULT_SETTINGS };
  /** Settings the host page fixed (the element's attributes); they override every conversation's. */
  private pinned: Partial<ConversationSettings> = {};
  /** An imported conversation's own system prompt, held until the person uses or ignores it. */
  private offer: { conversationId: string; systemPrompt: string } | undefined;
  /** The store's count of unreadable records when it was last reported. */
  private reportedSkips = 0;
  private stopRequested = false;
  /** Stops this session's reply only (never another caller's request to the same engine). */
  private replyStop?: AbortController;
  private lastSave = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    public engine: ChatEngine,
    private readonly storage: ConversationStore,
  ) {
    super();
    // A store shared with an earlier session has already had its skips reported there.
    this.reportedSkips = storage.skippedRecords;
  }

  /** Reopen the conversation that was open before the page was closed. */
  async restore(): Promise<void> {
    const own = await this.storage.ownSettings().catch(() => undefined);
    if (own === 'unreadable') this.notice = 'Your saved chat settings could not be read; the standard ones are used until you change them.';
    else if (own) this.ownSettings = { ...DEFAULT_SETTINGS, ...own };
    const openId = await this.storage.openId();
    const saved = openId ? await this.storage.load(openId) : undefined;
    // Listed after the load: an open conversation that could not be read has just left the list.
    this.conversations = await this.storage.list();
    if (saved) {
      // A reply that was streaming when the tab closed keeps what had arrived, marked stopped.
      for (const m of saved.messages) if (m.status === 'streaming') m.status = 'stopped';
      this.conversation = this.withPinned(saved);
    } else if (this.conversation.messages.length === 0) {
      this.conversation.settings = this.startingSettings();
    }
    this.reportSkippedRecords();
    this.changed();
  }

  /** An imported conversation's own system prompt, while the person has not chosen to use or ignore it. */
  get proposedSystemPrompt(): string | undefined {
    return this.offer?.conversationId === this.conversation.id ? this.offer.systemPrompt : undefined;
  }

  get busy(): boolean {
    return this.streaming !== undefined;
  }

  async send(text: string): Promise<void> {
    if (!text.trim() || this.busy) return;
    const message: ChatMessage = { id: newId(), role: 'user', content: text, status: 'complete', createdAt: Date.now() };
    if (this.conversation.messages.length === 0) this.conversation.title = titleFrom(text);
    this.conversation.messages.push(message);
    await this.save();
    await this.reply();
  }

  stop(): void {
    if (!this.busy) return;
    this.stopRequested = true;
    this.replyStop?.abort();
  }

  /** Replace the last reply with a new one. */
  async regenerate(): Promise<void> {
    if (this.busy) return;
    const messages = this.conversation.messages;
    while (messages.length && messages[messages.length - 1].role === 'assistant') messages.pop();
    if (!messages.length) return;
    await this.reply();
  }

  /** Change an earlier message of yours and ask again from there; later messages are replaced. */
  async editAndResend(messageId: string, text: string): Promise<void> {
    if (this.busy || !text.trim()) return;
    const index = this.conversation.messages.findIndex((m) => m.id === messageId && m.role === 'user');
    if (index === -1) return;
    const edited = { ...this.conversation.messages[index], content: text, createdAt: Date.now() };
    this.conversation.messages.splice(index, Infinity, edited);
    if (index === 0) this.conversation.title = titleFrom(text);
    await this.save();
    await this.reply();
  }

  async newChat(): Promise<void> {
    if (this.busy) this.stop();
    this.conversation = newConversation(this.startingSettings());
    await this.storage.setOpenId(this.conversation.id).catch(() => undefined);
    this.changed();
  }

  async open(id: string): Promise<void> {
    if (this.busy || id === this.conversation.id) return;
    const saved = await this.storage.load(id);
    if (!saved) {
      this.notice = 'That conversation is no longer on this device.';
      this.conversations = await this.storage.list();
      this.reportSkippedRecords();
      this.changed();
      return;
    }
    this.conversation = this.withPinned(saved);
    await this.storage.setOpenId(id).catch(() => undefined);
    this.changed();
  }

  async rename(id: string, title: string): Promise<void> {
    const clean = title.replace(/\s+/g, ' ').trim().slice(0, 300);
    if (!clean) return;
    if (id === this.conversation.id) {
      this.conversation.title = clean;
      await this.save();
      return;
    }
    const saved = await this.storage.load(id);
    if (saved) {
      saved.title = clean;
      await this.storage.save(saved);
    }
    this.conversations = await this.storage.list();
    this.reportSkippedRecords();
    this.changed();
  }

  async remove(id: string): Promise<void> {
    if (id === this.conversation.id && this.busy) this.stop();
    await this.storage.delete(id);
    this.conversations = await this.storage.list();
    if (id === this.conversation.id) this.conversation = newConversation(this.startingSettings());
    this.reportSkippedRecords();
    this.changed();
  }

  /**
   * Import an exported conversation as a new one; a bad file changes nothing. A system prompt in
   * the file is not used until the person accepts it (useProposedSystemPrompt): until then, and if
   * they ignore it, the conversation runs with their own.
   */
  async importJson(fileText: string): Promise<boolean> {
    try {
      const imported = parseImport(fileText, Date.now(), this.ownSettings);
      if (this.busy) this.stop();
      const brought = imported.settings.systemPrompt;
      imported.settings = { ...imported.settings, systemPrompt: this.ownSettings.systemPrompt };
      this.conversation = this.withPinned(imported);
      const proposes = brought.trim() !== '' && brought !== imported.settings.systemPrompt && this.pinned.systemPrompt === undefined;
      this.offer = proposes ? { conversationId: imported.id, systemPrompt: brought } : undefined;
      this.notice = proposes
        ? `Imported “${imported.title}”. It brings its own system prompt: read it below, then use it or ignore it.`
        : `Imported “${imported.title}”.`;
      await this.save();
      return true;
    } catch (error) {
      this.notice = `Nothing was imported. ${error instanceof Error ? error.message : String(error)}`;
      this.changed();
      return false;
    }
  }

  /** Use the imported conversation's own system prompt for that conversation (only; new chats keep the person's own). */
  async useProposedSystemPrompt(): Promise<void> {
    const systemPrompt = this.proposedSystemPrompt;
    if (systemPrompt === undefined) return;
    this.offer = undefined;
    this.conversation.settings = { ...this.conversation.settings, systemPrompt };
    await this.save();
  }

  /** Keep the person's own system prompt for the imported conversation. */
  ignoreProposedSystemPrompt(): void {
    if (this.proposedSystemPrompt === undefined) return;
    this.offer = undefined;
    this.changed();
  }

  /** Settings the person chose (the settings panel): for this conversation and the chats after it. */
  async updateSettings(settings: Partial<ConversationSettings>): Promise<void> {
    this.ownSettings = { ...this.ownSettings, ...settings };
    await this.storage.setOwnSettings(this.ownSettings).catch(() => undefined);
    this.conversation.settings = { ...this.conversation.settings, ...settings };
    await this.save();
  }

  /**
   * Settings the host page fixes (the element's attributes): they override every conversation's,
   * an imported one's included. Replaces what was pinned before.
   */
  async pinSettings(pinned: Partial<ConversationSettings>): Promise<void> {
    this.pinned = { ...pinned };
    if (Object.keys(pinned).length === 0) return;
    if (pinned.systemPrompt !== undefined) this.offer = undefined;
    this.conversation = this.withPinned(this.conversation);
    await this.save();
  }

  /** What a new chat starts with: the defaults, the person's own choices, then the host page's. */
  private startingSettings(): ConversationSettings {
    return { ...DEFAULT_SETTINGS, ...this.ownSettings, ...this.pinned };
  }

  private withPinned(conversation: Conversation): Conversation {
    conversation.settings = { ...conversation.settings, ...this.pinned };
    return conversation;
  }

  /** Say once that stored conversations had to be left out (the store counts them as it meets them). */
  private reportSkippedRecords(): void {
    const skipped = this.storage.skippedRecords;
    if (!(skipped > this.reportedSkips)) return;
    this.reportedSkips = skipped;
    this.notice = 'A stored conversation could not be read and was skipped.';
  }

  /** Generate a reply to the conversation as it stands. */
  private async reply(): Promise<void> {
    const conversation = this.conversation;
    const history = [...conversation.messages];
    const modelId = this.engine.store.modelId;
    const reply: ChatMessage = { id: newId(), role: 'assistant', content: '', status: 'streaming', createdAt: Date.now(), modelId };
    conversation.messages.push(reply);
    this.streaming = reply;
    this.stopRequested = false;
    const replyStop = (this.replyStop = new AbortController());
    let stoppedEarly = false;
    this.changed();

    const { settings } = conversation;
    const sentAt = performance.now();
    let firstAt: number | undefined;
    let splitter = new ThinkingSplitter();
    let deltas = 0;
    let dropTurns = 0;
    const maxDrop = Math.max(0, countTurns(history) - 1);
    for (;;) {
      try {
        const stream = this.engine.streamChat({
          messages: buildPrompt(settings.systemPrompt, history, dropTurns),
          temperature: settings.temperature,
          topP: settings.topP,
          maxTokens: settings.maxTokens,
          signal: replyStop.signal,
          ...(supportsThinkingSwitch(modelId) ? { enableThinking: settings.thinking } : {}),
        });
        for await (const event of stream) {
          if (event.type === 'waiting') {
            this.waitingForOtherTab = true;
            this.changed();
            continue;
          }
          if (this.waitingForOtherTab) {
            this.waitingForOtherTab = false;
            this.changed();
          }
          if (event.type === 'delta') {
            const now = performance.now();
            firstAt ??= now;
            deltas++;
            const split = splitter.push(event.text);
            reply.content = split.answer;
            if (split.thinking || split.thinkingOpen) reply.thinking = split.thinking;
            const decodeSeconds = (now - firstAt) / 1000;
            reply.figures = {
              timeToFirstTokenMs: firstAt - sentAt,
              completionTokens: deltas,
              ...(decodeSeconds > 0.2 ? { decodeTokensPerSecond: (deltas - 1) / decodeSeconds } : {}),
            };
            this.dispatchEvent(new ChatDeltaEvent(reply));
            this.saveSoon();
          } else if (event.type === 'stopped') {
            // By Stop, or by the engine (another model loaded, this one deleted): not complete.
            stoppedEarly = true;
          } else {
            const u = event.usage;
            reply.figures = {
              ...reply.figures,
              promptTokens: u.promptTokens,
              completionTokens: u.completionTokens,
              ...(u.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: u.timeToFirstTokenMs } : {}),
              ...(u.prefillTokensPerSecond !== undefined ? { prefillTokensPerSecond: u.prefillTokensPerSecond } : {}),
              ...(u.decodeTokensPerSecond !== undefined ? { decodeTokensPerSecond: u.decodeTokensPerSecond } : {}),
            };
          }
        }
        reply.status = this.stopRequested || stoppedEarly ? 'stopped' : 'complete';
        break;
      } catch (raw_) {
        const error = toEngineError(raw_);
        // Too long for the model: leave out the oldest exchange and try again, never the system
        // prompt and never the message being answered.
        if (error.code === 'context-window' && splitter.text === '' && dropTurns < maxDrop && !this.stopRequested) {
          dropTurns++;
          splitter = new ThinkingSplitter();
          continue;
        }
        reply.status = splitter.text && this.stopRequested ? 'stopped' : 'error';
        reply.error = `${error.message} ${error.hint}`;
        break;
      }
    }
    if (this.replyStop === replyStop) this.replyStop = undefined;
    this.waitingForOtherTab = false;
    if (dropTurns) reply.droppedTurns = dropTurns;
    // While streaming, the reply is mutated in place (cheap per token); the finished one is a new
    // object so views that compare by identity see the final status and figures.
    const index = conversation.messages.indexOf(reply);
    if (index !== -1) conversation.messages[index] = { ...reply };
    this.streaming = undefined;
    await this.save();
  }

  private saveSoon(): void {
    if (this.saveTimer) return;
    const wait = Math.max(0, SAVE_EVERY_MS - (Date.now() - this.lastSave));
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save(false);
    }, wait);
  }

  /** Save now (e.g. when the page is being hidden). */
  flush(): Promise<void> {
    return this.save(false);
  }

  private async save(announce = true): Promise<void> {
    this.lastSave = Date.now();
    const conversation = this.conversation;
    conversation.updatedAt = Date.now();
    try {
      await this.storage.save(conversation);
      await this.storage.setOpenId(conversation.id);
      this.conversations = await this.storage.list();
      if (this.notice.startsWith('Could not save')) this.notice = '';
      this.reportSkippedRecords();
    } catch (error) {
      const quota = /quota/i.test(String(error));
      this.notice = quota
        ? 'Could not save: this browser’s storage is full. The conversation stays on screen; delete models or old chats to make room.'
        : `Could not save the conversation (${String(error)}). It stays on screen.`;
    }
    if (announce) this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
