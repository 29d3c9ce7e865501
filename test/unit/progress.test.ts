import { describe, expect, it } from 'vitest';
import {
  EtaEstimator,
  formatBytes,
  formatDuration,
  parseProgressReport,
  phaseOf,
  type LoadPhase,
  type LoadProgress,
  type ProgressReport,
} from '../../src/engine/progress.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** The texts web-llm 0.2.86 (tvmjs runtime) builds, as documented at the top of progress.ts. */
function fetchingText(shard: number, shards: number, mb: number, percent: number, secs: number): string {
  return (
    `Fetching param cache[${shard}/${shards}]: ${mb}MB fetched. ${percent}% completed, ${secs} secs elapsed.` +
    ' It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.'
  );
}

function loadingFromCacheText(shard: number, shards: number, mb: number, percent: number, secs: number): string {
  return `Loading model from cache[${shard}/${shards}]: ${mb}MB loaded. ${percent}% completed, ${secs} secs elapsed.`;
}

/** A download report as web-llm sends it: progress is the exact fraction, the text rounds it. */
function downloadReport(loadedMB: number, totalMB: number, secs: number): ProgressReport {
  const progress = loadedMB / totalMB;
  return { progress, timeElapsed: secs, text: fetchingText(1, 24, loadedMB, Math.floor(progress * 100), secs) };
}

describe('phaseOf', () => {
  it.each<[string, LoadPhase]>([
    ['Start to fetch params', 'downloading'],
    [fetchingText(3, 24, 120, 18, 9), 'downloading'],
    [loadingFromCacheText(3, 24, 120, 18, 2), 'reading-cache'],
    ['Loading GPU shader modules[40/113]: 35% completed, 3 secs elapsed.', 'compiling'],
    ['Finish loading on WebGPU - nvidia', 'finishing'],
  ])('reads "%s" as %s', (text, phase) => {
    expect(phaseOf(text)).toBe(phase);
  });

  it('treats text it does not know as preparing', () => {
    expect(phaseOf('Fetching model config')).toBe('preparing');
  });
});

describe('parseProgressReport', () => {
  it('reads the fetched megabytes as bytes', () => {
    const parsed = parseProgressReport({ progress: 0.18, timeElapsed: 9, text: fetchingText(3, 24, 120, 18, 9) });

    expect(parsed.loadedBytes).toBe(120 * MiB);
  });

  it('reads the megabytes loaded from the cache as bytes', () => {
    const parsed = parseProgressReport({
      progress: 0.18,
      timeElapsed: 2,
      text: loadingFromCacheText(3, 24, 120, 18, 2),
    });

    expect(parsed.loadedBytes).toBe(120 * MiB);
  });

  it('derives the total size from the bytes fetched and the fraction done', () => {
    const parsed = parseProgressReport({ progress: 0.25, timeElapsed: 9, text: fetchingText(6, 24, 300, 25, 9) });

    expect(parsed.totalBytes).toBeDefined();
    expect(parsed.totalBytes! * 0.25).toBeCloseTo(parsed.loadedBytes, 0);
  });

  it('gives no total size below 1 % progress, where the estimate is too noisy', () => {
    const parsed = parseProgressReport({ progress: 0.005, timeElapsed: 1, text: fetchingText(1, 24, 2, 0, 1) });

    expect(parsed.loadedBytes).toBeGreaterThan(0);
    expect(parsed.totalBytes).toBeUndefined();
  });

  it('gives no bytes for shader compilation, which reports none', () => {
    const parsed = parseProgressReport({
      progress: 0.35,
      timeElapsed: 3,
      text: 'Loading GPU shader modules[40/113]: 35% completed, 3 secs elapsed.',
    });

    expect(parsed.phase).toBe('compiling');
    expect(parsed.loadedBytes).toBe(0);
    expect(parsed.totalBytes).toBeUndefined();
  });

  it('keeps the fraction done', () => {
    const parsed = parseProgressReport({ progress: 0.35, timeElapsed: 3, text: 'Loading GPU shader modules[40/113]' });

    expect(parsed.progress).toBe(0.35);
  });

  it('reads a missing fraction (0 of 0 bytes) as no progress', () => {
    const parsed = parseProgressReport({ progress: Number.NaN, timeElapsed: 0, text: 'Start to fetch params' });

    expect(parsed.progress).toBe(0);
  });

  it.each([-0.5, 1.7])('keeps a fraction of %s between 0 and 1', (progress) => {
    const parsed = parseProgressReport({ progress, timeElapsed: 0, text: 'Start to fetch params' });

    expect(parsed.progress).toBeGreaterThanOrEqual(0);
    expect(parsed.progress).toBeLessThanOrEqual(1);
  });
});

describe('EtaEstimator', () => {
  /** Feeds a steady 10 MB/s download of 1000 MB, one report a second, and returns each result. */
  function steadyDownload(seconds: number): LoadProgress[] {
    const estimator = new EtaEstimator();
    const results: LoadProgress[] = [];
    for (let s = 1; s <= seconds; s++) {
      results.push(estimator.update(parseProgressReport(downloadReport(10 * s, 1000, s)), s * 1000));
    }
    return results;
  }

  it('gives no estimate from a single report, before any rate is known', () => {
    const [first] = steadyDownload(1);

    expect(first.etaSeconds).toBeUndefined();
  });

  it('gives an estimate once the download has run for a while', () => {
    const results = steadyDownload(5);

    expect(results.at(-1)!.etaSeconds).toBeDefined();
  });

  it('gives an estimate that shrinks as a steady download continues', () => {
    const etas = steadyDownload(20)
      .map((r) => r.etaSeconds)
      .filter((eta): eta is number => eta !== undefined);

    expect(etas.length).toBeGreaterThan(10);
    for (let i = 1; i < etas.length; i++) expect(etas[i]).toBeLessThan(etas[i - 1]);
  });

  it('gives an estimate consistent with the remaining bytes and the steady rate', () => {
    const last = steadyDownload(20).at(-1)!;

    // 200 MB of 1000 MB done at 10 MB/s: about 80 s left.
    expect(last.etaSeconds).toBeGreaterThanOrEqual(78);
    expect(last.etaSeconds).toBeLessThanOrEqual(82);
  });

  it('keeps the estimate steady through a burst that the sliding window smooths', () => {
    const estimator = new EtaEstimator();
    let last: LoadProgress | undefined;
    for (let s = 1; s <= 10; s++) last = estimator.update(parseProgressReport(downloadReport(10 * s, 1000, s)), s * 1000);
    const beforeBurst = last!.etaSeconds!;

    const afterBurst = estimator.update(parseProgressReport(downloadReport(150, 1000, 10.5)), 10_500);

    expect(afterBurst.etaSeconds).toBeLessThan(beforeBurst);
    expect(afterBurst.etaSeconds).toBeGreaterThan(beforeBurst / 4);
  });

  it.each<[string, ProgressReport]>([
    ['reading from the cache', { progress: 0.5, timeElapsed: 3, text: loadingFromCacheText(12, 24, 500, 50, 3) }],
    ['compiling shaders', { progress: 0.5, timeElapsed: 3, text: 'Loading GPU shader modules[56/113]: 50% completed, 3 secs elapsed.' }],
    ['finishing', { progress: 1, timeElapsed: 3, text: 'Finish loading on WebGPU - nvidia' }],
  ])('gives no estimate while %s', (_phase, report) => {
    const estimator = new EtaEstimator();
    for (let s = 1; s <= 5; s++) estimator.update(parseProgressReport(downloadReport(10 * s, 1000, s)), s * 1000);

    const result = estimator.update(parseProgressReport(report), 6000);

    expect(result.etaSeconds).toBeUndefined();
  });
});

describe('formatBytes', () => {
  it('shows small sizes in bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
  });

  it('shows kilobyte sizes in KB', () => {
    expect(formatBytes(300 * 1024)).toBe('300 KB');
  });

  it('shows the megabytes web-llm reports in MB', () => {
    expect(formatBytes(120 * MiB)).toBe('120 MB');
  });

  it('shows one decimal for a few megabytes', () => {
    expect(formatBytes(2.5 * MiB)).toBe('2.5 MB');
  });

  it('shows model-sized downloads in GB', () => {
    expect(formatBytes(1.5 * GiB)).toBe('1.50 GB');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('shows a dash for the impossible size %s', (bytes) => {
    expect(formatBytes(bytes)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('shows under a minute in seconds', () => {
    expect(formatDuration(42)).toBe('42 s');
  });

  it('shows minutes and seconds', () => {
    expect(formatDuration(125)).toBe('2 min 5 s');
  });

  it('shows hours and minutes for very long waits', () => {
    expect(formatDuration(2 * 3600 + 5 * 60 + 9)).toBe('2 h 5 min');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('shows a dash for the impossible duration %s', (seconds) => {
    expect(formatDuration(seconds)).toBe('—');
  });
});
