/**
 * Adding a model from outside the catalog, once the person has answered "Add this model?" with yes:
 * into the library (on the GPU also web-llm's list, so it can load) and into the settings, so it is
 * there after a reload. The one way the app and the model manager add a model by URL.
 */
import type { CatalogEntry } from '../../engine/catalog.js';
import type { CustomModelInput, ModelLibrary } from '../../engine/model-library.js';
import type { SettingsStore } from '../../storage/settings.js';

export interface KeptModel {
  /** In the library at once, so the page can show it while the settings are written. */
  entry: CatalogEntry;
  /** False when the settings could not be written: the model is there until the page reloads. */
  saved: Promise<boolean>;
}

/** Throws CustomModelError when the input is refused; nothing is added or saved then. */
export function keepCustomModel(library: ModelLibrary, settings: SettingsStore, input: CustomModelInput): KeptModel {
  const entry = library.addCustom(input);
  // The window is kept with the model (GPU only: the CPU engine sizes its context per page), so it
  // loads with the same window after a reload.
  const model = {
    engine: library.kind,
    url: entry.modelUrl,
    ...(entry.libraryUrl ? { libraryUrl: entry.libraryUrl } : {}),
    ...(entry.engine === 'webgpu' ? { contextWindow: entry.contextWindow } : {}),
  };
  const saved = settings.addCustomModel(model).then(
    () => true,
    () => false,
  );
  return { entry, saved };
}

/** What to tell the person when a kept model could not be written to the settings. */
export const NOT_SAVED_NOTE = 'It could not be saved on this device, so it will be gone after a reload.';
