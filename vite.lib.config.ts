/**
 * The library build, for pages that embed Aperto's elements (`npm run build:lib`, which runs
 * scripts/build-lib.mjs). Two flavours, chosen with `--mode`:
 *
 * - `esm` → dist-lib/esm/: index.js (the classes) and define.js (registers every element) as ES
 *   modules with Lit left as an import, so a bundler gives the page one copy of Lit.
 * - `bundle` → dist-lib/aperto.js: one ES module with Lit and every dynamic import inlined, which
 *   registers every element, for a plain `<script type="module" src=".../aperto.js">`.
 *
 * Both keep the workers, WebAssembly and models as files in dist-lib/assets/. With `base: './'` Vite
 * writes every reference to them as `new URL('assets/…', import.meta.url)`, so they are found next
 * to the script wherever it is hosted, even on another origin than the page
 * (src/engine/module-worker.ts starts workers from there).
 *
 * Not `build.lib`: in library mode Vite inlines every asset as a data: URL, which would put about
 * 50 MB of WebAssembly into the script as base64 and break vad-web's folder lookup.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';
import { assetFileNames, assetsInlineLimit } from './vite.shared.ts';
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

export default defineConfig(({ mode }): UserConfig => {
  const esm = flavour(mode) === 'esm';
  return {
    base: './',
    // public/ holds the app's favicon and manifest, nothing an embedding page needs.
    publicDir: false,
    // web-llm's model list as data (see scripts/web-llm-app-config.mjs).
    plugins: [webLlmAppConfig()],
    // Workers minified in both flavours, so both refer to the same files.
    worker: { format: 'es', rolldownOptions: { output: { minify: true } } },
    build: {
      target: 'es2022',
      // Both flavours share dist-lib/assets/ (the same workers and WebAssembly, ~50 MB, once), so
      // scripts/build-lib.mjs empties dist-lib once, before both.
      outDir: 'dist-lib',
      emptyOutDir: false,
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
        external: esm ? (id) => LIT.test(id) : undefined,
        output: {
          entryFileNames: esm ? 'esm/[name].js' : '[name].js',
          chunkFileNames: 'esm/chunks/[name]-[hash].js',
          assetFileNames,
          // One file: the elements' lazily loaded parts (speech recognition, audio sources) go inline.
          ...(esm ? {} : { codeSplitting: false }),
        },
      },
    },
  };
});
