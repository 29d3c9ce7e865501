/// <reference path="./web-llm-app-config.d.ts" />
import type { AppConfig } from '@mlc-ai/web-llm';
// web-llm's own records, as data: importing them from web-llm would load all of web-llm with the page.
import { prebuiltAppConfig } from 'virtual:aperto/web-llm-app-config';
import { buildCatalog, type CatalogEntry } from './catalog.js';

/** The curated catalog, from the installed web-llm's own records. */
export const catalog: readonly CatalogEntry[] = buildCatalog(prebuiltAppConfig.model_list);

/** What the engine may load: the records of these catalog entries (curated and custom). */
export function appConfigFor(entries: readonly CatalogEntry[]): AppConfig {
  return { ...prebuiltAppConfig, model_list: entries.flatMap((entry) => entry.record ?? []) };
}
