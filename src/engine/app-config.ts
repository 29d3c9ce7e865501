import { prebuiltAppConfig, type AppConfig } from '@mlc-ai/web-llm';
import { buildCatalog, type CatalogEntry } from './catalog.js';

/** The curated catalog, from the installed web-llm's own records. */
export const catalog: readonly CatalogEntry[] = buildCatalog(prebuiltAppConfig.model_list);

/** What the engine may load: the catalog's records, plus any extra ones (custom or test models). */
export function appConfigFor(entries: readonly CatalogEntry[], extra: AppConfig['model_list'] = []): AppConfig {
  return { ...prebuiltAppConfig, model_list: [...entries.flatMap((entry) => entry.record ?? []), ...extra] };
}
