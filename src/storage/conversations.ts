/**
 * Conversations on this device, in IndexedDB through idb-keyval. Each conversation is one record;
 * a small index (id, title, updatedAt) lists them without reading every message.
 */
import { createStore, del, get, set, update, type UseStore } from 'idb-keyval';
import type { Conversation } from '../chat/conversation.js';

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
}

const INDEX = 'conversation-index';
const OPEN = 'open-conversation';
const key = (id: string) => `conversation:${id}`;

export class ConversationStore {
  private readonly db: UseStore;

  constructor(databaseName = 'aperto', storeName = 'conversations') {
    this.db = createStore(databaseName, storeName);
  }

  async list(): Promise<ConversationSummary[]> {
    const index = (await get<ConversationSummary[]>(INDEX, this.db)) ?? [];
    return [...index].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  load(id: string): Promise<Conversation | undefined> {
    return get<Conversation>(key(id), this.db);
  }

  async save(conversation: Conversation): Promise<void> {
    await set(key(conversation.id), conversation, this.db);
    const summary = { id: conversation.id, title: conversation.title, updatedAt: conversation.updatedAt };
    await update<ConversationSummary[]>(INDEX, (index = []) => [...index.filter((s) => s.id !== conversation.id), summary], this.db);
  }

  async delete(id: string): Promise<void> {
    await del(key(id), this.db);
    await update<ConversationSummary[]>(INDEX, (index = []) => index.filter((s) => s.id !== id), this.db);
    if ((await this.openId()) === id) await del(OPEN, this.db);
  }

  openId(): Promise<string | undefined> {
    return get<string>(OPEN, this.db);
  }

  setOpenId(id: string): Promise<void> {
    return set(OPEN, id, this.db);
  }
}
