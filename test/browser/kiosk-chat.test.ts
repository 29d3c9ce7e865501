/**
 * The kiosk's chat, element by element, in real Chromium: links in replies shown as text
 * (`links="text"`), the idle reset clearing the screen before storage answers (or when it never
 * does), and the kiosk's conversation store never writing back a conversation being deleted.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { ApertoChat } from '../../src/elements/chat/chat.js';
import { newConversation, type Conversation } from '../../src/chat/conversation.js';
import { ConversationStore } from '../../src/storage/conversations.js';
import { KioskConversationStore } from '../../src/storage/kiosk-conversations.js';
import '../../src/elements/chat/chat.define.js';
import { ScriptedEngine, tokensOf } from '../support/scripted-engine.js';
import { deepQueryAll, deepText, waitFor } from '../support/dom.js';

let dbCounter = 0;
const dbName = () => `aperto-kiosk-test-${Date.now()}-${dbCounter++}`;

const REPLY_WITH_LINKS = 'Read [the guide](https://evil.example/guide) or <https://evil.example/raw> for more.\n\nThat is all.';

/** Mounted as the kiosk mounts it (no history list); `links` as given. */
async function mountChat(engine: ScriptedEngine, storage: ConversationStore, links?: string) {
  const chat = await fixture<ApertoChat>(html`<aperto-chat no-history .engine=${engine} .storage=${storage} links=${links ?? ''}></aperto-chat>`);
  await chat.updateComplete;
  await chat.session!.restore();
  return chat;
}

async function send(chat: ApertoChat, text: string) {
  const box = deepQueryAll<HTMLTextAreaElement>(chat, 'textarea[aria-label="Message"]')[0];
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await chat.updateComplete;
  box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
}

const messages = (chat: Element) => deepQueryAll(chat, 'aperto-chat-message');
const links = (chat: Element) => messages(chat).flatMap((m) => [...m.shadowRoot!.querySelectorAll('a')]);
/** What the conversation area shows: the message log, and what a screen reader was last told. */
const onScreen = (chat: Element) => deepQueryAll(chat, '[role="log"], [role="status"]').map((el) => deepText(el)).join(' ');

async function finished(chat: ApertoChat) {
  await waitFor(() => {
    const last = chat.session?.conversation.messages.at(-1);
    return last?.role === 'assistant' && last.status !== 'streaming' && !chat.session!.busy;
  }, 'the reply to finish');
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

describe('links in replies, with links="text"', () => {
  it('are plain text from the first frame they appear in to the end of the reply', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: tokensOf(REPLY_WITH_LINKS), delayMs: 4 })).ready();
    const chat = await mountChat(engine, new ConversationStore(dbName()), 'text');
    let linkFrames = 0;
    let watching = true;
    const watch = () => {
      if (!watching) return;
      if (links(chat).length) linkFrames++;
      requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);

    await send(chat, 'Where can I read more?');
    await finished(chat);
    watching = false;

    expect(linkFrames, 'frames in which a link was on screen').to.equal(0);
    expect(links(chat)).to.have.length(0);
    expect(deepText(messages(chat).at(-1)!)).to.include('Read the guide or https://evil.example/raw for more.');
  });

  it('(without it) are links that open in a new tab', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: tokensOf(REPLY_WITH_LINKS) })).ready();
    const chat = await mountChat(engine, new ConversationStore(dbName()));
    await send(chat, 'Where can I read more?');
    await finished(chat);
    await waitFor(() => links(chat).length === 2, 'the two links');
    expect(links(chat).map((a) => a.getAttribute('href'))).to.deep.equal(['https://evil.example/guide', 'https://evil.example/raw']);
  });
});

describe('starting over (the kiosk’s idle reset)', () => {
  class StorageThatFails extends ConversationStore {
    constructor(private readonly how: 'rejects' | 'never answers') {
      super(dbName());
    }
    override delete(): Promise<void> {
      return this.how === 'rejects' ? Promise.reject(new DOMException('The disk went away', 'UnknownError')) : new Promise(() => undefined);
    }
  }

  for (const how of ['rejects', 'never answers'] as const) {
    it(`clears the screen even when deleting the conversation ${how}`, async () => {
      const engine = new ScriptedEngine(() => ({ tokens: tokensOf('A private answer.') })).ready();
      const chat = await mountChat(engine, new StorageThatFails(how));
      await send(chat, 'my private question');
      await finished(chat);
      expect(messages(chat)).to.have.length(2);
      expect(onScreen(chat)).to.include('A private answer.');

      const result = chat.startOver().then(
        () => 'resolved',
        () => 'rejected',
      );
      await chat.updateComplete;

      expect(messages(chat)).to.have.length(0);
      expect(onScreen(chat)).not.to.match(/my private question|A private answer/);
      if (how === 'rejects') expect(await result).to.equal('rejected');
    });
  }
});

describe('the kiosk’s conversation store', () => {
  function conversationWithWords(): Conversation {
    const conversation = newConversation();
    conversation.title = 'my private question';
    conversation.messages.push({ id: 'm1', role: 'user', content: 'my private question', status: 'complete', createdAt: Date.now() });
    return conversation;
  }

  it('never writes back a conversation being deleted, whether its save was under way or arrives late', async () => {
    const store = new KioskConversationStore(dbName());
    const conversation = conversationWithWords();
    await store.save(conversation);
    await store.setOpenId(conversation.id);

    const underWay = store.save(conversation);
    const deleting = store.delete(conversation.id);
    const late = store.save(conversation);
    const lateOpen = store.setOpenId(conversation.id);
    await Promise.all([underWay, deleting, late, lateOpen]);

    expect(await store.load(conversation.id)).to.equal(undefined);
    expect((await store.list()).map((s) => s.id)).not.to.include(conversation.id);
    expect(await store.openId()).not.to.equal(conversation.id);
  });

  it('tries a failed delete again with the next one', async () => {
    const store = new KioskConversationStore(dbName());
    const [first, second] = [conversationWithWords(), conversationWithWords()];
    await store.save(first);
    await store.save(second);

    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function () {
      throw new DOMException('The disk went away', 'UnknownError');
    };
    let failure: unknown;
    try {
      await store.delete(first.id);
    } catch (error) {
      failure = error;
    } finally {
      IDBDatabase.prototype.transaction = transaction;
    }
    expect(String(failure)).to.include('The disk went away');
    expect(await store.load(first.id), 'still there after the failure').not.to.equal(undefined);

    await store.delete(second.id);
    expect(await store.load(first.id)).to.equal(undefined);
    expect(await store.load(second.id)).to.equal(undefined);
    expect(await store.list()).to.deep.equal([]);
  });
});
