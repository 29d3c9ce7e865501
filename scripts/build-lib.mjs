/**
 * `npm run build:lib`: the library for pages that embed Aperto's elements, into dist-lib/.
 *
 *   dist-lib/esm/         index.js (classes) and define.js (registers them), Lit left as an import,
 *                         with their chunks (chunk-*.js) beside them
 *   dist-lib/esm/assets/  workers, WebAssembly and models, used by both
 *   dist-lib/aperto.js    the script a page loads, with Lit, registers every element
 *   dist-lib/chunks/      what aperto.js imports: its core chunk, and the parts loaded on use
 *   dist-lib/types/    type declarations
 *   custom-elements.json at the package root
 *
 * Then checks what a host page depends on: aperto.js imports only its own chunks and no chunk
 * imports aperto.js, the ES modules import Lit (and nothing else from outside), and every chunk,
 * worker and asset is found relative to the script itself, never at a root-absolute /assets/… path
 * of the host page; that the ES modules find their files at `assets/…` beside themselves (where
 * Rollup and esbuild users copy them) and hold none of Vite's own helpers; and that the type
 * declarations import nothing a consumer does not install. Last, it prints what a page loads before anyone uses the elements, for the
 * script and for a bundler's page built from the ES modules, and fails above 120 kB gzip
 * (scripts/embed-budget.mjs).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { detachBundledTypes } from './detach-bundled-types.mjs';
import { details } from './first-view-budget.mjs';
import { EMBED_BUDGET_BYTES, embedSummary, measureBundledConsumer, measureSingleFile } from './embed-budget.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'dist-lib');
const LIT = /^(?:lit(?:-html|-element)?|@lit\/[^/]+)(?:\/.*)?$/;

/** Runs a package's command-line script with this Node; stops the build if it fails. */
function run(script, args) {
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', script), ...args], { cwd: root, stdio: 'inherit' });
  } catch {
    process.exit(1);
  }
}

/** Vite's output chunks (not the workers, which Vite emits as assets). */
async function viteBuild(mode) {
  const result = await build({ root, configFile: join(root, 'vite.lib.config.ts'), mode, logLevel: 'warn' });
  return (Array.isArray(result) ? result : [result]).flatMap((output) => output.output).filter((file) => file.type === 'chunk');
}

function files(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

const problems = [];

rmSync(outDir, { recursive: true, force: true });

const esmChunks = await viteBuild('esm');
const bundleChunks = await viteBuild('bundle');
run('typescript/bin/tsc', ['-p', 'tsconfig.lib.json']);
// The declarations import only what a consumer installs: Lit, our dependencies, and the package itself
// (named in comments); the bundled packages' types become opaque (scripts/detach-bundled-types.mjs).
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const shared = new Set([pkg.name, ...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
for (const left of detachBundledTypes(join(outDir, 'types'), (name) => shared.has(name) || LIT.test(name))) {
  problems.push(`dist-lib/types: ${left}, which a consumer does not install.`);
}
run('@custom-elements-manifest/analyzer/cem.js', ['analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet']);

// The script: aperto.js imports only chunks of its own from dist-lib/chunks/ (Lit and everything else
// bundled), and no chunk imports aperto.js: a page may load it as `aperto.js?v=2`, and a chunk
// importing "../aperto.js" would then run a second copy of everything.
const entry = 'aperto.js';
if (!bundleChunks.some((chunk) => chunk.fileName === entry && chunk.isEntry)) problems.push(`The build made no ${entry}.`);
for (const chunk of bundleChunks) {
  for (const id of [...chunk.imports, ...chunk.dynamicImports]) {
    if (id === entry && chunk.fileName !== entry) problems.push(`${chunk.fileName} imports ${entry}; only the chunks beside it may be imported.`);
    else if (id !== entry && !(id.startsWith('chunks/') && bundleChunks.some((c) => c.fileName === id))) {
      problems.push(`${chunk.fileName} imports "${id}", which is not one of the script's own chunks.`);
    }
  }
}

// The ES modules: Lit stays a bare import; nothing else from outside the package.
const esmExternal = new Set(esmChunks.flatMap((chunk) => chunk.imports.filter((id) => !esmChunks.some((c) => c.fileName === id))));
if (![...esmExternal].some((id) => id === 'lit')) problems.push('dist-lib/esm does not import "lit"; Lit would be bundled twice on a page.');
for (const id of esmExternal) if (!LIT.test(id)) problems.push(`dist-lib/esm imports "${id}", which is not Lit.`);

// Workers and assets relative to the script: `new URL('assets/…', import.meta.url)`, never "/assets/…".
for (const path of files(outDir).filter((p) => /\.m?js$/.test(p))) {
  const code = readFileSync(path, 'utf8');
  if (/["'`]\/assets\//.test(code)) problems.push(`${relative(root, path)} refers to a root-absolute "/assets/…" URL.`);
}

// The ES modules, flat in dist-lib/esm/, refer to their files as assets/… beside themselves: Rollup and
// esbuild keep those references as they are and put every chunk flat in their output folder, so the
// app's copy of dist-lib/esm/assets/ is found there. And no Vite helper: its preload helper's
// `import.meta.resolve(…)` makes webpack warn "Critical dependency" in every app that bundles it.
for (const path of files(join(outDir, 'esm')).filter((p) => /\.js$/.test(p) && !p.includes(`${join('esm', 'assets')}`))) {
  // (Comments aside: they quote the pattern.)
  const code = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  for (const [, url] of code.matchAll(/new URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
    if (!/^(?:\.\/)?assets\//.test(url)) problems.push(`${relative(root, path)} refers to "${url}", not to a file in assets/ beside it.`);
  }
  if (code.includes('import.meta.resolve')) problems.push(`${relative(root, path)} holds Vite's preload helper (import.meta.resolve).`);
}

// custom-elements.json names shipped files only: each module is its declaration file in dist-lib/types.
const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8'));
for (const module of manifest.modules) {
  if (!module.path.startsWith('dist-lib/') || !statSync(join(root, module.path), { throwIfNoEntry: false })?.isFile()) {
    problems.push(`custom-elements.json names "${module.path}", which the package does not ship.`);
  }
}

if (problems.length) {
  console.error(`\nThe library build is not right:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

const size = (bytes) => (bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} kB`);
const built = files(outDir).filter((p) => !p.includes(`${join('dist-lib', 'types')}`));
console.log(`\nBuilt ${relative(root, outDir)}/ (and custom-elements.json):`);
for (const path of built.sort()) console.log(`  ${relative(root, path).padEnd(72)} ${size(statSync(path).size).padStart(9)}`);
console.log(`  ${'dist-lib/types/'.padEnd(72)} ${String(files(join(outDir, 'types')).length).padStart(5)} files`);

// What a page pays before anyone uses the elements, for both ways of embedding them.
const budgets = [
  ['dist-lib/aperto.js', await measureSingleFile(outDir)],
  ['dist-lib/esm in a page bundled by Vite', await measureBundledConsumer(outDir, root)],
];
console.log('');
for (const [what, result] of budgets) console.log(embedSummary(what, result));
const over = budgets.filter(([, result]) => result.gzipBytes > EMBED_BUDGET_BYTES);
if (over.length) {
  for (const [what, result] of over) console.error(`\n${what} is over budget. What a page loads before any interaction:\n${details(result)}`);
  console.error('\nLoad what the elements do not need to appear with import() (see scripts/embed-budget.mjs).');
  process.exit(1);
}
