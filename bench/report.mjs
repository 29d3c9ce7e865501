/**
 * What every bench does with its numbers: check that they could be true, print them, and keep them
 * in bench/results.json so a change can be compared with the run before it.
 *
 * A bench that measured something impossible is worse than none: it is believed. So a figure is
 * refused (and the bench exits non-zero, naming it) when it is not a finite number, when a paced
 * run finished sooner than its pace allows, when a run produced fewer tokens than it asked for,
 * or when the two sides of a ratio did not run interleaved in one process (on a shared, noisy
 * machine only interleaved runs are comparable).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RESULTS_PATH = fileURLToPath(new URL('./results.json', import.meta.url));

/** The median of finite numbers; NaN when there are none (and then figure() refuses it). */
export function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length !== values.length || sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Run `sides` (name → async run function) in rounds, A B A B …, and give each result its place in
 * the order and the process it ran in, so a ratio can prove its sides were interleaved.
 */
export async function interleave(rounds, sides) {
  const runs = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  let order = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(sides)) {
      const result = await run(round);
      runs[name].push({ ...result, order: order++, process: process.pid });
    }
  }
  return runs;
}

export class BenchReport {
  /** `section` is this bench's key in results.json. */
  constructor(section) {
    this.section = section;
    this.problems = [];
    this.figures = {};
  }

  /** Record a figure under a stable key; refuse null, NaN and infinities. */
  figure(key, value, unit) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.problems.push(`${key} is ${value === null ? 'null' : String(value)}, not a number`);
    }
    this.figures[key] = unit ? { value, unit } : value;
    return value;
  }

  /** A run paced at `tokensPerSecond` cannot show its `tokens` in less than (tokens − 1) / rate. */
  paced(key, { tokens, tokensPerSecond, elapsedMs }) {
    const shortest = ((tokens - 1) * 1000) / tokensPerSecond;
    if (!(elapsedMs >= shortest)) {
      this.problems.push(
        `${key}: ${tokens} tokens paced at ${tokensPerSecond}/s took ${elapsedMs?.toFixed?.(1) ?? elapsedMs} ms, less than the ${shortest.toFixed(1)} ms the pace allows`,
      );
    }
  }

  /** A run must produce the tokens it asked for: fewer means it measured something else. */
  tokens(key, { asked, produced }) {
    if (!(produced >= asked)) this.problems.push(`${key}: produced ${produced} tokens, fewer than the ${asked} asked for`);
  }

  /**
   * The two sides of a ratio must have run in the same process, alternating (no two runs of one
   * side without a run of the other between them).
   */
  interleaved(key, a, b) {
    const runs = [...a.map((run) => ({ ...run, side: 'a' })), ...b.map((run) => ({ ...run, side: 'b' }))];
    const ordered = runs.every((run) => Number.isInteger(run.order));
    const processes = new Set(runs.map((run) => run.process));
    const sequence = runs.sort((x, y) => x.order - y.order).map((run) => run.side);
    const alternates = sequence.every((side, i) => i === 0 || side !== sequence[i - 1]);
    if (!a.length || !b.length || !ordered || processes.size !== 1 || processes.has(undefined) || !alternates) {
      this.problems.push(`${key}: its two sides did not run interleaved in one process (order ${sequence.join('') || 'none'}, ${processes.size} processes)`);
    }
  }

  /** A ratio of two figures, recorded like a figure, after checking how its sides were measured. */
  ratio(key, numerator, denominator, runs) {
    if (runs) this.interleaved(key, runs[0], runs[1]);
    return this.figure(key, numerator / denominator);
  }

  /**
   * Write this section into bench/results.json (other sections kept), print what is wrong, and
   * set a failing exit code if anything is.
   */
  finish(extra = {}) {
    let results = {};
    try {
      results = JSON.parse(readFileSync(RESULTS_PATH, 'utf8'));
    } catch {
      // First run, or a file from an older layout: start again.
    }
    results[this.section] = {
      valid: this.problems.length === 0,
      ...(this.problems.length ? { problems: this.problems } : {}),
      measuredAt: new Date().toISOString(),
      ...extra,
      figures: this.figures,
    };
    const sorted = Object.fromEntries(Object.keys(results).sort().map((key) => [key, results[key]]));
    writeFileSync(RESULTS_PATH, `${JSON.stringify(sorted, null, 2)}\n`);
    if (this.problems.length) {
      console.error(`\nBench "${this.section}" is INVALID:`);
      for (const problem of this.problems) console.error(`  - ${problem}`);
      process.exitCode = 1;
    } else {
      console.log(`\n(${this.section}: every figure checked; written to bench/results.json)`);
    }
  }
}
