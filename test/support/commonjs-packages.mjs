/**
 * @web/test-runner serves node_modules as they are, and a browser cannot import a CommonJS package
 * (`require`, `exports`). @ricky0123/vad-web ships only CommonJS; Vite converts it by itself (dev
 * pre-bundling and build), so the app imports it like any package. This plugin does the same for
 * the test runner, with the esbuild it already uses:
 *
 * - every module of the package becomes an ES module at its own URL, so deep imports
 *   (`@ricky0123/vad-web/dist/real-time-vad.js`) work like the package root;
 * - they are bundled together with code splitting, so what they share (onnxruntime's single
 *   instance, above all) is one module, as under Vite, not a copy per entry;
 * - named exports are read from the CommonJS source (`exports.x = …`, TypeScript's re-exports),
 *   since esbuild only gives a CommonJS entry a default export.
 */
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Names a tsc-compiled CommonJS module exports, following `__exportStar(require("./x"), exports)`. */
function exportNames(file, seen = new Set()) {
  if (seen.has(file)) return new Set();
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  const names = new Set();
  for (const [, name] of source.matchAll(/\bexports\.([A-Za-z_$][\w$]*)\s*=/g)) names.add(name);
  for (const [, name] of source.matchAll(/Object\.defineProperty\(exports,\s*"([A-Za-z_$][\w$]*)"/g)) names.add(name);
  for (const [, target] of source.matchAll(/__exportStar\(require\("(\.[^"]+)"\),\s*exports\)/g)) {
    const path = resolve(dirname(file), target.endsWith('.js') ? target : `${target}.js`);
    for (const name of exportNames(path, seen)) names.add(name);
  }
  names.delete('__esModule');
  return names;
}

function listModules(folder, skip) {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .filter((file) => !skip.test(relative(folder, file)));
}

async function bundlePackage({ name, folder, skip }) {
  const packageDir = join(ROOT, 'node_modules', name);
  const modules = listModules(join(packageDir, folder), skip);
  const entryPoints = Object.fromEntries(
    modules.map((file) => [relative(packageDir, file).replace(/\.js$/, ''), `commonjs-wrapper:${file}`]),
  );
  const result = await build({
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: '/virtual',
    chunkNames: `${folder}/chunk-[hash]`,
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'commonjs-wrapper',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^commonjs-wrapper:/ }, (args) => ({ path: args.path.slice('commonjs-wrapper:'.length), namespace: 'commonjs-wrapper' }));
          esbuild.onLoad({ filter: /.*/, namespace: 'commonjs-wrapper' }, (args) => {
            const names = [...exportNames(args.path)];
            const target = JSON.stringify(args.path);
            return {
              contents: names.length ? `export { ${names.join(', ')} } from ${target};` : `import ${target};`,
              resolveDir: dirname(args.path),
              loader: 'js',
            };
          });
        },
      },
    ],
  });
  return new Map(result.outputFiles.map((file) => [relative('/virtual', file.path), file.text]));
}

/**
 * @param {{ name: string, folder: string, skip?: RegExp }[]} packages  `skip`: files that must be
 *   served as they are (an AudioWorklet script, prebuilt browser bundles)
 */
export function commonJsPackages(packages) {
  const bundles = new Map();
  return {
    name: 'aperto-commonjs-packages',
    async serve(context) {
      for (const pkg of packages) {
        const prefix = `/node_modules/${pkg.name}/`;
        if (!context.path.startsWith(prefix)) continue;
        const skip = pkg.skip ?? /$^/;
        const file = context.path.slice(prefix.length);
        if (!file.endsWith('.js') || skip.test(relative(pkg.folder, file))) return undefined;
        if (!bundles.has(pkg.name)) bundles.set(pkg.name, bundlePackage({ ...pkg, skip }));
        const body = (await bundles.get(pkg.name)).get(file);
        return body === undefined ? undefined : { body, type: 'js' };
      }
      return undefined;
    },
  };
}
