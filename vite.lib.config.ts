/**
 * The library build, for pages that embed Aperto's elements (`npm run build:lib`, which runs
 * scripts/build-lib.mjs). Two flavours, chosen with `--mode`:
 *
 * - `esm` → dist-lib/esm/: index.js (the classes) and define.js (registers every element) as ES
 *   modules with Lit left as an import, so a bundler gives the page one copy of Lit.
 * - `bundle` → dist-lib/aperto.js: the script a page loads with
 *   `<script type="module" src=".../aperto.js">`, Lit included, which registers every element. It is
 *   small: everything the elements need to appear is in one chunk it imports, dist-lib/chunks/core-*.js,
 *   and the engines (web-llm, wllama), speech input (onnxruntime-web, vad-web) and the rest loaded
 *   with `import()` stay in their own chunks beside it, fetched only when a model is loaded or speech
 *   is started. scripts/build-lib.mjs measures what a page loads before any interaction.
 *
 * Both keep the workers, WebAssembly and models as files in dist-lib/esm/assets/. With `base: './'` Vite
 * writes every reference to them, and every `import()` of a chunk, relative to the script itself
 * (`new URL('../esm/assets/…', import.meta.url)`, `import('./…')`), so they are found next to the
 * script wherever it is hosted, even on another origin than the page
 * (src/engine/module-worker.ts starts workers from there).
 *
 * The ES modules lie flat in dist-lib/esm/, beside that assets/ folder, so each refers to its files
 * as `new URL('assets/…', import.meta.url)`. Vite and webpack follow those references and emit
 * the files themselves; Rollup and esbuild keep the line as it is and put every chunk flat in their
 * output folder, where the same `assets/…` is found once the app copies dist-lib/esm/assets/ there
 * (README, "Embedding"; test/e2e/npm-consumer.test.ts builds it so with all four).
 *
 * Not `build.lib`: in library mode Vite inlines every asset as a data: URL, which would put about
 * 50 MB of WebAssembly into the script as base64 and break vad-web's folder lookup.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { assetFileNames, assetsInlineLimit, chunkFileNamesIn, workerOutput } from './vite.shared.ts';
import { webLlmAppConfig } from './scripts/web-llm-app-config.mjs';

const FLAVOURS = ['esm', 'bundle'] as const;
type Flavour = (typeof FLAVOURS)[number];

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Lit stays an import in the bundler flavour: `lit`, `lit/…`, `lit-html`, `lit-element`, `@lit/…`. */
const LIT = /^(?:lit(?:-html|-element)?|@lit\/[^/]+)(?:\/.*)?$/;

function flavour(mode: string): Flavour {
  if ((FLAVOURS as readonly string[]).includes(mode)) return mode as Flavour;
  throw new Error(`vite.lib.config.ts builds one flavour at a time: run it with --mode ${FLAVOURS.join(' or --mode ')} (got "${mode}").`);
}

/**
 * Vite wraps each `import()` in a helper that preloads the imported chunk's own imports. A library
 * has nothing to preload (`modulePreload: false`), but outside library mode Vite still bundles the
 * helper, and its `import.meta.resolve(…)` makes webpack warn "Critical dependency: the request of
 * a dependency is an expression". Its module is replaced by one that only calls `import()`.
 */
function noPreloadHelper(): Plugin {
  return {
    name: 'aperto-no-preload-helper',
    enforce: 'pre',
    load: {
      filter: { id: /^\0vite\/preload-helper\.js$/ },
      handler: () => 'export const __vitePreload = (load) => load();',
    },
  };
}

/**
 * Vite wraps each `import()` in a helper it bundles as `__vitePreload`. A Vite app that bundles our
 * ES modules adds its own `__vitePreload` to the same module and fails ("Identifier '__vitePreload'
 * has already been declared"), so ours is renamed; it does the same (no files to preload here).
 */
function renameVitePreloadHelper(): Plugin {
  return {
    name: 'aperto-rename-vite-preload-helper',
    renderChunk: {
      order: 'post',
      handler: (code) => (code.includes('__vitePreload') ? { code: code.replaceAll('__vitePreload', '__apertoPreload'), map: null } : null),
    },
  };
}

export default defineConfig(({ mode }): UserConfig => {
  const esm = flavour(mode) === 'esm';
  return {
    base: './',
    // public/ holds the app's favicon and manifest, nothing an embedding page needs.
    publicDir: false,
    // web-llm's model list as data (see scripts/web-llm-app-config.mjs).
    plugins: [webLlmAppConfig(), noPreloadHelper(), renameVitePreloadHelper()],
    // Workers minified in both flavours, so both refer to the same files.
    worker: { format: 'es', rolldownOptions: { output: { ...workerOutput, minify: true } } },
    build: {
      target: 'es2022',
      // Both flavours share dist-lib/esm/assets/ (the same workers and WebAssembly, ~50 MB, once), so
      // scripts/build-lib.mjs empties dist-lib once, before both.
      outDir: 'dist-lib',
      emptyOutDir: false,
      // The workers and their own files too (a worker's build names its files after assetsDir).
      assetsDir: 'esm/assets',
      // Bundlers minify the page as a whole (and readable modules are easier to debug in); the single
      // file is served as is.
      minify: !esm,
      // web-llm is one large module (~6 MB); there is nothing to gain from the size warning.
      chunkSizeWarningLimit: 8000,
      // vad-web's files keep their names side by side (see vite.shared.ts).
      assetsInlineLimit,
      // A library adds no <link rel="modulepreload"> to the host page's <head>.
      modulePreload: false,
      rolldownOptions: {
        input: esm ? { index: source('./src/index.ts'), define: source('./src/define.ts') } : { aperto: source('./src/embed.ts') },
        // Keep every export of the entries, as a library must (an app build may drop unused ones).
        preserveEntrySignatures: 'strict',
        // The app page loads the translator with import(); the library defines it at once, so that
        // import() rightly stays in the chunk that is already loaded.
        checks: { ineffectiveDynamicImport: false },
        external: esm ? (id) => LIT.test(id) : undefined,
        output: {
          entryFileNames: esm ? 'esm/[name].js' : '[name].js',
          // The ES modules' chunks as esm/chunk-*.js, which package.json's sideEffects names (they
          // register elements), apart from esm/index.js, which only re-exports classes.
          chunkFileNames: esm ? (chunk) => chunkFileNamesIn('esm')(chunk).replace(/^esm\//, 'esm/chunk-') : chunkFileNamesIn('chunks'),
          assetFileNames: (asset) => `esm/${assetFileNames(asset)}`,
          // aperto.js itself only imports the core chunk: what it needs before any interaction is
          // there, so the lazy chunks import that chunk, never aperto.js. A page that loads
          // `aperto.js?v=2` would otherwise get a second copy of everything when a lazy chunk
          // imported "../aperto.js", and the elements would be defined twice.
          ...(esm ? {} : { codeSplitting: { groups: [{ name: 'core', tags: ['$initial'] }] } }),
        },
      },
    },
  };
});
