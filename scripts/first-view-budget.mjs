/**
 * The first view's JavaScript: what the app page loads before its view can appear, and its budget.
 *
 * Counted: the scripts index.html loads (its entry, and what it preloads with
 * `<link rel="modulepreload">`) and everything they import statically, transitively: the browser
 * fetches all of it before the entry runs. Not counted: dynamic `import()`s and workers, which load
 * later, when something is used (a model loaded, the translator opened). Sizes are gzip at zlib's
 * default level, as a server compresses on the fly.
 *
 * vite.config.ts runs this after every build of the app (`npm run build`, the end-to-end tests'
 * build), and the build fails above the budget. By hand, on any build:
 *
 *   node scripts/first-view-budget.mjs [dist] [page.html]
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseAst } from 'vite';

/** "First visit in one second": about what a slow 4G connection brings in that time, compressed. */
export const FIRST_VIEW_BUDGET_BYTES = 120_000;

/** Stands for the page's origin while resolving URLs; only paths inside it are files of the build. */
const ORIGIN = 'http://first-view.invalid';

/** The attributes of every `<tag …>` in the page. */
function tags(html, name) {
  const found = [];
  for (const [, attributes] of html.matchAll(new RegExp(`<${name}\\b([^>]*)>`, 'gi'))) {
    const attrs = {};
    for (const [, key, ...values] of attributes.matchAll(/([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
      attrs[key.toLowerCase()] = values.find((v) => v !== undefined) ?? '';
    }
    found.push(attrs);
  }
  return found;
}

/** The scripts a page loads as it opens: `<script src>` and preloaded modules. */
export function eagerScripts(html) {
  const scripts = tags(html, 'script').flatMap((a) => (a.src ? [a.src] : []));
  const preloads = tags(html, 'link').flatMap((a) => {
    const rel = (a.rel ?? '').toLowerCase().split(/\s+/);
    const script = rel.includes('modulepreload') || (rel.includes('preload') && a.as === 'script');
    return script && a.href ? [a.href] : [];
  });
  return [...scripts, ...preloads];
}

/** The specifiers a module imports statically (`import … from`, `import '…'`, `export … from`); never `import()`. */
export function staticImports(code) {
  return parseAst(code)
    .body.filter((node) => node.source && /^(?:ImportDeclaration|ExportNamedDeclaration|ExportAllDeclaration)$/.test(node.type))
    .map((node) => node.source.value);
}

/**
 * The first view's scripts of `page` in the build at `outDir`, each with its size and gzip size,
 * and the gzip total. `base` is the build's public path (Vite's `base`).
 */
export async function measureFirstView(outDir, { page = 'index.html', base = '/' } = {}) {
  const root = new URL(base.replace(/\/?$/, '/'), ORIGIN).pathname;
  const pageUrl = new URL(`${root}${page}`, ORIGIN);
  const html = await readFile(join(outDir, page), 'utf8');
  return { page, ...(await measureClosure(outDir, root, eagerScripts(html).map((src) => new URL(src, pageUrl)))) };
}

/**
 * What a page loads with one module script: `file` (a path inside `outDir`) and everything it imports
 * statically, transitively, measured as measureFirstView measures a page's scripts.
 */
export function measureModule(outDir, file) {
  return measureClosure(outDir, '/', [new URL(`/${file}`, ORIGIN)]);
}

/** The files at `urls` and their static imports, transitively; `root` is where `outDir` is served. */
async function measureClosure(outDir, root, urls) {
  const queue = [...urls];
  const files = new Map();
  while (queue.length) {
    const url = queue.shift();
    url.search = '';
    url.hash = '';
    if (url.origin !== ORIGIN || files.has(url.pathname)) continue;
    if (!url.pathname.startsWith(root)) throw new Error(`${url.pathname} is outside the build's base ${root}`);
    const file = decodeURIComponent(url.pathname.slice(root.length));
    const code = await readFile(join(outDir, file));
    files.set(url.pathname, { file, bytes: code.length, gzipBytes: gzipSync(code).length, code });
    for (const specifier of staticImports(code.toString('utf8'))) {
      // A bare specifier would be a package the browser cannot find; the build leaves none.
      if (/^(?:\.{0,2}\/|https?:)/.test(specifier)) queue.push(new URL(specifier, url));
    }
  }
  const list = [...files.values()];
  return {
    files: list.map(({ file, bytes, gzipBytes }) => ({ file, bytes, gzipBytes })),
    /** Each file's text, for tests that look inside. */
    code: new Map(list.map(({ file, code }) => [file, code.toString('utf8')])),
    gzipBytes: list.reduce((sum, f) => sum + f.gzipBytes, 0),
    bytes: list.reduce((sum, f) => sum + f.bytes, 0),
  };
}

export const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

/** One line for the build's output, e.g. "first view JS: 87.3 kB gzip (budget 120 kB) — 4 files". */
export function summary(result, budget = FIRST_VIEW_BUDGET_BYTES) {
  const count = result.files.length;
  return `first view JS: ${kB(result.gzipBytes)} gzip (budget ${kB(budget).replace('.0 ', ' ')}) — ${count} file${count === 1 ? '' : 's'}`;
}

/** The files, largest first, for when the budget is exceeded. */
export function details(result) {
  return [...result.files]
    .sort((a, b) => b.gzipBytes - a.gzipBytes)
    .map((f) => `  ${kB(f.gzipBytes).padStart(10)} gzip  ${kB(f.bytes).padStart(10)}  ${f.file}`)
    .join('\n');
}

/** Vite plugin: after the app's build, print the figure, and fail the build above the budget. */
export function firstViewBudget({ page = 'index.html', budget = FIRST_VIEW_BUDGET_BYTES } = {}) {
  let config;
  return {
    name: 'aperto-first-view-budget',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      async handler() {
        const outDir = resolve(config.root, config.build.outDir);
        const result = await measureFirstView(outDir, { page, base: config.base });
        if (result.gzipBytes > budget) {
          throw new Error(
            `${summary(result, budget)}: over budget by ${kB(result.gzipBytes - budget)}. What ${page} loads before its view appears:\n${details(result)}\n` +
              'Load what the first view does not need with import() (see scripts/first-view-budget.mjs).',
          );
        }
        config.logger.info(summary(result, budget));
      },
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [outDir = 'dist', page = 'index.html'] = process.argv.slice(2);
  const result = await measureFirstView(outDir, { page });
  console.log(`${summary(result)}\n${details(result)}`);
  process.exitCode = result.gzipBytes > FIRST_VIEW_BUDGET_BYTES ? 1 : 0;
}
