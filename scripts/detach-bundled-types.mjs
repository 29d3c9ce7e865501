/**
 * The type declarations in dist-lib/types, made to stand on what a consumer installs.
 *
 * tsc writes `import type { AppConfig } from '@mlc-ai/web-llm'` into the declarations of our engine
 * modules, but web-llm, wllama, vad-web and the rest are bundled into dist-lib, so they are
 * devDependencies and a consumer does not have them: their TypeScript then fails with "Cannot find
 * module '@mlc-ai/web-llm'" (unless it sets skipLibCheck). Those types belong to our internals, not
 * to what a page uses (elements, their properties and events), so each name imported from such a
 * package becomes an opaque `any` in dist-lib/types/bundled/<package>.d.ts, imported from there.
 *
 * Only the packages a consumer has (dependencies and peerDependencies, with Lit's own packages) stay
 * imported by name; anything else still importing a bare package afterwards is reported.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+['"]([^'"]+)['"];?/g;
const TYPE_OF_IMPORT = /typeof\s+import\(\s*['"]([^'"]+)['"]\s*\)/g;
const INLINE_IMPORT = /import\(\s*['"]([^'"]+)['"]\s*\)\.(\w+)/g;
const BARE = /^(?![./])/;

/** `@mlc-ai/web-llm/lib/x.js` → `@mlc-ai/web-llm`. */
const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * Rewrites every declaration file under `typesDir`; `shared(name)` says whether a consumer installs
 * the package. Returns the bare imports that remain and are not shared (none when it worked).
 */
export function detachBundledTypes(typesDir, shared) {
  const files = readdirSync(typesDir, { recursive: true }).filter((name) => name.endsWith('.d.ts')).map((name) => join(typesDir, name));
  /** package → { types: names imported as types, values: names imported as values }. */
  const stand = new Map();
  const entry = (pkg) => stand.get(pkg) ?? stand.set(pkg, { types: new Set(), values: new Set() }).get(pkg);
  const bundledFile = (pkg) => join(typesDir, 'bundled', `${pkg.replace('/', '__')}.d.ts`);
  const from = (file, pkg) => {
    const path = relative(dirname(file), bundledFile(pkg)).replaceAll('\\', '/').replace(/\.d\.ts$/, '.js');
    return path.startsWith('.') ? path : `./${path}`;
  };

  for (const file of files) {
    const code = readFileSync(file, 'utf8');
    let rewritten = code.replace(IMPORT, (whole, typeOnly, names, specifier) => {
      if (!BARE.test(specifier) || shared(packageOf(specifier))) return whole;
      const pkg = packageOf(specifier);
      for (const name of names.split(',').map((n) => n.trim()).filter(Boolean)) {
        const imported = name.replace(/^type\s+/, '').split(/\s+as\s+/)[0];
        (typeOnly || name.startsWith('type ') ? entry(pkg).types : entry(pkg).values).add(imported);
      }
      return `import ${typeOnly ?? ''}{${names}} from '${from(file, pkg)}';`;
    });
    rewritten = rewritten.replace(TYPE_OF_IMPORT, (whole, specifier) => (BARE.test(specifier) && !shared(packageOf(specifier)) ? 'any' : whole));
    rewritten = rewritten.replace(INLINE_IMPORT, (whole, specifier) => (BARE.test(specifier) && !shared(packageOf(specifier)) ? 'any' : whole));
    if (rewritten !== code) writeFileSync(file, rewritten);
  }

  for (const [pkg, { types, values }] of stand) {
    const lines = [
      `// Types of ${pkg}, which Aperto bundles into dist-lib: opaque here, so a consumer need not install it.`,
      ...[...types].filter((name) => !values.has(name)).map((name) => `export type ${name} = any;`),
      ...[...values].map((name) => `export declare const ${name}: any;\nexport type ${name} = any;`),
    ];
    mkdirSync(dirname(bundledFile(pkg)), { recursive: true });
    writeFileSync(bundledFile(pkg), `${lines.join('\n')}\n`);
  }

  const left = [];
  for (const file of files) {
    // Comments aside (they quote code, such as `import { ApertoChat } from 'aperto'`).
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const [, specifier] of code.matchAll(/(?:from\s+|import\(\s*)['"]([^'"]+)['"]/g)) {
      if (BARE.test(specifier) && !shared(packageOf(specifier))) left.push(`${relative(typesDir, file)} imports "${specifier}"`);
    }
  }
  return left;
}
