/**
 * `npm run build:lib`: the library for pages that embed Aperto's elements, into dist-lib/.
 *
 *   dist-lib/esm/      index.js (classes) and define.js (registers them), Lit left as an import
 *   dist-lib/aperto.js one file with Lit, registers every element
 *   dist-lib/assets/   workers, WebAssembly and models, used by both
 *   dist-lib/types/    type declarations
 *   custom-elements.json at the package root
 *
 * Then checks what a host page depends on: the single file imports nothing, the ES modules import
 * Lit (and nothing else from outside), and every worker and asset is found relative to the script
 * itself, never at a root-absolute /assets/… path of the host page.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

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
run('@custom-elements-manifest/analyzer/cem.js', ['analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet']);

// The single file: one chunk, importing nothing at all (Lit and every lazy part inlined).
if (bundleChunks.length !== 1) problems.push(`aperto.js should be one file, but the build made ${bundleChunks.map((c) => c.fileName).join(', ')}.`);
for (const chunk of bundleChunks) {
  // Inlined dynamic imports still list the chunk itself.
  const imports = [...chunk.imports, ...chunk.dynamicImports].filter((id) => id !== chunk.fileName);
  if (imports.length) problems.push(`${chunk.fileName} imports ${imports.join(', ')}; it should import nothing.`);
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

if (problems.length) {
  console.error(`\nThe library build is not right:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

const size = (bytes) => (bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} kB`);
const built = files(outDir).filter((p) => !p.includes(`${join('dist-lib', 'types')}`));
console.log(`\nBuilt ${relative(root, outDir)}/ (and custom-elements.json):`);
for (const path of built.sort()) console.log(`  ${relative(root, path).padEnd(72)} ${size(statSync(path).size).padStart(9)}`);
console.log(`  ${'dist-lib/types/'.padEnd(72)} ${String(files(join(outDir, 'types')).length).padStart(5)} files`);
