/**
 * Text built to make markdown rendering slow or to break it: marked's inline parser is quadratic
 * on runs like `_a_a_a…`, and its block parser recurses once per `>`. A reply (or an imported
 * conversation) full of such text must not freeze the page, lose text or blank the reply.
 *
 * Every input goes through the path the chat uses: an <aperto-chat-message> showing the reply
 * (streaming: the MarkdownStream it drives). Time is never compared with a fixed figure — the
 * machine is shared and noisy — except for loose guards that stop a runaway test; what is asserted
 * is linearity: 8× the text must take less than 20× the time, both sizes measured interleaved and
 * the median of three rounds compared. Quadratic code takes ~64× and fails that clearly.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { ChatMessage } from '../../src/chat/conversation.js';
import { MarkdownStream, renderMarkdown } from '../../src/chat/markdown.js';
import type { ApertoChat } from '../../src/elements/chat/chat.js';
import type { ApertoChatMessage } from '../../src/elements/chat-message/chat-message.js';
import { ConversationStore } from '../../src/storage/conversations.js';
import '../../src/elements/chat/chat.define.js';
import '../../src/elements/chat-message/chat-message.define.js';
import { deepQueryAll, findButton, waitFor } from '../support/dom.js';
import { ScriptedEngine, tokensOf } from '../support/scripted-engine.js';

const ROUNDS = 3;
const MAX_RATIO = 20;

let n = 0;
const reply = (content: string): ChatMessage => ({ id: `hostile-${n++}`, role: 'assistant', content, status: 'complete', createdAt: 0 });

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const withoutSpace = (text: string) => text.replace(/\s+/g, '');

const answerOf = (element: ApertoChatMessage) => element.shadowRoot!.querySelector<HTMLElement>('.md:not(.thinking .md)')!;
/** The note saying some of the reply is shown as plain text, if it is visible. */
const noteOf = (element: ApertoChatMessage) => element.shadowRoot!.querySelector<HTMLElement>('[data-state="unformatted"]:not([hidden])');

/** Blocks waiting their turn show as plain text (`.md-pending`) until they are formatted. */
async function settled(root: ParentNode): Promise<void> {
  const started = performance.now();
  while (root.querySelector('.md-pending')) {
    if (performance.now() - started > 120_000) throw new Error('still formatting after two minutes');
    await tick();
  }
}

async function formatted(element: ApertoChatMessage): Promise<void> {
  await element.updateComplete;
  const answer = answerOf(element); // a user's message has none
  if (answer) await settled(answer);
  await element.updateComplete;
}

/** Show a finished reply as the chat does; time until it is all on screen and formatted. */
async function show(content: string): Promise<{ element: ApertoChatMessage; ms: number }> {
  const started = performance.now();
  const element = await fixture<ApertoChatMessage>(html`<aperto-chat-message .message=${reply(content)}></aperto-chat-message>`);
  await formatted(element);
  return { element, ms: performance.now() - started };
}

/** Runs `measure` on the 1× and 8× inputs in turn, ROUNDS times, and returns the median ratio. */
async function growth(small: string, large: string, measure: (text: string) => Promise<number>) {
  const times = { small: [] as number[], large: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    times.small.push(await measure(small));
    times.large.push(await measure(large));
  }
  const ratio = median(times.large) / Math.max(median(times.small), 0.1);

  return { ratio, detail: `8× the text took ${ratio.toFixed(1)}× the time (1×: ${times.small.map(Math.round)} ms, 8×: ${times.large.map(Math.round)} ms)` };
}

interface Hostile {
  what: string;
  /** The input at `scale` × the base size (≥ 20 000 characters at 1×). */
  make: (scale: number) => string;
  /**
   * Still formatted: what of the text must be on screen (markdown's own markers are not).
   * Otherwise the input is too costly to format, and every character is shown as plain text.
   */
  formattedKeeps?: (text: string) => string[];
}

function nestedListLines(scale: number) {
  const lines: string[] = [];
  for (let i = 0, length = 0; length < 24_000 * scale; i++) {
    const line = `${'  '.repeat(i % 48)}- item ${i}`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

/** What of `text` is not on screen as it should be (short descriptions, never the text itself). */
function missingFrom(element: ApertoChatMessage, text: string, input: Hostile): string[] {
  const shown = answerOf(element).textContent ?? '';
  if (input.formattedKeeps) {
    const letters = shown.replace(/[^a]/g, '');
    return input.formattedKeeps(text).filter((kept) => !(kept.startsWith('item') ? shown.includes(kept) : letters === kept)).map((kept) => kept.slice(0, 20));
  }
  const missing: string[] = [];
  const [want, got] = [withoutSpace(text), withoutSpace(shown)];
  if (got !== want) missing.push(`${want.length - got.length} of ${want.length} characters not on screen`);
  if (!noteOf(element)) missing.push('no note that it is shown as plain text');
  return missing;
}

const HOSTILE: Hostile[] = [
  { what: '`_a` repeated on one line', make: (s) => '_a'.repeat(12_000 * s) },
  { what: '`*a` repeated on one line', make: (s) => '*a'.repeat(12_000 * s) },
  { what: '`>` repeated on one line, then words', make: (s) => `${'>'.repeat(24_000 * s)} deep quote` },
  { what: '`[` repeated on one line', make: (s) => '['.repeat(24_000 * s) },
  { what: 'backticks on one line', make: (s) => '`a``b'.repeat(5_000 * s) },
  { what: 'list markers nested on one line', make: (s) => `${'- '.repeat(12_000 * s)}deep item` },
  {
    what: '`_*a` over many lines of one paragraph',
    make: (s) => `${'_*a'.repeat(30)}\n`.repeat(260 * s),
    formattedKeeps: (text) => [text.replace(/[^a]/g, '')],
  },
  {
    what: 'lists nested by indentation',
    make: nestedListLines,
    formattedKeeps: (text) => text.match(/item \d+/g)!,
  },
];

describe('hostile markdown in a reply', () => {
  for (const input of HOSTILE) {
    it(`shows ${input.what} whole, in time that grows linearly with its length`, async () => {
      const small = input.make(1);
      const large = input.make(8);
      expect(small.length).to.be.at.least(20_000);

      const missing: string[] = [];
      const { ratio, detail } = await growth(small, large, async (text) => {
        const { element, ms } = await show(text);
        missing.push(...missingFrom(element, text, input));
        element.remove();
        return ms;
      });

      expect(ratio, detail).to.be.below(MAX_RATIO);
      expect(missing).to.deep.equal([]);
    });
  }

  for (const count of [2_000, 100_000]) {
    it(`shows ${count.toLocaleString('en')} \`>\` on one line as plain text, with the words after them, and nothing thrown`, async () => {
      const errors: string[] = [];
      const onError = (event: ErrorEvent) => errors.push(String(event.message));
      window.addEventListener('error', onError);
      try {
        const text = `${'>'.repeat(count)} and then the words`;
        const { element } = await show(text);

        expect(errors).to.deep.equal([]);
        expect(answerOf(element).textContent).to.include('and then the words');
        const shown = withoutSpace(answerOf(element).textContent ?? '');
        expect(shown.length, 'characters on screen').to.equal(withoutSpace(text).length);
        expect(shown === withoutSpace(text)).to.equal(true);
        expect(noteOf(element)?.textContent).to.match(/shown as plain text: too long or too deeply nested to format/);
      } finally {
        window.removeEventListener('error', onError);
      }
    });
  }

  it('keeps a normal reply formatted exactly as marked renders it whole, with no plain-text note', async () => {
    const text = normalReply(20_000);
    const { element } = await show(text);
    const whole = renderMarkdown(text);
    const root = answerOf(element);

    for (const selector of ['h2', 'ol > li', 'ul > li', 'pre code', 'table td', 'blockquote', 'strong', 'em', 'p > code']) {
      const texts = (r: ParentNode) => [...r.querySelectorAll(selector)].map((el) => el.textContent);
      expect(texts(root), selector).to.deep.equal(texts(whole));
    }
    const links = (r: ParentNode) => [...r.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.target, a.rel].join(' '));
    expect(links(root)).to.deep.equal(links(whole));
    expect(links(root)[0]).to.equal('https://example.org/page _blank noopener noreferrer');
    expect(root.querySelectorAll('.md-plain')).to.have.length(0);
    expect(noteOf(element)).to.equal(null);
  });

  it('renders a normal reply in time that grows linearly with its length', async () => {
    const { ratio, detail } = await growth(normalReply(20_000), normalReply(160_000), async (text) => {
      const { element, ms } = await show(text);
      element.remove();
      return ms;
    });

    expect(ratio, detail).to.be.below(MAX_RATIO);
  });
});

describe('a megabyte reply, as an import or a reload opens it', () => {
  it('shows all its text at once and keeps the page answering while it is formatted', async () => {
    const text = mixedMegabyte();
    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask' });

    const element = await fixture<ApertoChatMessage>(html`<aperto-chat-message .message=${reply(text)}></aperto-chat-message>`);
    await tick();
    // The page had a turn (this timer ran) while formatting still had work left.
    const waitingAfterATurn = answerOf(element).querySelectorAll('.md-pending').length;
    await formatted(element);
    observer.disconnect();

    expect(waitingAfterATurn, 'blocks still waiting after the page had a turn').to.be.above(0);
    const shown = answerOf(element).textContent ?? '';
    const sentinels = text.match(/sentinel\d+word/g)!;
    expect(sentinels.length).to.be.above(100);
    for (const word of sentinels) expect(shown.includes(word), word).to.equal(true);
    // Loose: a quadratic or all-at-once rendering of this megabyte blocks for many seconds.
    expect(Math.max(0, ...longTasks), 'longest task (ms)').to.be.below(1500);
  });

  it('shows only the new text when the reply is replaced while still being formatted', async () => {
    const element = await fixture<ApertoChatMessage>(html`<aperto-chat-message .message=${reply(mixedMegabyte())}></aperto-chat-message>`);

    element.message = { ...element.message!, content: 'Just **this** now.' };
    await element.updateComplete;
    await formatted(element);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(answerOf(element).textContent?.trim()).to.equal('Just this now.');
    expect(answerOf(element).querySelector('strong')?.textContent).to.equal('this');
  });

  it('keeps a long table a table: every row in cells, each part under the header', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `| row ${i} | **value** ${i} |`);
    const { element } = await show(`| name | value |\n|---|---|\n${rows.join('\n')}\n`);
    const root = answerOf(element);

    expect(root.querySelectorAll('tbody tr')).to.have.length(2000);
    expect(root.querySelectorAll('tbody td strong')).to.have.length(2000);
    for (const table of root.querySelectorAll('table')) expect(table.querySelector('thead')?.textContent).to.match(/name\s*value/);
    expect(root.querySelectorAll('.md-plain')).to.have.length(0);
  });

  it('keeps a long code block code: every line inside a code block, none formatted', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `const value_${i} = **not bold** + _x_; // ${i}`);
    const { element } = await show(`\`\`\`ts\n${lines.join('\n')}\n\`\`\`\n`);
    const root = answerOf(element);

    expect([...root.querySelectorAll('pre code')].map((c) => c.textContent).join('')).to.equal(`${lines.join('\n')}\n`);
    expect(root.querySelectorAll('strong, em')).to.have.length(0);
  });
});

describe('a conversation of megabyte messages, imported and opened again', () => {
  const messagesOf = (chat: ApertoChat) => deepQueryAll<ApertoChatMessage>(chat, 'aperto-chat-message');

  async function mountChat(storage: ConversationStore) {
    const chat = await fixture<ApertoChat>(html`<aperto-chat .engine=${new ScriptedEngine()} .storage=${storage}></aperto-chat>`);
    await waitFor(() => chat.session && findButton(chat, 'New chat'), 'the chat to start');
    return chat;
  }

  /** Runs `open` until both messages are on screen and formatted; the longest task meanwhile. */
  async function whileOpening(open: () => Promise<ApertoChat>) {
    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask' });
    const chat = await open();
    await waitFor(() => messagesOf(chat).length === 2, 'both messages');
    for (const message of messagesOf(chat)) await formatted(message);
    observer.disconnect();
    return { chat, longestTask: Math.max(0, ...longTasks) };
  }

  function expectAllShown(chat: ApertoChat, userText: string, replyText: string) {
    const [user, assistant] = messagesOf(chat);
    const userShown = [...user.shadowRoot!.querySelectorAll('.bubble')].map((b) => b.textContent).join('');
    expect(userShown.length, 'characters of the user message on screen').to.equal(userText.length);
    expect(userShown === userText).to.equal(true);
    const replyShown = answerOf(assistant).textContent ?? '';
    for (const word of replyText.match(/sentinel\d+word/g)!) expect(replyShown.includes(word), word).to.equal(true);
    expect(noteOf(assistant), 'the plain-text note').to.not.equal(null);
  }

  it('shows every word of both, with the page answering, on import and when opened again', async () => {
    const name = `aperto-hostile-test-${crypto.randomUUID()}`;
    const userText = `${'a long message, '.repeat(62_000)}\nthe end`;
    const replyText = mixedMegabyte();
    const file = JSON.stringify({
      format: 'aperto.conversation',
      version: 1,
      conversation: { title: 'Huge', messages: [{ role: 'user', content: userText }, { role: 'assistant', content: replyText }] },
    });
    const chat = await mountChat(new ConversationStore(name, 'conversations'));

    const imported = await whileOpening(async () => {
      const input = deepQueryAll<HTMLInputElement>(chat, 'input[type="file"]')[0];
      const transfer = new DataTransfer();
      transfer.items.add(new File([file], 'huge.json', { type: 'application/json' }));
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      await waitFor(() => chat.session!.notice, 'the import');
      return chat;
    });
    expectAllShown(chat, userText, replyText);
    chat.remove();

    // The page is opened again: a new store over the same database opens the conversation.
    const reopened = await whileOpening(() => mountChat(new ConversationStore(name, 'conversations')));
    expectAllShown(reopened.chat, userText, replyText);

    // Loose: rendering all of it at once, or quadratically, blocks for many seconds.
    expect(imported.longestTask, 'longest task while importing (ms)').to.be.below(1500);
    expect(reopened.longestTask, 'longest task while opening again (ms)').to.be.below(1500);
  });
});

describe('hostile markdown streaming in', () => {
  /**
   * Streams `text` in tokens of ~48 characters, rendering a frame after each as the chat does;
   * time until it is all on screen and formatted.
   */
  async function streamTime(text: string): Promise<number> {
    const root = document.createElement('div');
    const frames: Array<() => void> = [];
    const stream = new MarkdownStream(root, (render) => frames.push(render));
    const pieces = text.match(/[\s\S]{1,48}/g) ?? [];
    const started = performance.now();
    for (const piece of pieces) {
      stream.append(piece);
      for (const render of frames.splice(0)) render();
      // A runaway guard, not a measure: quadratic re-rendering of a long line takes hours.
      if (performance.now() - started > 60_000) throw new Error('streaming took over a minute');
    }
    stream.finish();
    await settled(root);
    expect(withoutSpace(root.textContent ?? '').length).to.be.at.least(withoutSpace(text).length / 2);
    return performance.now() - started;
  }

  for (const [what, make] of [
    ['`_a` on one line', (s: number) => '_a'.repeat(12_000 * s)],
    ['`>` on one line', (s: number) => `${'>'.repeat(24_000 * s)} end`],
    ['a normal reply', (s: number) => normalReply(20_000 * s)],
  ] as const) {
    it(`renders ${what} token by token in time that grows linearly with its length`, async () => {
      const { ratio, detail } = await growth(make(1), make(8), streamTime);

      expect(ratio, detail).to.be.below(MAX_RATIO);
    });
  }

  it('writes a line too long to format as plain text while it streams, and keeps it whole', async () => {
    const root = document.createElement('div');
    const frames: Array<() => void> = [];
    const stream = new MarkdownStream(root, (render) => frames.push(render));
    const line = '_a'.repeat(20_000);

    for (const piece of tokensOf(`Intro **bold**.\n\n${line}`)) stream.append(piece);
    for (const render of frames.splice(0)) render();
    await settled(root);

    expect(root.querySelector('strong')?.textContent).to.equal('bold');
    const live = [...root.querySelectorAll('.md-open .md-plain')].map((piece) => piece.textContent).join('');
    expect(live.length, 'characters written as plain text').to.equal(line.length);
    expect(live === line).to.equal(true);
    expect(stream.shownPlain).to.equal(true);
  });
});

// ---------------------------------------------------------------------------------------------

/** An ordinary reply: headings, lists, code, a table, a quote, links, repeated to `size`. */
function normalReply(size: number): string {
  const block = [
    '## Section heading',
    '',
    'Some **bold** text, some _emphasis_, `inline code` and a [link](https://example.org/page).',
    '',
    '1. first step',
    '2. second step with `code`',
    '',
    '- a bullet',
    '- another bullet',
    '',
    '```ts',
    'const answer = compute(42);',
    'console.log(answer);',
    '```',
    '',
    '| col a | col b |',
    '|---|---|',
    '| 1 | 2 |',
    '',
    '> a quoted line',
    '',
  ].join('\n');
  let out = '';
  for (let i = 0; out.length < size; i++) out += block.replace('Section heading', `Section ${i}`) + '\n';
  return out;
}

/** A megabyte of ordinary markdown and hostile runs, with numbered words to find afterwards. */
function mixedMegabyte(): string {
  const parts = [
    normalReply(3000),
    `${'_a'.repeat(500)}\n\n`,
    `${'*a'.repeat(300)}\n`,
    `${'>'.repeat(200)} quoted\n\n`,
    `${'['.repeat(400)}\n\n`,
    `${'`a'.repeat(300)}\n\n`,
  ];
  let out = '';
  for (let i = 0; out.length < 1_000_000 - 4000; i++) {
    if (i % parts.length === 0) out += `Paragraph with sentinel${i / parts.length}word in it.\n\n`;
    out += parts[i % parts.length];
  }
  return out;
}
