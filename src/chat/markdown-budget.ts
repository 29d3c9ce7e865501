/**
 * How much work one piece of markdown may cost `marked`, judged beforehand by a linear scan.
 *
 * marked's inline parser scans forward from every `*`, `_`, `~`, `[`, `!`, `<`, `` ` `` and `\`
 * looking for a closer, so a paragraph costs about (such marks) × (its length): `_a_a_a…` on one
 * 80 000-character line blocked the page for seconds. Its block parser recurses once per level of
 * nesting, so a line of 2 000 `>` overflowed the stack. Text past these limits is not given to
 * marked at all: the markdown stream shows it as plain text instead.
 *
 * The limits were measured with marked 18 in Chromium on a shared 2-core machine: the most
 * expensive block found that passes them (`_*a_*a…` over several lines) formats in about 10 ms.
 */

/** Marks × length one block may reach before it is split (or, for a single line, shown plain). */
export const MAX_BLOCK_WORK = 400_000;
/** Longest line given to marked, code fences aside (marked does not scan code for marks). */
export const MAX_LINE = 10_000;
/** Container markers (`>`, `-`, `1.` …) one line may open. Real replies use a handful. */
export const MAX_NESTING = 16;
/** Container markers can only sit at the start of a line; this much of it is examined. */
export const NESTING_SCAN = 1024;

/** The characters from which marked's inline parser starts a forward scan, by char code. */
const IS_MARK = new Uint8Array(128);
for (const c of '*_~[!<`\\') IS_MARK[c.charCodeAt(0)] = 1;

/** How many of marked's scan-starting characters the text holds. */
export function marksIn(text: string): number {
  let marks = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128) marks += IS_MARK[code];
  }
  return marks;
}

/** Would a block of this length with this many marks cost more than one block may? */
export function tooMuchWork(length: number, marks: number): boolean {
  return length * marks > MAX_BLOCK_WORK;
}

/**
 * Roughly how long a block takes to format, in characters of plain prose: marks make a block
 * dearer (MAX_BLOCK_WORK weighs like 10 000 characters, about as long to format).
 */
export function formatWeight(length: number, marks: number): number {
  return length + (length * marks) / 40;
}

const SPACE = 32;
const TAB = 9;
const isBlank = (code: number) => code === SPACE || code === TAB;
const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * How many containers (block quotes, list items) the start of a line opens, counted up to
 * MAX_NESTING + 1 and over at most NESTING_SCAN characters: a long run of spaces ends nesting in
 * markdown (it starts indented code), so nothing further along the line can nest.
 */
export function nestingDepth(line: string): number {
  const end = Math.min(line.length, NESTING_SCAN);
  let depth = 0;
  let i = 0;
  while (i < end && depth <= MAX_NESTING) {
    while (i < end && isBlank(line.charCodeAt(i))) i++;
    const c = line.charCodeAt(i);
    if (c === 62 /* > */) {
      i++;
    } else if ((c === 45 || c === 43 || c === 42) && isBlank(line.charCodeAt(i + 1))) {
      // A bullet: `-`, `+` or `*`, then a space.
      i += 2;
    } else if (isDigit(c)) {
      let j = i;
      while (j < end && j - i < 9 && isDigit(line.charCodeAt(j))) j++;
      const after = line.charCodeAt(j);
      // An ordered item: up to nine digits, `.` or `)`, then a space.
      if ((after !== 46 && after !== 41) || !isBlank(line.charCodeAt(j + 1))) break;
      i = j + 2;
    } else {
      break;
    }
    depth++;
  }
  // `- - - - …` and `* * * …` are one horizontal rule, not nested lists.
  if (depth > MAX_NESTING && THEMATIC_BREAK.test(line)) return 0;
  return depth;
}

const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1)+[ \t]*\n?$/;

/** Does a line (newline included or not) hold more than marked may be given? */
export function lineTooCostly(line: string, marks: number): boolean {
  return line.length > MAX_LINE || tooMuchWork(line.length, marks) || nestingDepth(line) > MAX_NESTING || hasBareCarriageReturn(line);
}

/**
 * marked also breaks lines at a lone `\r`; the stream only at `\n`. A line holding one could hide
 * many lines (and levels of nesting) from the checks above, so it is not formatted.
 */
function hasBareCarriageReturn(line: string): boolean {
  for (let at = line.indexOf('\r'); at !== -1; at = line.indexOf('\r', at + 1)) {
    if (line.charCodeAt(at + 1) !== 10) return true;
  }
  return false;
}

/**
 * Could this line be a table's delimiter row (`|---|:--:|`)? A cheap first look: should the table
 * outgrow an ordinary block, marked itself decides, on the header and this row alone.
 */
export function mayBeDelimiterRow(line: string): boolean {
  return line.length <= 2000 && /^[ \t]*[|:-][ \t|:-]*\n?$/.test(line) && line.includes('-');
}

/**
 * Does this line carry a table on, rather than end it? marked ends a table at a blank line or at a
 * line that starts another block: a quote, heading, list item, code, rule or HTML. This errs toward
 * "ends" (any line starting with `>`, `#`, `<`, a digit and `.` or `)`, …) — which only means a
 * long table is split sooner, never that a line marked treats as a paragraph escapes the limits.
 */
export function continuesTable(line: string): boolean {
  let i = 0;
  while (i < 3 && line.charCodeAt(i) === SPACE) i++;
  const c = line[i];
  if (c === undefined || c === '\n' || c === '\r' || c === ' ' || c === '\t') return false; // blank, or indented code
  if (c === '>' || c === '#' || c === '<') return false;
  if (line.startsWith('```', i) || line.startsWith('~~~', i)) return false;
  if ((c === '-' || c === '*' || c === '+') && isBlank(line.charCodeAt(i + 1))) return false; // a list item
  if (THEMATIC_BREAK.test(line)) return false;
  if (isDigit(line.charCodeAt(i))) {
    let j = i;
    while (isDigit(line.charCodeAt(j))) j++;
    const after = line.charCodeAt(j);
    if ((after === 46 || after === 41) && (isBlank(line.charCodeAt(j + 1)) || j + 1 >= line.trimEnd().length)) return false; // an ordered item
  }
  return line.trim().length > 0;
}
