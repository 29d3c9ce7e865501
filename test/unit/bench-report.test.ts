import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of the bench scripts, without type declarations.
import { BenchReport, interleave, median } from '../../bench/report.mjs';

const run = (order: number, process = 1) => ({ order, process });

describe('a bench refuses figures that cannot be true', () => {
  it('refuses null, NaN and infinite figures, naming them', () => {
    const report = new BenchReport('test');

    report.figure('fine', 12.5);
    report.figure('whole app tokens/s', null);
    report.figure('ratio', NaN);
    report.figure('rate', Infinity);

    expect(report.problems).toEqual(['whole app tokens/s is null, not a number', 'ratio is NaN, not a number', 'rate is Infinity, not a number']);
  });

  it('refuses a paced run that finished sooner than its pace allows', () => {
    const report = new BenchReport('test');

    report.paced('100 tokens at 500/s', { tokens: 100, tokensPerSecond: 500, elapsedMs: 198 });
    report.paced('4000 tokens at 500/s', { tokens: 4000, tokensPerSecond: 500, elapsedMs: 41 });

    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/^4000 tokens at 500\/s: .* less than the 7998\.0 ms the pace allows$/);
  });

  it('refuses a run that produced fewer tokens than it asked for', () => {
    const report = new BenchReport('test');

    report.tokens('app run', { asked: 400, produced: 400 });
    report.tokens('direct run', { asked: 400, produced: 0 });

    expect(report.problems).toEqual(['direct run: produced 0 tokens, fewer than the 400 asked for']);
  });

  it('refuses a ratio whose sides ran one after the other, or in two processes', () => {
    const report = new BenchReport('test');

    report.ratio('interleaved', 1, 2, [[run(0), run(2)], [run(1), run(3)]]);
    report.ratio('in sequence', 1, 2, [[run(0), run(1)], [run(2), run(3)]]);
    report.ratio('two processes', 1, 2, [[run(0, 1), run(2, 1)], [run(1, 2), run(3, 2)]]);
    report.ratio('one side missing', 1, 2, [[run(0)], []]);

    expect(report.problems.map((problem: string) => problem.split(':')[0])).toEqual(['in sequence', 'two processes', 'one side missing']);
  });

  it('interleaves the sides it runs, in one process, and takes medians of finite numbers only', async () => {
    const report = new BenchReport('test');
    const runs = await interleave(3, { a: async () => ({ x: 1 }), b: async () => ({ x: 2 }) });

    report.interleaved('sides', runs.a, runs.b);

    expect(report.problems).toEqual([]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1, null, 3])).toBeNaN();
  });
});
