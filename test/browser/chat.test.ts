/**
 * <aperto-chat> in real Chromium, driven as a person would: typing in "Message", pressing keys,
 * clicking buttons. Replies come from the scripted test engine (test/support/scripted-engine.ts).
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { ApertoChat } from '../../src/elements/chat/chat.js';
import { ConversationStore } from '../../src/storage/conversations.js';
import { engineError } from '../../src/engine/errors.js';
import '../../src/elements/chat/chat.define.js';
import { ScriptedEngine, tokensOf } from '../support/scripted-engine.js';
import { deepQueryAll, deepText, findButton, waitFor } from '../support/dom.js';

let dbCounter = 0;
const freshStorage = () => new ConversationStore(`aperto-chat-test-${Date.now()}-${dbCounter++}`, 'conversations');

async function mountChat(engine: ScriptedEngine, storage = freshStorage()) {
  const chat = await fixture<ApertoChat>(html`<aperto-chat .engine=${engine} .storage=${storage}></aperto-chat>`);
  await chat.updateComplete;
  return { chat, storage };
}

function messageBox(chat: Element): HTMLTextAreaElement {
  return deepQueryAll<HTMLTextAreaElement>(chat, 'textarea[aria-label="Message"]')[0];
}

async function type(chat: ApertoChat, text: string) {
  const box = messageBox(chat);
  box.focus();
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await chat.updateComplete;
}

function pressEnter(chat: Element, init: KeyboardEventInit = {}) {
  messageBox(chat).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true, ...init }));
}

function messages(chat: Element) {
  return deepQueryAll(chat, 'aperto-chat-message');
}

function lastReply(chat: Element): Element {
  const all = messages(chat);
  return all[all.length - 1];
}

function replyText(chat: Element): string {
  return deepText(lastReply(chat).shadowRoot!.querySelector('.md:not(details .md)')!);
}

/** Wait until the conversation ends with a finished reply, and the screen shows that final reply. */
async function settled(chat: ApertoChat) {
  await waitFor(() => {
    const last = chat.session?.conversation.messages.at(-1);
    if (last?.role !== 'assistant' || last.status === 'streaming' || chat.session!.busy) return false;
    const shown = messages(chat).at(-1) as (Element & { message?: unknown; busy?: boolean }) | undefined;
    return shown?.message === last && shown.busy === false;
  }, 'the reply to finish');
  await Promise.all(messages(chat).map((m) => (m as ApertoChat).updateComplete));
  await new Promise((resolve) => requestAnimationFrame(resolve));
}

describe('<aperto-chat> composer', () => {
  it('sends the message on Enter and streams the reply into the message log', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: tokensOf('The capital of France is Paris.'), delayMs: 5 })).ready();
    const { chat } = await mountChat(engine);

    await type(chat, 'What is the capital of France?');
    pressEnter(chat);
    await settled(chat);

    const log = deepQueryAll(chat, '[role="log"]')[0];
    expect(deepText(log)).to.include('What is the capital of France?');
    expect(replyText(chat)).to.equal('The capital of France is Paris.');
    expect(messageBox(chat).value).to.equal('');
    expect(engine.requests[0].messages.at(-1)).to.deep.equal({ role: 'user', content: 'What is the capital of France?' });
  });

  it('says another tab is using the model while the reply waits for it, and not once the reply comes', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: tokensOf('Your turn now.'), delayMs: 5, waitForOtherTabMs: 400 })).ready();
    const { chat } = await mountChat(engine);
    const notice = () => deepQueryAll(chat, '[data-notice="other-tab"]')[0]?.textContent?.trim();

    await type(chat, 'Hello?');
    pressEnter(chat);
    await waitFor(() => notice(), 'the notice');
    expect(notice()).to.equal('Another tab is using the model… This reply starts when it is done.');
    await settled(chat);

    expect(notice()).to.equal(undefined);
    expect(replyText(chat)).to.equal('Your turn now.');
  });

  it('adds a line on Shift+Enter instead of sending', async () => {
    const engine = new ScriptedEngine().ready();
    const { chat } = await mountChat(engine);

    await type(chat, 'first line');
    pressEnter(chat, { shiftKey: true });
    await chat.updateComplete;

    expect(engine.requests).to.have.length(0);
    expect(messages(chat)).to.have.length(0);
  });

  it('never sends while an input method is composing (Enter confirms the characters)', async () => {
    const engine = new ScriptedEngine().ready();
    const { chat } = await mountChat(engine);

    await type(chat, 'にほんご');
    pressEnter(chat, { isComposing: true });
    await chat.updateComplete;

    expect(engine.requests).to.have.length(0);
  });

  it('keeps Send disabled and says why while no model is loaded', async () => {
    const engine = new ScriptedEngine();
    const { chat } = await mountChat(engine);

    await type(chat, 'hello');

    expect(findButton(chat, 'Send')!.disabled).to.equal(true);
    expect(deepText(chat)).to.include('No model is loaded yet');
  });
});

describe('<aperto-chat> generation controls', () => {
  it('stops mid-stream on Stop, keeping the partial reply marked as stopped', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: tokensOf('one two three four five six seven eight nine ten '.repeat(20)), delayMs: 15 })).ready();
    const { chat } = await mountChat(engine);
    await type(chat, 'count');
    pressEnter(chat);
    await waitFor(() => replyText(chat).split(' ').length > 3, 'some tokens');

    findButton(chat, 'Stop')!.click();
    await settled(chat);

    const reply = lastReply(chat).shadowRoot!;
    expect(reply.querySelector('[data-state="stopped"]')).to.exist;
    const words = replyText(chat).split(/\s+/).filter(Boolean).length;
    expect(words).to.be.greaterThan(0);
    expect(words).to.be.lessThan(200);
  });

  it('regenerates the last reply, replacing it', async () => {
    let attempt = 0;
    const engine = new ScriptedEngine(() => ({ tokens: [`Answer number ${++attempt}`] })).ready();
    const { chat } = await mountChat(engine);
    await type(chat, 'Question');
    pressEnter(chat);
    await settled(chat);

    findButton(lastReply(chat), 'Regenerate')!.click();
    await waitFor(() => replyText(chat) === 'Answer number 2', 'the new reply');

    expect(messages(chat)).to.have.length(2);
    expect(deepText(chat)).not.to.include('Answer number 1');
  });

  it('edits an earlier message and asks again from there', async () => {
    const engine = new ScriptedEngine((req) => ({ tokens: [`You said: ${req.messages.at(-1)!.content}`] })).ready();
    const { chat } = await mountChat(engine);
    await type(chat, 'first question');
    pressEnter(chat);
    await settled(chat);
    await type(chat, 'second question');
    pressEnter(chat);
    await settled(chat);

    const first = messages(chat)[0];
    (await waitFor(() => {
      const edit = findButton(first, 'Edit and resend this message');
      return edit && !edit.disabled && edit;
    }, 'Edit to be enabled')).click();
    await waitFor(() => first.shadowRoot!.querySelector('textarea'), 'the edit box');
    first.shadowRoot!.querySelector('textarea')!.value = 'edited question';
    findButton(first, 'Send edited message')!.click();
    await waitFor(() => messages(chat).length === 2 && replyText(chat) === 'You said: edited question', 'the new reply');

    expect(deepText(deepQueryAll(chat, '[role="log"]')[0])).not.to.include('second question');
  });

  it('shows an error that happens mid-stream next to what had arrived', async () => {
    const engine = new ScriptedEngine(() => ({
      tokens: tokensOf('Partial answer that breaks'),
      failAfter: { tokens: 2, error: engineError('device-lost', 'DeviceLostError: lost') },
    })).ready();
    const { chat } = await mountChat(engine);

    await type(chat, 'go');
    pressEnter(chat);
    await settled(chat);

    const reply = lastReply(chat).shadowRoot!;
    expect(replyText(chat)).to.equal('Partial answer');
    expect(reply.querySelector('[role="alert"]')!.textContent).to.include('GPU stopped responding');
  });

  it('shows speed figures under each reply', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: tokensOf('a b c d e f g h'), delayMs: 5 })).ready();
    const { chat } = await mountChat(engine);

    await type(chat, 'go');
    pressEnter(chat);
    await settled(chat);

    const figures = lastReply(chat).shadowRoot!.querySelector('[aria-label="Speed figures"]')!.textContent!;
    expect(figures).to.match(/first token \d+\.\d\d s/);
    expect(figures).to.match(/decode \d+(\.\d)? tok\/s/);
    expect(figures).to.include('prefill 1234.0 tok/s');
    expect(figures).to.include('8 tokens');
  });
});

describe('<aperto-chat> reasoning', () => {
  it('streams <think> text into a Thinking block that folds away once the answer starts', async () => {
    const engine = new ScriptedEngine(() => ({
      tokens: ['<think>', 'Let me', ' consider.', '</think>', '\n\nThe', ' answer.'],
      delayMs: 30,
    })).ready();
    const { chat } = await mountChat(engine);
    await type(chat, 'think');
    pressEnter(chat);

    const details = await waitFor(
      () => lastReply(chat)?.shadowRoot?.querySelector<HTMLDetailsElement>('details.thinking'),
      'the thinking block',
    );
    await waitFor(() => deepText(details).includes('Let me'), 'thoughts');
    expect(details.open).to.equal(true);
    await settled(chat);

    const finalDetails = lastReply(chat).shadowRoot!.querySelector<HTMLDetailsElement>('details.thinking')!;
    expect(finalDetails.open).to.equal(false);
    expect(deepText(finalDetails)).to.include('Let me consider.');
    expect(replyText(chat)).to.equal('The answer.');
    expect(replyText(chat)).not.to.include('think');
  });
});

describe('<aperto-chat> long conversations', () => {
  it('leaves out the oldest exchanges, never the system prompt, with a visible note', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['x'.repeat(100)] })).ready();
    const { chat } = await mountChat(engine);
    for (const q of ['one', 'two', 'three']) {
      await type(chat, `question ${q} ${'y'.repeat(100)}`);
      pressEnter(chat);
      await settled(chat);
    }
    engine.contextChars = 450;

    await type(chat, 'question four');
    pressEnter(chat);
    await settled(chat);

    const last = engine.requests.at(-1)!;
    expect(last.messages[0].role).to.equal('system');
    expect(last.messages.at(-1)!.content).to.equal('question four');
    expect(last.messages.some((m) => m.content.includes('question one'))).to.equal(false);
    expect(deepText(lastReply(chat))).to.match(/oldest exchanges? (was|were) left out/);
  });
});

describe('<aperto-chat> history on this device', () => {
  it('reopens the conversation that was open, including a reply cut off by closing the page', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: tokensOf('word '.repeat(400)), delayMs: 2, stallAfter: 20 })).ready();
    const { chat, storage } = await mountChat(engine);
    await type(chat, 'remember me');
    pressEnter(chat);
    await waitFor(() => (chat.session!.streaming?.content.length ?? 0) >= 'word '.length * 20 - 1, 'part of the reply');
    // The page goes away mid-reply (the generation never finishes): what was saved must survive.
    chat.remove();

    const { chat: reopened } = await mountChat(new ScriptedEngine().ready(), storage);
    await waitFor(() => reopened.session!.conversation.messages.length === 2, 'the restored conversation');
    await reopened.updateComplete;

    expect(deepText(reopened)).to.include('remember me');
    const reply = lastReply(reopened).shadowRoot!;
    expect(replyText(reopened)).to.match(/^(word ?)+$/);
    expect(reply.querySelector('[data-state="stopped"]')).to.exist;
  });

  it('lists, renames, switches between and deletes conversations', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['ok'] })).ready();
    const { chat } = await mountChat(engine);
    await type(chat, 'first topic');
    pressEnter(chat);
    await settled(chat);
    findButton(chat, 'New chat')!.click();
    await waitFor(() => chat.session!.conversation.messages.length === 0, 'a new chat');
    await type(chat, 'second topic');
    pressEnter(chat);
    await settled(chat);

    const list = () => deepQueryAll(chat, '[aria-label="Conversations"] li').map((li) => deepText(li));
    await waitFor(() => list().length === 2, 'two conversations');
    findButton(chat, 'Rename first topic')!.click();
    const input = await waitFor(() => deepQueryAll<HTMLInputElement>(chat, 'input[aria-label="New name for first topic"]')[0], 'the rename box');
    input.value = 'Renamed topic';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await waitFor(() => list().some((t) => t.includes('Renamed topic')), 'the new name');

    findButton(chat, 'Renamed topic')!.click();
    await waitFor(() => deepText(chat).includes('first topic'), 'the first conversation');
    findButton(chat, 'Delete second topic')!.click();
    await waitFor(() => list().length === 1, 'the deletion');

    expect(list()[0]).to.include('Renamed topic');
  });
});

describe('<aperto-chat> scrolling', () => {
  it('follows the stream, stops following when the reader scrolls up, and "Jump to latest" brings it back', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: tokensOf('line\n\n'.repeat(300)), tokensPerSecond: 100 })).ready();
    const nextFrames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const chat = await fixture<ApertoChat>(
      html`<aperto-chat style="--aperto-chat-height: 400px" .engine=${engine} .storage=${freshStorage()}></aperto-chat>`,
    );
    const log = deepQueryAll<HTMLElement>(chat, '[role="log"]')[0];
    await type(chat, 'lots of lines');
    pressEnter(chat);
    await waitFor(() => log.scrollHeight > log.clientHeight * 2, 'an overflowing reply');
    await nextFrames();
    expect(log.scrollHeight - log.scrollTop - log.clientHeight).to.be.lessThan(200);

    log.scrollTop = 0;
    log.dispatchEvent(new Event('scroll'));
    const jump = await waitFor(() => findButton(chat, 'Jump to latest'), 'the jump button');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(log.scrollTop).to.be.lessThan(50);

    jump.click();
    await chat.updateComplete;
    await nextFrames();
    expect(log.scrollHeight - log.scrollTop - log.clientHeight).to.be.lessThan(200);
    expect(findButton(chat, 'Jump to latest')).to.equal(undefined);
    chat.session!.stop();
  });
});

describe('<aperto-chat> settings', () => {
  it('sends the conversation’s system prompt, temperature and thinking switch with the next message', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['ok'] })).ready('Qwen3-0.6B-q4f32_1-MLC');
    const { chat } = await mountChat(engine);
    findButton(chat, 'Settings')!.click();
    await chat.updateComplete;
    const settings = deepQueryAll(chat, 'aperto-chat-settings')[0] as ApertoChat;
    await settings.updateComplete;
    const root = settings.shadowRoot!;

    const prompt = root.querySelector('textarea')!;
    prompt.value = 'Answer like a pirate.';
    prompt.dispatchEvent(new Event('change', { bubbles: true }));
    const temperature = [...root.querySelectorAll('label')].find((l) => l.textContent!.includes('Temperature'))!.querySelector('input')!;
    temperature.value = '0.2';
    temperature.dispatchEvent(new Event('change', { bubbles: true }));
    const thinking = root.querySelector<HTMLInputElement>('input[role="switch"]')!;
    thinking.click();
    await type(chat, 'hi');
    pressEnter(chat);
    await settled(chat);

    const request = engine.requests.at(-1)!;
    expect(request.messages[0]).to.deep.equal({ role: 'system', content: 'Answer like a pirate.' });
    expect(request.temperature).to.equal(0.2);
    expect(request.enableThinking).to.equal(false);
  });

  it('refuses an out-of-range temperature and keeps the previous one', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['ok'] })).ready();
    const { chat } = await mountChat(engine);
    findButton(chat, 'Settings')!.click();
    await chat.updateComplete;
    const settings = deepQueryAll(chat, 'aperto-chat-settings')[0] as ApertoChat;
    await settings.updateComplete;
    const temperature = [...settings.shadowRoot!.querySelectorAll('label')].find((l) => l.textContent!.includes('Temperature'))!.querySelector('input')!;

    temperature.value = '7';
    temperature.dispatchEvent(new Event('change', { bubbles: true }));
    await type(chat, 'hi');
    pressEnter(chat);
    await settled(chat);

    expect(temperature.validationMessage).to.include('between 0 and 2');
    expect(engine.requests.at(-1)!.temperature).to.equal(0.7);
  });

  it('offers the thinking switch only for models that take it', async () => {
    const engine = new ScriptedEngine().ready('Llama-3.2-1B-Instruct-q4f32_1-MLC');
    const { chat } = await mountChat(engine);
    findButton(chat, 'Settings')!.click();
    await chat.updateComplete;
    const settings = deepQueryAll(chat, 'aperto-chat-settings')[0] as ApertoChat;
    await settings.updateComplete;

    expect(settings.shadowRoot!.querySelector('input[role="switch"]')).to.equal(null);
  });
});
