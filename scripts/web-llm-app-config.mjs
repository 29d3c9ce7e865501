/**
 * `virtual:aperto/web-llm-app-config`: the installed web-llm's own `prebuiltAppConfig` (its model
 * list: URLs, libraries, memory, context windows), as a small module of data for the page.
 *
 * Why: web-llm is one 6.8 MB module whose top level runs code, so importing even
 * `prebuiltAppConfig` from it puts all of web-llm in the page's first script. The page imports this
 * module instead (src/engine/app-config.ts), about 3.5 kB gzip. It is never written by hand and never
 * stored in the tree: each tool reads it from the installed web-llm when it builds or serves the
 * app, so it changes with web-llm and with nothing else.
 *
 * Served by every tool that compiles the page's code: Vite (vite.config.ts, vite.lib.config.ts; the
 * dev server and the benches use vite.config.ts), Vitest (vitest.config.ts) and the browser tests
 * (web-test-runner.config.mjs). TypeScript knows its shape from src/engine/web-llm-app-config.d.ts.
 * test/unit/catalog.test.ts checks that it equals web-llm's.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';

export const WEB_LLM_APP_CONFIG_ID = 'virtual:aperto/web-llm-app-config';
const RESOLVED_ID = `\0${WEB_LLM_APP_CONFIG_ID}`;
/** Where the browser tests' server answers for it. */
const WTR_PATH = '/__aperto/web-llm-app-config.js';

let source;

/** The module's source: `export const prebuiltAppConfig = {…}`, read from web-llm once per process. */
export function webLlmAppConfigSource() {
  source ??= (async () => {
    const { prebuiltAppConfig } = await import('@mlc-ai/web-llm');
    const json = JSON.stringify(prebuiltAppConfig);
    // Data only: a function, a RegExp or an undefined field would not survive as JSON.
    if (!isDeepStrictEqual(JSON.parse(json), prebuiltAppConfig)) {
      throw new Error("web-llm's prebuiltAppConfig is no longer plain data; scripts/web-llm-app-config.mjs cannot copy it as JSON.");
    }
    const require = createRequire(import.meta.url);
    const { version } = JSON.parse(readFileSync(require.resolve('@mlc-ai/web-llm/package.json'), 'utf8'));
    return `// @mlc-ai/web-llm ${version}: its prebuiltAppConfig, as data (scripts/web-llm-app-config.mjs).\nexport const prebuiltAppConfig = ${json};\n`;
  })();
  return source;
}

/** For Vite and Vitest. */
export function webLlmAppConfig() {
  return {
    name: 'aperto-web-llm-app-config',
    resolveId(id) {
      return id === WEB_LLM_APP_CONFIG_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      return id === RESOLVED_ID ? webLlmAppConfigSource() : undefined;
    },
  };
}

/** For @web/test-runner (its dev server). */
export function webLlmAppConfigForTestRunner() {
  return {
    name: 'aperto-web-llm-app-config',
    resolveImport({ source: id }) {
      return id === WEB_LLM_APP_CONFIG_ID ? WTR_PATH : undefined;
    },
    async serve(context) {
      return context.path === WTR_PATH ? { body: await webLlmAppConfigSource(), type: 'js' } : undefined;
    },
  };
}
