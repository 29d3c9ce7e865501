/**
 * Which model the chat and the translator offer, in place, while none is loaded, and whether it
 * loads by itself. One press away, wherever the person is:
 *
 * 1. the model the link names (`model=`): a link never starts anything, so it waits for the press;
 * 2. the model last loaded on this device: loaded by itself when it is stored here (unless the
 *    person turned that off, or the link names a model), else offered with its download size;
 * 3. a model stored on this device that fits (the recommended one first);
 * 4. the model recommended for this device (catalog.ts: recommendedModel), with its download size;
 * 5. any model that fits.
 *
 * A model that does not fit this device is never offered; one the link names is refused with the
 * reason. Pure: the app gathers what it needs (app/offer-sources.ts) and shows the result.
 */
import type { FittedEntry } from '../engine/catalog.js';
import { formatBytes } from '../engine/progress.js';
import type { LastModel } from '../storage/settings.js';

export type OfferReason = 'link' | 'last' | 'stored' | 'recommended' | 'fits';

export interface ModelOffer {
  entry: FittedEntry;
  /** Every file is on this device: loading it downloads nothing. */
  stored: boolean;
  because: OfferReason;
  /** Load it now, without a press. */
  autoload: boolean;
}

export interface OfferChoice {
  /** The catalog id the link names (a model URL already added to the library counts). */
  linked?: string;
  /** The link has a `model=` parameter at all, usable or not: then nothing loads by itself. */
  linkNamesModel: boolean;
  /** The model last loaded with this engine on this device. */
  last?: LastModel;
  /** The person's setting: load the last model by itself when it is stored here. */
  loadLastOnOpen: boolean;
  /** Every model of the engine's library, with its fit for this device. */
  fitted: readonly FittedEntry[];
  /** Ids whose files are completely on this device. */
  stored: ReadonlySet<string>;
  recommended?: FittedEntry;
}

export interface OfferPlan {
  /** Undefined when no model fits this device. */
  offer?: ModelOffer;
  /** Why a model the link names is not offered, one sentence each. */
  problems: string[];
}

export function planModelOffer(choice: OfferChoice): OfferPlan {
  const { linked, linkNamesModel, last, loadLastOnOpen, fitted, stored, recommended } = choice;
  const problems: string[] = [];
  const offer = (entry: FittedEntry, because: OfferReason, autoload = false): OfferPlan => ({
    offer: { entry, stored: stored.has(entry.id), because, autoload },
    problems,
  });

  const fromLink = linked === undefined ? undefined : fitted.find((entry) => entry.id === linked);
  if (fromLink) {
    if (fromLink.fit.fits) return offer(fromLink, 'link');
    problems.push(`The link’s model “${fromLink.name}” cannot run on this device. ${fromLink.fit.reason}`);
  }

  // Found again by its files' address when its id changed (a model added by URL is named after
  // its file, and numbered when two files share a name).
  const lastEntry =
    last && (fitted.find((entry) => entry.id === last.modelId) ?? fitted.find((entry) => !!last.modelUrl && entry.modelUrl === last.modelUrl));
  if (lastEntry?.fit.fits) {
    return offer(lastEntry, 'last', stored.has(lastEntry.id) && loadLastOnOpen && !linkNamesModel);
  }

  const storedFitting = fitted.filter((entry) => entry.fit.fits && stored.has(entry.id));
  const storedChoice = storedFitting.find((entry) => entry.id === recommended?.id) ?? storedFitting[0];
  if (storedChoice) return offer(storedChoice, 'stored');
  if (recommended?.fit.fits) return offer(recommended, 'recommended');
  const fitting = fitted.find((entry) => entry.fit.fits);
  return fitting ? offer(fitting, 'fits') : { problems };
}

/** What the offer's button says: "Load Qwen3 0.6B" when stored here, else "Download and load Qwen3 0.6B". */
export function offerAction(offer: Pick<ModelOffer, 'entry' | 'stored'>): string {
  // A remote server's model downloads nothing.
  return `${offer.stored || offer.entry.engine === 'remote' ? 'Load' : 'Download and load'} ${offer.entry.name}`;
}

/** How much loading it costs: "stored on this device", "about 380 MB to download", or "size unknown…". */
export function offerCost(offer: Pick<ModelOffer, 'entry' | 'stored'>): string {
  if (offer.stored) return 'stored on this device';
  if (offer.entry.engine === 'remote') return offer.entry.note ?? 'runs on the server';
  return offer.entry.downloadBytes > 0
    ? `about ${formatBytes(offer.entry.downloadBytes)} to download`
    : 'size unknown until the download starts';
}

/** Why this model is the one offered, as the start of a sentence that names it. */
export const OFFER_REASONS: Record<OfferReason, string> = {
  link: 'The link names',
  last: 'The model you used last on this device:',
  stored: 'On this device:',
  recommended: 'Recommended for this device:',
  fits: 'This device can run',
};
