/**
 * Model output is untrusted text. It is rendered as markdown by `marked` (a maintained parser) and
 * then passed through DOMPurify (a maintained sanitiser); nothing else ever reaches the DOM as
 * markup. Text too costly for marked (markdown-budget.ts), and text waiting for the format queue,
 * is shown as text nodes, which cannot become markup.
 *
 * Defence in depth: raw HTML in the markdown is escaped by the renderer (so `<script>` shows as
 * text), images become plain links (an <img> would make a network request to wherever the model
 * pointed), and the sanitiser allows only http(s)/mailto links, which open with
 * rel="noopener noreferrer".
 */
import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';
import { formatSoon } from './format-queue.js';
import {
  MAX_LINE,
  MAX_NESTING,
  NESTING_SCAN,
  continuesTable,
  formatWeight,
  lineTooCostly,
  marksIn,
  mayBeDelimiterRow,
  nestingDepth,
  tooMuchWork,
} from './markdown-budget.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(token.text);
    },
    image(token: Tokens.Image) {
      const label = token.text ? `Image: ${token.text}` : 'Image';
      return `<a href="${escapeHtml(token.href)}">${escapeHtml(label)}</a>`;
    },
  },
});

const SAFE_URL = /^(?:https?:|mailto:)/i;

let purifier: ReturnType<typeof DOMPurify> | undefined;

function sanitizer(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName !== 'A') return;
    const href = node.getAttribute('href') ?? '';
    if (!SAFE_URL.test(href.trim())) {
      node.removeAttribute('href');
      return;
    }
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  });
  return purifier;
}

const PURIFY_CONFIG = {
  RETURN_DOM_FRAGMENT: true as const,
  ALLOWED_TAGS: [
    'p', 'br', 'hr', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote', 'a',
    'ul', 'ol', 'li', 'input', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'span', 'sup', 'sub',
  ],
  ALLOWED_ATTR: ['href', 'title', 'align', 'start', 'type', 'checked', 'disabled', 'class'],
  ALLOW_DATA_ATTR: false,
  ALLOWED_URI_REGEXP: SAFE_URL,
};

/**
 * Markdown → a sanitised fragment, ready to insert. For text of bounded size: text of unknown size
 * goes through MarkdownStream, which decides what is small enough to reach marked at all.
 * Never throws (see toHtml).
 */
export function renderMarkdown(text: string): DocumentFragment {
  return renderBlocks([text]);
}

/**
 * Several blocks, each parsed on its own, sanitised together: one DOMPurify pass builds one
 * document however many blocks there are, which matters when a whole conversation is formatted.
 */
function renderBlocks(blocks: readonly string[]): DocumentFragment {
  const fragment = sanitizer().sanitize(blocks.map(toHtml).join(''), PURIFY_CONFIG) as DocumentFragment;
  // GFM task-list checkboxes are the only inputs allowed, and they must not be live controls.
  for (const input of fragment.querySelectorAll('input')) {
    if (input.getAttribute('type') !== 'checkbox') input.remove();
    else input.setAttribute('disabled', '');
  }
  decorateCodeBlocks(fragment);
  return fragment;
}

/** If marked fails anyway (it recurses, and a stack can run out), the block is shown as plain text. */
function toHtml(block: string): string {
  try {
    return marked.parse(block, { async: false }) as string;
  } catch {
    return `<p class="md-plain">${escapeHtml(block)}</p>`;
  }
}

/** Longest piece of plain text in one element, so the browser never lays out a megabyte at once. */
const PLAIN_CHUNK = 8192;

/**
 * Text cut into pieces of at most PLAIN_CHUNK characters — at a line break in the second half of
 * a piece if there is one, else at a space near its end — so each piece can be its own element,
 * laid out (or skipped) alone.
 */
export function splitPlainText(text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + PLAIN_CHUNK);
    if (end < text.length) end = cutPoint(text, start, end);
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** Looks back over half a piece at most (lastIndexOf would search all the text before it). */
function cutPoint(text: string, start: number, end: number): number {
  let space = -1;
  for (let i = end - 1; i >= start + PLAIN_CHUNK / 2; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return i + 1;
    if (space === -1 && c === 32 && i >= end - 512) space = i + 1;
  }
  return space !== -1 ? space : end;
}

/** Text shown as it is, never parsed: text nodes only, so nothing in it can become markup. */
function renderPlain(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const piece of splitPlainText(text)) {
    const chunk = document.createElement('div');
    chunk.className = 'md-plain';
    chunk.textContent = piece;
    fragment.append(chunk);
  }
  return fragment;
}

/** Adds a "Copy" button to each code block. The button is ours, never from model output. */
function decorateCodeBlocks(root: DocumentFragment | HTMLElement): void {
  for (const pre of root.querySelectorAll('pre')) {
    if (pre.parentElement?.classList.contains('code-block')) continue;
    const wrapper = document.createElement('div');
    wrapper.className = 'code-block';
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'copy-code';
    copy.textContent = 'Copy';
    copy.setAttribute('aria-label', 'Copy code');
    copy.addEventListener('click', () => {
      void navigator.clipboard?.writeText(pre.textContent ?? '').then(
        () => (copy.textContent = 'Copied'),
        () => (copy.textContent = 'Copy failed'),
      );
      setTimeout(() => (copy.textContent = 'Copy'), 2000);
    });
    pre.replaceWith(wrapper);
    wrapper.append(copy, pre);
  }
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** A long open paragraph is split at a line break so re-rendering it stays cheap. */
const MAX_OPEN_BLOCK = 3000;
/**
 * No block grows past this, tables included (marked formats a table row by row, so a real table
 * is not split at MAX_OPEN_BLOCK); a longer table goes on in a new block under a copy of its header.
 */
const MAX_TABLE_BLOCK = 16_000;
/** A header longer than this is not repeated: the rest of the table is formatted as ordinary text. */
const MAX_CARRIED_HEADER = 2000;
/** Text given at once beyond this is read in slices of this size (see readLater). */
const READ_AT_ONCE = 64_000;
/** Characters of finished blocks per section (see appendFinished). */
const SECTION_CHARS = 20_000;
/**
 * A code fence longer than this goes on in a new code block (under a copy of its opening line):
 * one <pre> of a megabyte is laid out whole whenever any of it is on screen.
 */
const MAX_FENCE_BLOCK = 32_000;
/** Blocks waiting for the format queue are gathered into groups of about this weight (see formatWeight). */
const GROUP_WEIGHT = 8000;

/** Finished blocks waiting together for the format queue, shown as plain text meanwhile. */
interface PendingGroup {
  blocks: string[];
  weight: number;
  /** The plain-text stand-in, once the group had to wait. */
  standIn?: HTMLElement;
  /** How many of the blocks the stand-in shows (it is filled in batches: see showWaiting). */
  shown: number;
  showScheduled?: boolean;
  /** The stream's generation when the group was made: a reset since makes it obsolete. */
  generation: number;
}

/**
 * Blocks keep joining a waiting group while the text is read (a megabyte makes thousands); they
 * are shown together, in a microtask, which still runs before the browser paints.
 */
function showBeforePaint(group: PendingGroup): void {
  if (!group.standIn || group.showScheduled) return;
  group.showScheduled = true;
  queueMicrotask(() => {
    group.showScheduled = false;
    showWaiting(group);
  });
}

/** Show as plain text the blocks of a waiting group not shown yet. */
function showWaiting(group: PendingGroup): void {
  if (!group.standIn || group.shown === group.blocks.length) return;
  group.standIn.append(group.blocks.slice(group.shown).join(''));
  group.shown = group.blocks.length;
}

/**
 * Renders a reply while it streams, with a flat cost per token: finished blocks are rendered once
 * and never touched again; only the open block (one paragraph, list or table) is re-rendered, at
 * most once per animation frame; an open code fence grows by appending text nodes.
 *
 * Only the new text is ever scanned: the reply so far is kept as finished text plus the open
 * block's lines, so no per-token work grows with the length of the reply.
 *
 * Whatever the text, no block given to marked costs more than markdown-budget.ts allows: blocks
 * are split before they would, and a single line past the limits is shown as plain text (written
 * live as plain text while it streams). Finished blocks are formatted through the shared format
 * queue: at once for a streaming reply, in slices when a whole long conversation opens, showing
 * as plain text until their turn.
 */
export class MarkdownStream {
  /** Text of the blocks already rendered as finished. */
  private finishedText = '';
  /** Complete lines of the open block. */
  private openLines: string[] = [];
  private openLength = 0;
  /** Marks (see markdown-budget.ts) in the open block's complete lines. */
  private openMarks = 0;
  /**
   * The open block may hold a table from its delimiter row on. `header` is the header and
   * delimiter row; `real` is marked's verdict, asked only once the table outgrows an ordinary block.
   */
  private openTable: { header: string; real?: boolean } | undefined;
  /** Text rendered before the open block but not part of it: a long table's repeated header. */
  private openPrefix = '';
  /** The line being written (no newline yet). */
  private partialLine = '';
  private partialMarks = 0;
  private partialDeep = false;
  /** Where the line being written has its first `\r`, or -1. */
  private partialReturn = -1;
  /** The line being written is past the limits: it is shown live as plain text. */
  private plainLine = false;
  /** Text of that line not yet shown. */
  private plainBacklog = '';
  private livePlain: HTMLElement | undefined;
  private livePlainLength = 0;
  /** Lines shown as plain text because formatting them would cost too much. */
  private plainCount = 0;
  private fence: { marker: string; opener: string } | undefined;
  /** Text of the open fence not yet shown in its live <code>. */
  private codeBacklog = '';
  private readonly finished: HTMLElement;
  /** The section finished blocks are added to now, and how many characters it holds. */
  private section: HTMLElement | undefined;
  private sectionChars = 0;
  /** The group of finished blocks waiting for the format queue that new blocks may still join. */
  private pending: PendingGroup | undefined;
  /** Counts resets, so work queued for the text before one is dropped. */
  private generation = 0;
  private readonly open: HTMLElement;
  private liveCode: HTMLElement | undefined;
  private frame = 0;
  private totalLength = 0;

  /**
   * Text taken but not read yet, in pieces, each shown as plain text until read: a megabyte given
   * at once is read a slice at a time through the format queue (reading is linear, but a
   * conversation of twenty such messages would still hold the page for a while).
   */
  private unread: Array<{ text: string; standIn: HTMLElement }> = [];
  private unreadAt = 0;
  private unreadArea: HTMLElement | undefined;
  private readScheduled = false;
  private finishWhenRead = false;

  /** Called when some of the text turns out too costly to format and is shown as plain text. */
  onShownPlain?: () => void;

  constructor(
    readonly root: HTMLElement,
    private readonly schedule: (render: () => void) => number = (render) => requestAnimationFrame(render),
  ) {
    this.finished = document.createElement('div');
    this.open = document.createElement('div');
    this.finished.className = 'md-finished';
    this.open.className = 'md-open';
    root.replaceChildren(this.finished, this.open);
  }

  /** Characters shown so far (cheap, unlike `value`). */
  get length(): number {
    return this.totalLength;
  }

  get value(): string {
    const unread = this.unread.slice(this.unreadAt).map((piece) => piece.text);
    return this.finishedText + this.openLines.join('') + this.partialLine + unread.join('');
  }

  /** Some of the text is shown as plain text: it was too long or too deeply nested to format. */
  get shownPlain(): boolean {
    return this.plainCount > 0 || this.plainLine;
  }

  append(delta: string): void {
    if (!delta) return;
    this.totalLength += delta.length;
    if (this.unread.length > this.unreadAt || delta.length > READ_AT_ONCE) {
      // A long text at once (a conversation opening): read the start now, the rest in slices.
      const now = this.unread.length > this.unreadAt ? '' : delta.slice(0, READ_AT_ONCE);
      if (now) this.read(now);
      this.readLater(delta.slice(now.length));
      return;
    }
    this.read(delta);
  }

  /** Takes text in: complete lines go to their blocks, the rest is the line being written. */
  private read(delta: string): void {
    let rest = delta;
    let newline: number;
    while ((newline = rest.indexOf('\n')) !== -1) {
      const segment = rest.slice(0, newline + 1);
      if (this.fence) this.codeBacklog += segment;
      const line = this.partialLine + segment;
      const marks = this.partialMarks + marksIn(segment);
      this.clearPartialLine();
      this.completeLine(line, marks);
      rest = rest.slice(newline + 1);
    }
    if (rest) this.growPartialLine(rest);
    this.frame ||= this.schedule(() => {
      this.frame = 0;
      this.renderOpen();
    });
  }

  /** The reply is over: render what is left as finished. */
  finish(): void {
    if (this.unread.length > this.unreadAt) {
      this.finishWhenRead = true;
      return;
    }
    if (this.partialLine) {
      const line = this.partialLine;
      const marks = this.partialMarks;
      this.clearPartialLine();
      this.completeLine(line, marks);
    }
    this.commit();
    this.fence = undefined;
  }

  /** Replace the whole text (a different reply, or an edit). */
  reset(text: string, finished = true): void {
    this.generation++;
    this.unread = [];
    this.unreadAt = 0;
    this.readScheduled = false;
    this.finishWhenRead = false;
    this.unreadArea?.remove();
    this.unreadArea = undefined;
    this.finishedText = '';
    this.openLines = [];
    this.openLength = 0;
    this.openMarks = 0;
    this.openTable = undefined;
    this.openPrefix = '';
    this.clearPartialLine();
    this.plainCount = 0;
    this.fence = undefined;
    this.codeBacklog = '';
    this.liveCode = undefined;
    this.livePlain = undefined;
    this.section = undefined;
    this.pending = undefined;
    this.totalLength = 0;
    this.finished.replaceChildren();
    this.open.replaceChildren();
    this.append(text);
    if (finished) this.finish();
  }

  /** Text to read after what is unread already, shown meanwhile as it is. */
  private readLater(text: string): void {
    if (!this.unreadArea) {
      this.unreadArea = document.createElement('div');
      this.unreadArea.className = 'md-unread';
      this.root.append(this.unreadArea);
    }
    for (const piece of splitPlainText(text)) {
      const standIn = document.createElement('div');
      standIn.className = 'md-pending';
      standIn.textContent = piece;
      this.unreadArea.append(standIn);
      this.unread.push({ text: piece, standIn });
    }
    this.scheduleReading();
  }

  /** Reads the next READ_AT_ONCE characters when the format queue gets to it, and so on. */
  private scheduleReading(): void {
    if (this.readScheduled) return;
    this.readScheduled = true;
    const generation = this.generation;
    formatSoon(READ_AT_ONCE, () => {
      if (generation !== this.generation) return;
      this.readScheduled = false;
      for (let taken = 0; taken < READ_AT_ONCE && this.unreadAt < this.unread.length; ) {
        const piece = this.unread[this.unreadAt++];
        piece.standIn.remove();
        this.read(piece.text);
        taken += piece.text.length;
      }
      if (this.unreadAt < this.unread.length) {
        this.scheduleReading();
        return;
      }
      this.unread = [];
      this.unreadAt = 0;
      this.unreadArea?.remove();
      this.unreadArea = undefined;
      if (this.finishWhenRead) {
        this.finishWhenRead = false;
        this.finish();
      }
    });
  }

  private clearPartialLine(): void {
    this.partialLine = '';
    this.partialMarks = 0;
    this.partialDeep = false;
    this.partialReturn = -1;
    this.plainLine = false;
    this.plainBacklog = '';
  }

  /**
   * More of the line being written. Only the new text is scanned (the line so far is not read
   * again once it is long), so a line of any length costs in proportion to it.
   */
  private growPartialLine(text: string): void {
    const before = this.partialLine.length;
    this.partialLine += text;
    this.partialMarks += marksIn(text);
    if (this.partialReturn === -1) {
      const at = text.indexOf('\r');
      if (at !== -1) this.partialReturn = before + at;
    }
    if (this.fence) {
      this.codeBacklog += text;
      return;
    }
    if (this.plainLine) {
      this.plainBacklog += text;
      return;
    }
    // Nesting markers can only be at the start of a line, and nestingDepth reads no further.
    if (before < NESTING_SCAN) this.partialDeep = nestingDepth(this.partialLine) > MAX_NESTING;
    const length = this.partialLine.length;
    const bareReturn = this.partialReturn !== -1 && this.partialReturn < length - 1;
    if (length > MAX_LINE || tooMuchWork(length, this.partialMarks) || this.partialDeep || bareReturn) {
      // Past the limits however it ends: what came before is a block of its own, and this line
      // is written live as plain text.
      this.commit();
      this.plainLine = true;
      this.onShownPlain?.();
      this.plainBacklog = this.partialLine;
    }
  }

  private completeLine(line: string, marks: number): void {
    const fence = FENCE.exec(line);
    if (this.fence) {
      const closes = fence && fence[1][0] === this.fence.marker[0] && fence[1].length >= this.fence.marker.length && !line.slice(fence[0].length).trim();
      this.pushOpen(line, marks);
      if (closes) {
        this.fence = undefined;
        this.commit();
      } else if (this.openLength > MAX_FENCE_BLOCK) {
        this.commit();
        this.openPrefix = this.fence.opener;
      }
      return;
    }
    if (lineTooCostly(line, marks)) {
      this.commit();
      this.finishedText += line;
      this.closeGroup(); // blocks after this line must not join a group shown before it
      // Piece by piece, so a megabyte line spreads over many sections.
      for (const piece of [...renderPlain(line).children]) this.appendFinished(piece, piece.textContent!.length);
      this.plainCount++;
      this.onShownPlain?.();
      return;
    }
    if (fence) {
      // Whatever came before the fence is a finished block of its own.
      this.commit();
      this.fence = { marker: fence[1], opener: line };
      this.codeBacklog = '';
      this.pushOpen(line, marks);
      return;
    }
    if (this.openTable) {
      if (continuesTable(line) && this.tableRowFits(line, marks)) {
        this.pushOpen(line, marks);
        if (this.openLength > MAX_TABLE_BLOCK) this.continueTableInNewBlock();
        return;
      }
      // The table ended (or is not one): what follows is a block of its own.
      this.commit();
    } else if (this.openLines.length > 0 && mayBeDelimiterRow(line) && this.openLines[this.openLines.length - 1].includes('|')) {
      this.openTable = { header: this.openLines[this.openLines.length - 1] + line };
      this.pushOpen(line, marks);
      return;
    }
    if (this.openLines.length > 0 && tooMuchWork(this.openLength + line.length, this.openMarks + marks)) this.commit();
    this.pushOpen(line, marks);
    if (!line.trim()) this.commit();
    else if (this.openLength > MAX_TABLE_BLOCK) this.commit();
    // A line with a pipe may be a table's header: its delimiter row must land in the same block.
    else if (this.openLength > MAX_OPEN_BLOCK && !line.includes('|')) this.commit();
  }

  /**
   * May this row join the open table's block? Within an ordinary block's limits, always. Past
   * them only in a real table (marked formats those row by row): marked is asked, once per table.
   */
  private tableRowFits(line: string, marks: number): boolean {
    const table = this.openTable!;
    const length = this.openLength + line.length;
    if (length <= MAX_OPEN_BLOCK && !tooMuchWork(length, this.openMarks + marks)) return true;
    if (table.real === undefined) {
      try {
        table.real = marked.lexer(table.header).some((token) => token.type === 'table');
      } catch {
        table.real = false;
      }
    }
    return table.real;
  }

  /** A table past MAX_TABLE_BLOCK: finish this part, and carry on under a copy of the header. */
  private continueTableInNewBlock(): void {
    const table = this.openTable!;
    this.commit();
    if (table.header.length > MAX_CARRIED_HEADER) return;
    this.openTable = table;
    this.openPrefix = table.header;
  }

  private pushOpen(line: string, marks: number): void {
    this.openLines.push(line);
    this.openLength += line.length;
    this.openMarks += marks;
  }

  private commit(): void {
    const block = this.openLines.join('');
    const prefix = this.openPrefix;
    const weight = formatWeight(prefix.length + this.openLength, marksIn(prefix) + this.openMarks);
    this.openLines = [];
    this.openLength = 0;
    this.openMarks = 0;
    this.openTable = undefined;
    this.openPrefix = '';
    this.liveCode = undefined;
    this.livePlain = undefined;
    this.codeBacklog = '';
    if (this.open.firstChild) this.open.replaceChildren();
    if (!block) return;
    this.finishedText += block;
    if (block.trim()) this.addFinishedBlock(prefix + block, weight);
  }

  /**
   * A finished block goes to the format queue: formatted at once when the queue has time (a
   * streaming reply), otherwise shown as plain text, gathered with the blocks after it, until the
   * queue gets to it.
   */
  private addFinishedBlock(source: string, weight: number): void {
    const waiting = this.pending;
    if (waiting && waiting.weight + weight <= GROUP_WEIGHT) {
      waiting.blocks.push(source);
      waiting.weight += weight;
      // Its stand-in is the last thing in the current section (anything else closes the group).
      this.sectionChars += source.length;
      showBeforePaint(waiting);
      return;
    }
    this.closeGroup();
    const group: PendingGroup = { blocks: [source], weight, shown: 0, generation: this.generation };
    this.pending = group;
    formatSoon(weight, () => this.formatGroup(group));
    if (this.pending === group) {
      group.standIn = document.createElement('div');
      group.standIn.className = 'md-pending';
      this.appendFinished(group.standIn, source.length);
      showBeforePaint(group);
    }
  }

  /** No more blocks join the waiting group: later ones are shown after it. */
  private closeGroup(): void {
    if (this.pending) showWaiting(this.pending);
    this.pending = undefined;
  }

  private formatGroup(group: PendingGroup): void {
    if (group.generation !== this.generation) return;
    if (this.pending === group) this.pending = undefined;
    const formatted = renderBlocks(group.blocks);
    if (group.standIn) group.standIn.replaceWith(formatted);
    else this.appendFinished(formatted, group.blocks.reduce((sum, block) => sum + block.length, 0));
  }

  /**
   * Finished blocks live in sections of about SECTION_CHARS characters. The browser skips laying
   * out a section off screen, and a megabyte makes a few dozen sections rather than thousands of
   * blocks it would visit on every frame.
   */
  private appendFinished(nodes: Node, chars: number): void {
    if (!this.section || this.sectionChars >= SECTION_CHARS) {
      this.section = document.createElement('div');
      this.section.className = 'md-section';
      this.sectionChars = 0;
      this.finished.append(this.section);
    }
    this.section.append(nodes);
    this.sectionChars += chars;
  }

  private renderOpen(): void {
    if (this.fence) {
      this.growLiveCode();
      return;
    }
    if (this.plainLine) {
      this.growLivePlain();
      return;
    }
    const lines = this.openLines.join('');
    if (!(lines + this.partialLine).trim()) {
      this.open.replaceChildren();
    } else if (!this.openTable && tooMuchWork(this.openLength + this.partialLine.length, this.openMarks + this.partialMarks)) {
      // Completing this line will split the block before it; until then, show the two apart
      // rather than give marked more than a block may cost.
      this.open.replaceChildren(renderBlocks([this.openPrefix + lines, this.partialLine]));
    } else {
      this.open.replaceChildren(renderMarkdown(this.openPrefix + lines + this.partialLine));
    }
  }

  /** An open code fence: show its body as plain text, appending only what is new. */
  private growLiveCode(): void {
    if (!this.liveCode) {
      const pre = document.createElement('pre');
      this.liveCode = document.createElement('code');
      pre.append(this.liveCode);
      this.open.replaceChildren(pre);
    }
    if (this.codeBacklog) this.liveCode.append(document.createTextNode(this.codeBacklog));
    this.codeBacklog = '';
  }

  /**
   * A line too long to format, still being written: append only what is new, in pieces of at most
   * PLAIN_CHUNK characters so each frame lays out only the last piece.
   */
  private growLivePlain(): void {
    if (!this.livePlain) this.open.replaceChildren();
    let text = this.plainBacklog;
    this.plainBacklog = '';
    while (text) {
      if (!this.livePlain || this.livePlainLength >= PLAIN_CHUNK) {
        this.livePlain = document.createElement('div');
        this.livePlain.className = 'md-plain';
        this.livePlainLength = 0;
        this.open.append(this.livePlain);
      }
      const piece = text.slice(0, PLAIN_CHUNK - this.livePlainLength);
      this.livePlain.append(document.createTextNode(piece));
      this.livePlainLength += piece.length;
      text = text.slice(piece.length);
    }
  }
}
