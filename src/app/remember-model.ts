/**
 * The model last loaded on this device, per engine, kept in the settings (storage/settings.ts) so
 * the next visit can offer it, or load it by itself (app/model-offer.ts). Whatever loaded it counts:
 * the chat's offer, a card in Models, a Reload.
 */
import type { PageEngine } from '../engine/page-engine.js';
import type { SettingsStore } from '../storage/settings.js';

/** Remember every model that becomes ready on `page`; returns the function that stops it. */
export function rememberLoadedModels(page: PageEngine, settings: SettingsStore): () => void {
  let remembered: string | undefined;
  const onChange = () => {
    const state = page.store.state;
    if (state.status !== 'ready' || state.modelId === remembered) return;
    remembered = state.modelId;
    const entry = page.library.entries().find((e) => e.id === state.modelId);
    void settings
      .setLastModel(page.library.kind, { modelId: state.modelId, ...(entry ? { modelUrl: entry.modelUrl } : {}) })
      .catch(() => undefined);
  };
  page.store.addEventListener('change', onChange);
  onChange();
  return () => page.store.removeEventListener('change', onChange);
}
