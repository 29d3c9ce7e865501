/** What may reach marked: the linear checks that keep hostile text away from its slow paths. */
import { describe, expect, it } from 'vitest';
import {
  MAX_LINE,
  MAX_NESTING,
  continuesTable,
  lineTooCostly,
  marksIn,
  mayBeDelimiterRow,
  nestingDepth,
  tooMuchWork,
} from '../../src/chat/markdown-budget.js';

const costly = (line: string) => lineTooCostly(line, marksIn(line));

describe('what a line may cost', () => {
  it('lets ordinary markdown lines through', () => {
    for (const line of [
      'Some **bold** text, some _emphasis_, `code` and a [link](https://example.org).\n',
      '> a quote\n',
      '- a bullet with `code`\n',
      '1. a step\n',
      '| a | **b** |\n',
      '  - a nested bullet\n',
      '- - -\n',
      `${'*'.repeat(80)}\n`,
      `${'word '.repeat(1500)}\n`,
    ]) {
      expect(costly(line), line.slice(0, 40)).toBe(false);
    }
  });

  it('stops lines whose marks make marked scan quadratically', () => {
    expect(costly('_a'.repeat(1000))).toBe(true);
    expect(costly('*a'.repeat(1000))).toBe(true);
    expect(costly('['.repeat(1000))).toBe(true);
    expect(costly('`a``b'.repeat(300))).toBe(true);
  });

  it('stops lines nested deeper than a reply ever needs', () => {
    expect(costly(`${'>'.repeat(MAX_NESTING + 1)} text`)).toBe(true);
    expect(costly(`${'> '.repeat(MAX_NESTING + 1)}text`)).toBe(true);
    expect(costly(`${'- '.repeat(MAX_NESTING + 1)}text`)).toBe(true);
    expect(costly(`${'1. '.repeat(MAX_NESTING + 1)}text`)).toBe(true);
    expect(costly(`${'> '.repeat(MAX_NESTING)}text`)).toBe(false);
  });

  it('stops lines longer than MAX_LINE, and lines that marked would split at a lone carriage return', () => {
    expect(costly('a'.repeat(MAX_LINE + 1))).toBe(true);
    expect(costly('>\r>>\r>>>\rtext\n')).toBe(true);
    expect(costly('a windows line\r\n')).toBe(false);
  });

  it('counts nesting only at the start of a line, and a rule of dashes as none', () => {
    expect(nestingDepth('> > - 1. item')).toBe(4);
    expect(nestingDepth('text with > and - inside')).toBe(0);
    expect(nestingDepth(`${'- '.repeat(40)}\n`)).toBe(0);
    expect(nestingDepth(`${' '.repeat(5000)}${'>'.repeat(50)}`)).toBe(0);
  });

  it('weighs a block by its length times its marks', () => {
    expect(marksIn('a *b* _c_ [d] `e` <f> !g \\h ~i~')).toBe(12);
    expect(tooMuchWork(3000, 100)).toBe(false);
    expect(tooMuchWork(3000, 1000)).toBe(true);
  });
});

describe('tables', () => {
  it('recognises a delimiter row cheaply, leaving the verdict to marked', () => {
    expect(mayBeDelimiterRow('|---|:--:|\n')).toBe(true);
    expect(mayBeDelimiterRow('--- | ---\n')).toBe(true);
    expect(mayBeDelimiterRow('| a | b |\n')).toBe(false);
  });

  it('ends a table at a blank line or any line that may start another block', () => {
    for (const row of ['| 1 | 2 |\n', '1 | 2\n', '-1 | 2\n', '**a** | b\n', '`x` | y\n', '_a_ | b\n']) expect(continuesTable(row), row).toBe(true);
    for (const end of ['\n', '   \n', '> quote\n', '# heading\n', '- item\n', '* item\n', '1. item\n', '2) item\n', '```\n', '~~~\n', '    code\n', '\tcode\n', '<div>\n', '***\n', '___\n', '- - -\n']) {
      expect(continuesTable(end), end).toBe(false);
    }
  });
});
