/**
 * Conversations on this device, in IndexedDB through idb-keyval. Each conversation is one record;
 * a small index (id, title, updatedAt) lists them without reading every message.
 *
 * What comes back from storage is untrusted (another tab, another version of the app, or a person
 * with the developer tools may have written it), so every value read is checked as an import is.
 * A record that is not a conversation is left out of the list and counted in `skippedRecords`,
 * never fatal; an index that is not a list is rebuilt from the records.
 */
import { createStore, del, get, keys, set, update, type UseStore } from 'idb-keyval';
import { parseStoredConversation, parseStoredSettings, type Conversation, type ConversationSettings } from '../chat/conversation.js';

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
}

const INDEX = 'conversation-index';
const OPEN = 'open-conversation';
/** The settings new chats start from: the person's own, never an imported conversation's. */
const OWN_SETTINGS = 'own-settings';
const PREFIX = 'conversation:';
const key = (id: string) => `${PREFIX}${id}`;

function isSummary(value: unknown): value is ConversationSummary {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<Record<keyof ConversationSummary, unknown>>;
  return typeof s.id === 'string' && typeof s.title === 'string' && typeof s.updatedAt === 'number' && Number.isFinite(s.updatedAt);
}

/** The index if every entry in it is a summary; undefined if it must be rebuilt. */
function checkedIndex(value: unknown): ConversationSummary[] | undefined {
  if (value === undefined) return [];
  return Array.isArray(value) && value.every(isSummary) ? value : undefined;
}

const summaryOf = (c: Conversation): ConversationSummary => ({ id: c.id, title: c.title, updatedAt: c.updatedAt });

export class ConversationStore {
  private readonly db: UseStore;
  /**
   * How many stored conversations could not be read and were left out of the list, since this store
   * was made. It only grows: a reader compares it with the count it last saw to say so once.
   */
  skippedRecords = 0;

  constructor(databaseName = 'aperto', storeName = 'conversations') {
    this.db = createStore(databaseName, storeName);
  }

  async list(): Promise<ConversationSummary[]> {
    const index = checkedIndex(await get<unknown>(INDEX, this.db)) ?? (await this.rebuildIndex());
    return [...index].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /** The conversation, or undefined if it is not on this device or could not be read (then it leaves the list). */
  async load(id: string): Promise<Conversation | undefined> {
    const value = await get<unknown>(key(id), this.db);
    if (value === undefined) return undefined;
    try {
      return parseStoredConversation(value, id);
    } catch {
      this.skippedRecords++;
      // The record itself stays (nothing is deleted that a person might still recover); the list
      // and the reopen-at-start-up forget it, so it is reported once, not at every start.
      await this.updateIndex((index) => index.filter((s) => s.id !== id));
      if ((await this.openId()) === id) await del(OPEN, this.db);
      return undefined;
    }
  }

  async save(conversation: Conversation): Promise<void> {
    await set(key(conversation.id), conversation, this.db);
    const summary = summaryOf(conversation);
    await this.updateIndex((index) => [...index.filter((s) => s.id !== conversation.id), summary]);
  }

  async delete(id: string): Promise<void> {
    await del(key(id), this.db);
    await this.updateIndex((index) => index.filter((s) => s.id !== id));
    if ((await this.openId()) === id) await del(OPEN, this.db);
  }

  async openId(): Promise<string | undefined> {
    const value = await get<unknown>(OPEN, this.db);
    return typeof value === 'string' ? value : undefined;
  }

  setOpenId(id: string): Promise<void> {
    return set(OPEN, id, this.db);
  }

  /** The person's own chat settings; 'unreadable' if what is stored is not settings. */
  async ownSettings(): Promise<ConversationSettings | 'unreadable' | undefined> {
    const value = await get<unknown>(OWN_SETTINGS, this.db);
    if (value === undefined) return undefined;
    try {
      return parseStoredSettings(value);
    } catch {
      await del(OWN_SETTINGS, this.db);
      return 'unreadable';
    }
  }

  setOwnSettings(settings: ConversationSettings): Promise<void> {
    return set(OWN_SETTINGS, settings, this.db);
  }

  /**
   * Change the index in one transaction. An index that is not a list of summaries is replaced by
   * one rebuilt from the records themselves (which already include any just written).
   */
  private async updateIndex(change: (index: ConversationSummary[]) => ConversationSummary[]): Promise<void> {
    let broken = false;
    await update<unknown>(
      INDEX,
      (stored) => {
        const index = checkedIndex(stored);
        if (index) return change(index);
        broken = true;
        return stored;
      },
      this.db,
    );
    if (broken) await this.rebuildIndex();
  }

  /** The index again, from every conversation record that can be read. */
  private async rebuildIndex(): Promise<ConversationSummary[]> {
    const index: ConversationSummary[] = [];
    for (const name of await keys(this.db)) {
      if (typeof name !== 'string' || !name.startsWith(PREFIX)) continue;
      const id = name.slice(PREFIX.length);
      try {
        index.push(summaryOf(parseStoredConversation(await get<unknown>(name, this.db), id)));
      } catch {
        this.skippedRecords++;
      }
    }
    await set(INDEX, index, this.db);
    return index;
  }
}
