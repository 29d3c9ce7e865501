/**
 * Which model the kiosk runs, and whether it may start it by itself. A link alone never starts a
 * download: the kiosk starts by itself only with a model already stored on this device, or one
 * the site owner configured (kiosk.json) whose size is known. Anything else waits for one press of
 * "Download <name> (<size>) and start the kiosk". A model that does not fit this device is refused
 * with the reason, wherever it was named.
 */
import type { FittedEntry } from '../engine/catalog.js';
import { formatBytes } from '../engine/progress.js';

export type KioskStart =
  /** Load now: the files are on this device, or the site owner chose the model (size known). */
  | { kind: 'autoload'; entry: FittedEntry; because: 'stored' | 'site' }
  /** Show the press; load only after it. */
  | { kind: 'ask'; entry: FittedEntry }
  /** No model that fits this device: nothing to start. */
  | { kind: 'none' };

export interface KioskModelChoice {
  /** The catalog id of the model the link names (custom models already added to the library). */
  linked?: string;
  /** The ids of the site owner's models for this engine, in the owner's order. */
  configured: readonly string[];
  /** Every model of the engine's library, with its fit for this device. */
  fitted: readonly FittedEntry[];
  /** Ids whose files are completely on this device. */
  stored: ReadonlySet<string>;
  /** The model the device would be recommended (catalog.ts: recommendedModel). */
  recommended?: FittedEntry;
}

export interface KioskPlan {
  start: KioskStart;
  /** Why a named model is not used, one sentence each. */
  problems: string[];
}

export function planKioskStart(choice: KioskModelChoice): KioskPlan {
  const { linked, configured, fitted, stored, recommended } = choice;
  const problems: string[] = [];
  const byId = (id: string) => fitted.find((entry) => entry.id === id);
  const fits = (entry: FittedEntry, whose: string): boolean => {
    if (entry.fit.fits) return true;
    problems.push(`${whose} “${entry.name}” cannot run on this device. ${entry.fit.reason}`);
    return false;
  };
  const siteStart = (entry: FittedEntry): KioskStart =>
    stored.has(entry.id)
      ? { kind: 'autoload', entry, because: 'stored' }
      : // An unknown size is never downloaded without a press, even for the owner's own model; a
        // server's model downloads nothing.
        entry.downloadBytes > 0 || entry.engine === 'remote'
        ? { kind: 'autoload', entry, because: 'site' }
        : { kind: 'ask', entry };

  const fromLink = linked === undefined ? undefined : byId(linked);
  if (fromLink && fits(fromLink, 'The link’s model')) {
    if (configured.includes(fromLink.id)) return { start: siteStart(fromLink), problems };
    return { start: stored.has(fromLink.id) ? { kind: 'autoload', entry: fromLink, because: 'stored' } : { kind: 'ask', entry: fromLink }, problems };
  }

  for (const id of configured) {
    const entry = byId(id);
    if (entry && entry.id !== fromLink?.id && fits(entry, 'The site’s kiosk model')) return { start: siteStart(entry), problems };
  }

  const storedFitting = fitted.filter((entry) => entry.fit.fits && stored.has(entry.id));
  const storedChoice = storedFitting.find((entry) => entry.id === recommended?.id) ?? storedFitting[0];
  if (storedChoice) return { start: { kind: 'autoload', entry: storedChoice, because: 'stored' }, problems };
  const download = recommended?.fit.fits ? recommended : fitted.find((entry) => entry.fit.fits);
  return { start: download ? { kind: 'ask', entry: download } : { kind: 'none' }, problems };
}

/** The label of the one press that may start a download: "Download Qwen3 0.6B (524 MB) and start the kiosk". */
export function downloadLabel(entry: Pick<FittedEntry, 'name' | 'downloadBytes'>): string {
  const size = entry.downloadBytes > 0 ? formatBytes(entry.downloadBytes) : 'size unknown';
  return `Download ${entry.name} (${size}) and start the kiosk`;
}
