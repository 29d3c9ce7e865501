/**
 * Model output is untrusted text. It is rendered as markdown by `marked` (a maintained parser) and
 * then passed through DOMPurify (a maintained sanitiser); nothing else ever reaches the DOM.
 *
 * Defence in depth: raw HTML in the markdown is escaped by the renderer (so `<script>` shows as
 * text), images become plain links (an <img> would make a network request to wherever the model
 * pointed), and the sanitiser allows only http(s)/mailto links, which open with
 * rel="noopener noreferrer".
 */
import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';

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

/** Markdown → a sanitised fragment, ready to insert. */
export function renderMarkdown(text: string): DocumentFragment {
  const html = marked.parse(text, { async: false }) as string;
  const fragment = sanitizer().sanitize(html, PURIFY_CONFIG) as DocumentFragment;
  // GFM task-list checkboxes are the only inputs allowed, and they must not be live controls.
  for (const input of fragment.querySelectorAll('input')) {
    if (input.getAttribute('type') !== 'checkbox') input.remove();
    else input.setAttribute('disabled', '');
  }
  decorateCodeBlocks(fragment);
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
 * Renders a reply while it streams, with a flat cost per token: finished blocks are rendered once
 * and never touched again; only the open block (one paragraph, list or table) is re-rendered, at
 * most once per animation frame; an open code fence grows by appending text nodes.
 *
 * Only the new text is ever scanned: the reply so far is kept as finished text plus the open
 * block's lines, so no per-token work grows with the length of the reply.
 */
export class MarkdownStream {
  /** Text of the blocks already rendered as finished. */
  private finishedText = '';
  /** Complete lines of the open block. */
  private openLines: string[] = [];
  private openLength = 0;
  /** The line being written (no newline yet). */
  private partialLine = '';
  private fence: { marker: string } | undefined;
  /** Text of the open fence not yet shown in its live <code>. */
  private codeBacklog = '';
  private readonly finished: HTMLElement;
  private readonly open: HTMLElement;
  private liveCode: HTMLElement | undefined;
  private frame = 0;
  private totalLength = 0;

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
    return this.finishedText + this.openLines.join('') + this.partialLine;
  }

  append(delta: string): void {
    if (!delta) return;
    this.totalLength += delta.length;
    let rest = delta;
    let newline: number;
    while ((newline = rest.indexOf('\n')) !== -1) {
      const segment = rest.slice(0, newline + 1);
      if (this.fence) this.codeBacklog += segment;
      this.completeLine(this.partialLine + segment);
      this.partialLine = '';
      rest = rest.slice(newline + 1);
    }
    this.partialLine += rest;
    if (this.fence) this.codeBacklog += rest;
    this.frame ||= this.schedule(() => {
      this.frame = 0;
      this.renderOpen();
    });
  }

  /** The reply is over: render what is left as finished. */
  finish(): void {
    if (this.partialLine) {
      this.openLines.push(this.partialLine);
      this.partialLine = '';
    }
    this.commit();
    this.fence = undefined;
  }

  /** Replace the whole text (a different reply, or an edit). */
  reset(text: string, finished = true): void {
    this.finishedText = '';
    this.openLines = [];
    this.openLength = 0;
    this.partialLine = '';
    this.fence = undefined;
    this.codeBacklog = '';
    this.liveCode = undefined;
    this.totalLength = 0;
    this.finished.replaceChildren();
    this.open.replaceChildren();
    this.append(text);
    if (finished) this.finish();
  }

  private completeLine(line: string): void {
    const fence = FENCE.exec(line);
    if (this.fence) {
      const closes = fence && fence[1][0] === this.fence.marker[0] && fence[1].length >= this.fence.marker.length && !line.slice(fence[0].length).trim();
      this.pushOpen(line);
      if (closes) {
        this.fence = undefined;
        this.commit();
      }
      return;
    }
    if (fence) {
      // Whatever came before the fence is a finished block of its own.
      this.commit();
      this.fence = { marker: fence[1] };
      this.codeBacklog = '';
      this.pushOpen(line);
      return;
    }
    this.pushOpen(line);
    if (!line.trim()) this.commit();
    else if (this.openLength > MAX_OPEN_BLOCK && !/^\s*\|/.test(line)) this.commit();
  }

  private pushOpen(line: string): void {
    this.openLines.push(line);
    this.openLength += line.length;
  }

  private commit(): void {
    const block = this.openLines.join('');
    this.openLines = [];
    this.openLength = 0;
    this.liveCode = undefined;
    this.codeBacklog = '';
    this.open.replaceChildren();
    if (!block) return;
    this.finishedText += block;
    if (block.trim()) this.finished.append(renderMarkdown(block));
  }

  private renderOpen(): void {
    if (this.fence) {
      this.growLiveCode();
      return;
    }
    const tail = this.openLines.join('') + this.partialLine;
    if (tail.trim()) this.open.replaceChildren(renderMarkdown(tail));
    else this.open.replaceChildren();
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
}
