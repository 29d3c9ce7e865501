/**
 * The installed web-llm's `prebuiltAppConfig` as a module of data, so the page has web-llm's model
 * list without loading web-llm: written from web-llm by scripts/web-llm-app-config.mjs whenever the
 * app is built, served or tested.
 */
declare module 'virtual:aperto/web-llm-app-config' {
  import type { AppConfig } from '@mlc-ai/web-llm';

  export const prebuiltAppConfig: AppConfig;
}
