/**
 * web-llm reports loading progress as `{progress, timeElapsed, text}`; the bytes and the phase are
 * only in the text. This module turns those reports into the numbers the progress bar shows.
 *
 * Texts seen in @mlc-ai/web-llm 0.2.86 (tvmjs runtime):
 *   "Start to fetch params"
 *   "Fetching param cache[3/24]: 120MB fetched. 18% completed, 9 secs elapsed. It can take…"
 *   "Loading model from cache[3/24]: 120MB loaded. 18% completed, 2 secs elapsed."
 *   "Loading GPU shader modules[40/113]: 35% completed, 3 secs elapsed."
 *   "Finish loading on WebGPU - <gpu>"
 */

/** `other-tab`: waiting for another tab of the site to let go of the model (model-holder.ts). */
export type LoadPhase = 'other-tab' | 'preparing' | 'downloading' | 'reading-cache' | 'compiling' | 'finishing';

export interface LoadProgress {
  phase: LoadPhase;
  /** 0…1 within the current phase. */
  progress: number;
  loadedBytes: number;
  totalBytes?: number;
  etaSeconds?: number;
  /** Set while waiting to try a dropped download again. */
  retry?: DownloadRetry;
}

export interface DownloadRetry {
  /** The attempt about to start: 2 for the first retry. */
  attempt: number;
  maxAttempts: number;
  inSeconds: number;
}

/**
 * Waits before trying a dropped download again: short first (a blip), longer later (a network
 * that is really gone). Their count is the number of retries.
 */
export const DOWNLOAD_RETRY_DELAYS_MS: readonly number[] = [1000, 3000, 8000];

/** The wait before retry number `tries + 1` (counting from 0), or undefined once retries are used up. */
export function nextRetry(tries: number, delaysMs: readonly number[]): { retry: DownloadRetry; waitMs: number } | undefined {
  const waitMs = delaysMs[tries];
  if (waitMs === undefined) return undefined;
  return { retry: { attempt: tries + 2, maxAttempts: delaysMs.length + 1, inSeconds: Math.ceil(waitMs / 1000) }, waitMs };
}

/** Sleep, unless `signal` aborts first (then reject with it). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

export interface ProgressReport {
  progress: number;
  timeElapsed: number;
  text: string;
}

const MB = 1024 * 1024;
const BYTES_TEXT = /(\d+(?:\.\d+)?)\s*MB (?:fetched|loaded)/i;

export function phaseOf(text: string): LoadPhase {
  if (/^Fetching param cache/i.test(text) || /^Start to fetch params/i.test(text)) return 'downloading';
  if (/^Loading model from cache/i.test(text)) return 'reading-cache';
  if (/shader modules/i.test(text)) return 'compiling';
  if (/^Finish loading/i.test(text)) return 'finishing';
  return 'preparing';
}

/** Parse one report. Total bytes are derived from "X MB fetched" and the fraction done. */
export function parseProgressReport(report: ProgressReport): LoadProgress {
  const phase = phaseOf(report.text);
  const progress = clamp01(Number.isFinite(report.progress) ? report.progress : 0);
  const bytesMatch = BYTES_TEXT.exec(report.text);
  const loadedBytes = bytesMatch ? Math.round(parseFloat(bytesMatch[1]) * MB) : 0;
  const parsed: LoadProgress = { phase, progress, loadedBytes };
  // Below 1 % the ratio is too noisy to extrapolate a total from (MB are rounded up).
  if (loadedBytes > 0 && progress >= 0.01) parsed.totalBytes = Math.round(loadedBytes / progress);
  return parsed;
}

/**
 * Estimates time left from the download rate over a sliding window, so a stall or a burst from the
 * cache does not swing the figure wildly. Feed it every report of one load; make a new one per load.
 */
export class EtaEstimator {
  private samples: Array<{ at: number; bytes: number }> = [];
  constructor(private readonly windowMs = 8000) {}

  update(progress: LoadProgress, nowMs: number): LoadProgress {
    if (progress.phase !== 'downloading' || !progress.totalBytes || progress.loadedBytes <= 0) {
      return progress;
    }
    this.samples.push({ at: nowMs, bytes: progress.loadedBytes });
    while (this.samples.length > 2 && nowMs - this.samples[0].at > this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const elapsedS = (nowMs - first.at) / 1000;
    const bytes = progress.loadedBytes - first.bytes;
    if (elapsedS < 0.5 || bytes <= 0) return progress;
    const rate = bytes / elapsedS;
    const etaSeconds = Math.max(0, Math.round((progress.totalBytes - progress.loadedBytes) / rate));
    return { ...progress, etaSeconds };
  }
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 * MB) return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
  return `${(bytes / (1024 * MB)).toFixed(2)} GB`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const PHASE_LABELS: Record<LoadPhase, string> = {
  'other-tab': 'Waiting for another tab',
  preparing: 'Fetching model configuration and program',
  downloading: 'Downloading weights',
  'reading-cache': 'Reading weights from this device',
  compiling: 'Compiling GPU shaders',
  finishing: 'Finishing',
};

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
