/**
 * The kiosk's conversations: the same records as ConversationStore (in their own database), with
 * one promise kept for the idle reset. Once a conversation is being deleted, nothing writes it back:
 * a save still waiting (the chat saves while a reply streams) or arriving late is dropped, and the
 * delete waits for a save already under way, so it runs last. A delete that fails is tried again at
 * the next one, so a storage hiccup does not leave a visitor's words on the device for good.
 */
import type { Conversation } from '../chat/conversation.js';
import { ConversationStore } from './conversations.js';

export class KioskConversationStore extends ConversationStore {
  /** Conversations deleted or being deleted: never written again. */
  private readonly forgotten = new Set<string>();
  /** Deletes that failed, tried again with the next one. */
  private readonly undeleted = new Set<string>();
  /** Writes under way; a delete waits for them. */
  private readonly writing = new Set<Promise<unknown>>();

  override save(conversation: Conversation): Promise<void> {
    if (this.forgotten.has(conversation.id)) return Promise.resolve();
    return this.track(super.save(conversation));
  }

  override setOpenId(id: string): Promise<void> {
    if (this.forgotten.has(id)) return Promise.resolve();
    return this.track(super.setOpenId(id));
  }

  /**
   * Forget `id` at once (no more writes), then delete it, and any earlier conversation whose delete
   * failed, once the writes under way have ended. Rejects when `id` could not be deleted.
   */
  override async delete(id: string): Promise<void> {
    this.forgotten.add(id);
    this.undeleted.add(id);
    await Promise.allSettled([...this.writing]);
    let failure: unknown;
    for (const pending of [...this.undeleted]) {
      try {
        await super.delete(pending);
        this.undeleted.delete(pending);
      } catch (error) {
        if (pending === id) failure = error;
      }
    }
    if (this.undeleted.has(id)) throw failure;
  }

  private track<T>(write: Promise<T>): Promise<T> {
    this.writing.add(write);
    const done = () => this.writing.delete(write);
    write.then(done, done);
    return write;
  }
}
