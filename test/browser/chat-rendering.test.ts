/**
 * Model output is untrusted. Hostile replies and hostile imported conversations must render as
 * inert text: every payload here would set `window.__pwned` if anything in it ran.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { ChatMessage } from '../../src/chat/conversation.js';
import type { ApertoChat } from '../../src/elements/chat/chat.js';
import type { ApertoChatMessage } from '../../src/elements/chat-message/chat-message.js';
import { ConversationStore } from '../../src/storage/conversations.js';
import '../../src/elements/chat/chat.define.js';
import '../../src/elements/chat-message/chat-message.define.js';
import { ScriptedEngine, tokensOf } from '../support/scripted-engine.js';
import { deepQueryAll, deepText, findButton, waitFor } from '../support/dom.js';
import { importText as importFile } from '../support/import-file.js';

declare global {
  interface Window {
    __pwned?: string;
  }
}

const HOSTILE: Array<[string, string]> = [
  ['a script element', '<script>window.__pwned = "script"</script>'],
  ['an image with onerror', '<img src=x onerror="window.__pwned = \'img\'">'],
  ['an svg with onload', '<svg onload="window.__pwned = \'svg\'"><circle r=5 /></svg>'],
  ['a javascript: link', '<a href="javascript:window.__pwned = \'link\'">click me</a>'],
  ['an iframe with srcdoc', '<iframe srcdoc="<script>parent.__pwned = \'iframe\'</script>"></iframe>'],
  ['a markdown link to javascript:', '[click me](javascript:window.__pwned=\'mdlink\')'],
  ['a markdown image to javascript:', '![pic](javascript:window.__pwned=\'mdimg\')'],
  ['a data: URL link', '[open](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZD0nZGF0YSc8L3NjcmlwdD4=)'],
  ['HTML inside a code fence', '```html\n<script>window.__pwned = "fence"</script>\n<img src=x onerror="window.__pwned=\'fenceimg\'">\n```'],
  ['a form', '<form action="https://evil.example"><input name=q><button>Go</button></form>'],
  ['inline event handler on a div', '<div onmouseover="window.__pwned=\'div\'" style="position:fixed;inset:0">hover</div>'],
];

let n = 0;
const storage = () => new ConversationStore(`aperto-render-test-${Date.now()}-${n++}`, 'conversations');

async function chatReplying(text: string) {
  const engine = new ScriptedEngine(() => ({ tokens: tokensOf(text) })).ready();
  const chat = await fixture<ApertoChat>(html`<aperto-chat .engine=${engine} .storage=${storage()}></aperto-chat>`);
  await chat.session!.send('show me');
  await chat.updateComplete;
  await new Promise((resolve) => setTimeout(resolve, 50));
  const replies = deepQueryAll(chat, 'aperto-chat-message');
  return { chat, reply: replies[replies.length - 1].shadowRoot! };
}

/** Wait long enough for anything that could fire (image errors, load events) to fire. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('hostile model output', () => {
  beforeEach(() => {
    delete window.__pwned;
  });

  for (const [what, payload] of HOSTILE) {
    it(`renders ${what} as inert content`, async () => {
      const { reply } = await chatReplying(`Here you go:\n\n${payload}\n\nDone.`);
      await settle();

      expect(window.__pwned).to.equal(undefined);
      expect(reply.querySelectorAll('.md script, .md iframe, .md svg, .md img, .md form, .md object, .md embed')).to.have.length(0);
      for (const el of reply.querySelectorAll('.md *')) {
        for (const attr of el.attributes) expect(attr.name, `${el.tagName} ${attr.name}`).not.to.match(/^on/);
      }
      for (const a of reply.querySelectorAll<HTMLAnchorElement>('.md a[href]')) {
        expect(a.href).to.match(/^(https?|mailto):/);
      }
      expect(deepText(reply.querySelector('.md')!)).to.include('Done.');
    });
  }

  it('shows raw HTML from the model as text a person can read', async () => {
    const { reply } = await chatReplying('Try <b>bold</b> and <script>x()</script> here.');

    expect(reply.querySelector('.md b')).to.equal(null);
    expect(deepText(reply.querySelector('.md')!)).to.include('<script>x()</script>');
  });
});

describe('markdown in replies', () => {
  it('renders lists, tables and links that open safely in a new tab', async () => {
    const { reply } = await chatReplying(
      'Steps:\n\n1. one\n2. two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nSee [the docs](https://example.org/docs).',
    );

    expect(reply.querySelectorAll('.md ol li')).to.have.length(2);
    expect(reply.querySelectorAll('.md table td')).to.have.length(2);
    const link = reply.querySelector<HTMLAnchorElement>('.md a')!;
    expect(link.href).to.equal('https://example.org/docs');
    expect(link.rel).to.equal('noopener noreferrer');
    expect(link.target).to.equal('_blank');
  });

  it('gives each code block a Copy button that copies the code', async () => {
    const { reply } = await chatReplying('```js\nconsole.log("hi");\n```');
    let copied = '';
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void (copied = t) } });

    findButton(reply, 'Copy code')!.click();
    await waitFor(() => copied, 'the copy');

    expect(copied).to.equal('console.log("hi");\n');
  });
});

describe('importing a conversation', () => {
  beforeEach(() => {
    delete window.__pwned;
  });

  const importText = (chat: ApertoChat, text: string) => importFile(chat, text);

  it('rejects a malformed file with a clear message and changes nothing', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['kept'] })).ready();
    const chat = await fixture<ApertoChat>(html`<aperto-chat .engine=${engine} .storage=${storage()}></aperto-chat>`);
    await chat.session!.send('keep me');
    const before = JSON.stringify(chat.session!.conversations);

    await importText(chat, '{"format":"aperto.conversation","version":1,"conversation":{"messages":[{"role":"hacker","content":1}]}}');

    expect(deepText(chat)).to.include('Nothing was imported. messages[0].role must be "user" or "assistant".');
    expect(deepText(chat)).to.include('keep me');
    expect(JSON.stringify(chat.session!.conversations)).to.equal(before);
  });

  it('rejects a file that is not JSON', async () => {
    const chat = await fixture<ApertoChat>(html`<aperto-chat .engine=${new ScriptedEngine()} .storage=${storage()}></aperto-chat>`);

    await importText(chat, 'this is not json');

    expect(deepText(chat)).to.include('Nothing was imported. This file is not valid JSON.');
  });

  it('renders an imported conversation full of hostile content with nothing executed', async () => {
    const chat = await fixture<ApertoChat>(html`<aperto-chat .engine=${new ScriptedEngine()} .storage=${storage()}></aperto-chat>`);
    const conversation = {
      title: '<img src=x onerror="window.__pwned=\'title\'">',
      settings: { systemPrompt: '<script>window.__pwned="system"</script>' },
      messages: HOSTILE.flatMap(([, payload]) => [
        { role: 'user', content: payload },
        { role: 'assistant', content: payload, thinking: payload },
      ]),
    };

    await importText(chat, JSON.stringify({ format: 'aperto.conversation', version: 1, conversation }));
    await settle();

    expect(window.__pwned).to.equal(undefined);
    expect(deepQueryAll(chat, 'aperto-chat-message')).to.have.length(HOSTILE.length * 2);
    for (const message of deepQueryAll(chat, 'aperto-chat-message')) {
      expect(message.shadowRoot!.querySelectorAll('script, iframe, svg, img, form, object, embed')).to.have.length(0);
    }
    expect(deepQueryAll(chat, 'header img, h2 img')).to.have.length(0);
    expect(deepText(chat)).to.include('Imported');
  });
});

describe('speed figures under a reply', () => {
  // web-llm reports the decode speed as NaN when Stop comes during prefill or a reply is one token long.
  const reply = (status: ChatMessage['status']): ChatMessage => ({
    id: `reply-${status}`,
    role: 'assistant',
    content: 'A',
    status,
    createdAt: 0,
    figures: { timeToFirstTokenMs: 420, prefillTokensPerSecond: NaN, decodeTokensPerSecond: NaN, completionTokens: 1 },
  });

  const figuresOf = (message: ApertoChatMessage) => message.shadowRoot!.querySelector('[aria-label="Speed figures"]')?.textContent ?? '';

  it('shows the figures that were measured and no "NaN" for a reply stopped early', async () => {
    const message = await fixture<ApertoChatMessage>(html`<aperto-chat-message .message=${reply('stopped')}></aperto-chat-message>`);

    expect(figuresOf(message)).to.include('first token 0.42 s');
    expect(figuresOf(message)).to.include('1 tokens');
    expect(deepText(message)).not.to.include('NaN');
  });

  it('shows no "NaN" while a reply streams', async () => {
    const message = await fixture<ApertoChatMessage>(html`<aperto-chat-message .message=${reply('streaming')}></aperto-chat-message>`);

    expect(figuresOf(message)).to.include('first token 0.42 s');
    expect(deepText(message)).not.to.include('NaN');
  });
});
