/**
 * Start-up: models added by URL on earlier visits go back into the page's library. The saved list
 * is stored data, so untrusted: an entry that is not a model record, or that the library no longer
 * accepts, is dropped from the list and said once, and the app starts regardless.
 */
import type { ModelLibrary } from '../engine/model-library.js';
import type { SettingsStore } from '../storage/settings.js';

/** Add the saved models for this page's engine to its library; returns a notice if any were dropped. */
export async function restoreSavedCustomModels(
  settings: SettingsStore,
  library: Pick<ModelLibrary, 'kind' | 'addCustom'>,
): Promise<string | undefined> {
  const { models, dropped } = await settings.readCustomModels().catch(() => ({ models: [], dropped: 0 }));
  let refused = 0;
  for (const model of models) {
    if (model.engine !== library.kind) continue;
    try {
      library.addCustom(model);
    } catch {
      // Its address or settings no longer pass the library's checks: it could never be loaded.
      refused++;
      await settings.removeCustomModel(model.engine, model.url).catch(() => undefined);
    }
  }
  const skipped = dropped + refused;
  if (skipped === 0) return undefined;
  const what =
    skipped === 1
      ? 'A model added earlier could not be read and was removed from Models.'
      : `${skipped} models added earlier could not be read and were removed from Models.`;
  return `${what} Open its link again to add it back.`;
}
