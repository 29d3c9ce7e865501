/**
 * What the model offer is decided from (app/model-offer.ts), gathered for the page's engine: the
 * device's fit for every model, which are stored here, the model last loaded and the person's
 * setting. Read after the view is on screen: listing the CPU engine's stored files loads wllama.
 */
import { recommendedModel } from '../engine/catalog.js';
import { fitEntries } from '../engine/model-library.js';
import { deviceReport, type PageEngine } from '../engine/page-engine.js';
import type { SettingsStore } from '../storage/settings.js';
import { planModelOffer, type OfferPlan } from './model-offer.js';

export interface LinkModel {
  /** The catalog id the link names, once the page has resolved it. */
  linked?: string;
  /** The link has a `model=` parameter (usable or not). */
  namesModel: boolean;
}

export async function gatherModelOffer(page: PageEngine, settings: SettingsStore, link: LinkModel): Promise<OfferPlan> {
  const [device, stored, last, loadLastOnOpen] = await Promise.all([
    deviceReport(),
    page.library.listStored().catch(() => []),
    settings.lastModel(page.library.kind).catch(() => undefined),
    settings.loadLastModelOnOpen().catch(() => true),
  ]);
  const fitted = fitEntries(page.library, device);
  return planModelOffer({
    ...(link.linked !== undefined ? { linked: link.linked } : {}),
    linkNamesModel: link.namesModel,
    ...(last ? { last } : {}),
    loadLastOnOpen,
    fitted,
    stored: new Set(stored.filter((files) => files.complete).flatMap((files) => files.modelIds)),
    ...(recommendedModel(fitted) ? { recommended: recommendedModel(fitted) } : {}),
  });
}
