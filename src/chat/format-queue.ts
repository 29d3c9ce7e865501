/**
 * Formatting work for every message on the page, done in slices so the page keeps answering.
 *
 * Opening a conversation (a reload, an import) formats all of it at once; a megabyte of markdown
 * takes seconds. Each block is shown as plain text straight away and formatted here: as much as
 * fits in a slice now, the rest in later tasks, newest block first — the view opens at the bottom
 * of the conversation, so that is what the reader sees first.
 */

/** Time one task may spend formatting before the page gets a turn. */
const SLICE_MS = 20;
/**
 * Work each slice does however long it takes (in formatWeight's units, ~characters of prose; one
 * block is bounded by markdown-budget.ts), so a short reply is always formatted at once, even on a
 * slow machine.
 */
const ALWAYS_NOW_WEIGHT = 4000;

type Job = () => void;

/**
 * The formatting done now, synchronously, by whatever runs at the moment (one Lit update of every
 * message on the page, one reset of a reply). Closed by a microtask: work queued in the same
 * microtask checkpoint (all the messages a render just created) shares it.
 */
let slice: { ends: number; weight: number } | undefined;
const waiting: Job[] = [];
let flushTimer: ReturnType<typeof setTimeout> | undefined;
let settled: Array<() => void> = [];

/** Run `job` (formatting text of this weight) now if there is time left, later otherwise. */
export function formatSoon(weight: number, job: Job): void {
  if (!slice) {
    const opened = (slice = { ends: performance.now() + SLICE_MS, weight: 0 });
    queueMicrotask(() => {
      if (slice === opened) slice = undefined;
    });
  }
  if (waiting.length === 0 && (slice.weight + weight <= ALWAYS_NOW_WEIGHT || performance.now() < slice.ends)) {
    slice.weight += weight;
    run(job);
    return;
  }
  waiting.push(job);
  flushTimer ??= setTimeout(flush, 0);
}

/** Resolves once everything handed to formatSoon so far has been formatted. */
export function formattingSettled(): Promise<void> {
  if (waiting.length === 0) return Promise.resolve();
  return new Promise((resolve) => settled.push(resolve));
}

/**
 * A later task: format for one slice, newest first, and leave the rest to the next. Work a job
 * hands to formatSoon meanwhile (reading text makes blocks) runs within the same slice.
 */
function flush(): void {
  flushTimer = undefined;
  const own = (slice = { ends: performance.now() + SLICE_MS, weight: ALWAYS_NOW_WEIGHT });
  while (waiting.length > 0) {
    run(waiting.pop()!);
    if (performance.now() >= own.ends) break;
  }
  if (slice === own) slice = undefined;
  if (waiting.length > 0) {
    flushTimer = setTimeout(flush, 0);
    return;
  }
  const resolvers = settled;
  settled = [];
  for (const resolve of resolvers) resolve();
}

/** One block failing to format must not stop the others. */
function run(job: Job): void {
  try {
    job();
  } catch (error) {
    reportError(error);
  }
}
