/** Streaming markdown: piece by piece must end up exactly like the whole text rendered at once. */
import { expect } from '@open-wc/testing';
import { MarkdownStream, renderMarkdown } from '../../src/chat/markdown.js';
import { tokensOf } from '../support/scripted-engine.js';

const DOCUMENT = [
  'Intro with **bold** and `code`.',
  '',
  '1. one',
  '2. two',
  '',
  '| a | b |',
  '|---|---|',
  '| 1 | 2 |',
  '',
  '```ts',
  'const x = 1;',
  '',
  'console.log(x);',
  '```',
  '',
  'Last paragraph with a [link](https://example.org).',
].join('\n');

function streamed(text: string, pieces: string[]) {
  const root = document.createElement('div');
  const frames: Array<() => void> = [];
  const stream = new MarkdownStream(root, (render) => frames.push(render));
  const seen: string[] = [];
  for (const piece of pieces) {
    stream.append(piece);
    frames.splice(0).forEach((render) => render());
    seen.push(root.textContent ?? '');
  }
  stream.finish();
  return { root, seen, stream, text };
}

const count = (root: ParentNode, selector: string) => root.querySelectorAll(selector).length;

describe('MarkdownStream', () => {
  it('renders a reply streamed token by token the same as the whole reply at once', () => {
    const { root, stream } = streamed(DOCUMENT, tokensOf(DOCUMENT));
    const atOnce = document.createElement('div');
    new MarkdownStream(atOnce).reset(DOCUMENT);
    const whole = renderMarkdown(DOCUMENT);

    expect(root.innerHTML).to.equal(atOnce.innerHTML);
    expect(stream.value).to.equal(DOCUMENT);
    for (const selector of ['ol li', 'table td', 'pre code', 'a[href]', 'strong', 'p']) {
      expect(count(root, selector), selector).to.equal(count(whole, selector));
    }
  });

  it('shows an unfinished code block as it is written, without the fence markers', () => {
    const pieces = tokensOf(DOCUMENT);
    const { seen } = streamed(DOCUMENT, pieces);
    const upToCode = pieces.findIndex((_, i) => pieces.slice(0, i + 1).join('').includes('const x = 1;'));

    expect(seen[upToCode]).to.include('const x = 1;');
    expect(seen[upToCode]).not.to.include('```');
  });

  it('also gets there when every character arrives on its own', () => {
    const { root } = streamed(DOCUMENT, [...DOCUMENT]);
    const atOnce = document.createElement('div');
    new MarkdownStream(atOnce).reset(DOCUMENT);

    expect(root.innerHTML).to.equal(atOnce.innerHTML);
  });
});
