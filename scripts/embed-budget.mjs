/**
 * What a page that embeds Aperto's elements loads before anyone uses them, for both library builds,
 * and its budget: the same 120 kB gzip as the app's first view (scripts/first-view-budget.mjs).
 *
 * - The script (`<script type="module" src=".../aperto.js">`): dist-lib/aperto.js and everything it
 *   imports statically, transitively, counted as the app's first view is (gzip at zlib's default
 *   level, as a server compresses on the fly).
 * - The ES modules, for bundlers: what a consumer's page chunk holds. A page whose only code is
 *   `import 'aperto/define'` is built with Vite's defaults (minified, Lit taken from node_modules), and
 *   its entry chunk and everything that imports statically is counted. Building it also proves that
 *   a Vite app can bundle dist-lib/esm at all.
 *
 * Not counted, in either: `import()`ed chunks (web-llm, wllama, onnxruntime-web and vad-web, speech
 * recognition), workers and WebAssembly, which load when a model is loaded or speech is started.
 *
 * scripts/build-lib.mjs runs both after every library build, prints them, and fails above the budget.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { FIRST_VIEW_BUDGET_BYTES, kB, measureModule } from './first-view-budget.mjs';

/** The same budget as the app's first view: about what slow 4G brings in a second, compressed. */
export const EMBED_BUDGET_BYTES = FIRST_VIEW_BUDGET_BYTES;

/** dist-lib/aperto.js and its static imports. */
export function measureSingleFile(libDir) {
  return measureModule(libDir, 'aperto.js');
}

const CONSUMER_ENTRY = '\0aperto-consumer-page';

/**
 * A bundler consumer's page: Vite builds `import '<libDir>/esm/define.js'` in memory, with its
 * defaults (as `vite build` of an app would), and the entry chunk's static closure is measured.
 */
export async function measureBundledConsumer(libDir, root = fileURLToPath(new URL('..', import.meta.url))) {
  const define = join(libDir, 'esm', 'define.js');
  // As `vite build` runs for a web developer: under Vitest (NODE_ENV=test) Vite would pick Lit's
  // development build, 4 kB larger, and measure a page nobody ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const result = await build({
    root,
    configFile: false,
    publicDir: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'aperto-consumer-page',
        resolveId: (id) => (id === CONSUMER_ENTRY ? id : null),
        load: (id) => (id === CONSUMER_ENTRY ? `import ${JSON.stringify(define)};` : null),
      },
    ],
    build: { write: false, target: 'es2022', chunkSizeWarningLimit: 8000, rolldownOptions: { input: CONSUMER_ENTRY } },
  }).finally(() => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  });
  const chunks = new Map((Array.isArray(result) ? result : [result]).flatMap((o) => o.output).filter((f) => f.type === 'chunk').map((c) => [c.fileName, c]));
  const entry = [...chunks.values()].find((chunk) => chunk.isEntry);
  if (!entry) throw new Error('The consumer page’s build made no entry chunk.');
  const files = [];
  const code = new Map();
  const seen = new Set();
  const queue = [entry.fileName];
  while (queue.length) {
    const name = queue.shift();
    if (seen.has(name)) continue;
    seen.add(name);
    const chunk = chunks.get(name);
    if (!chunk) continue;
    const bytes = Buffer.from(chunk.code);
    files.push({ file: name, bytes: bytes.length, gzipBytes: gzipSync(bytes).length });
    code.set(name, chunk.code);
    queue.push(...chunk.imports);
  }
  return {
    files,
    gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    /** Each counted chunk's text, for tests that look inside. */
    code,
  };
}

/** One line, e.g. "dist-lib/aperto.js: 103.3 kB gzip before any interaction (budget 120 kB) — 3 files". */
export function embedSummary(what, result, budget = EMBED_BUDGET_BYTES) {
  const count = result.files.length;
  return `${what}: ${kB(result.gzipBytes)} gzip before any interaction (budget ${kB(budget).replace('.0 ', ' ')}) — ${count} file${count === 1 ? '' : 's'}`;
}
