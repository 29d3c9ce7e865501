import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eagerScripts, measureFirstView, measureModule, staticImports, summary } from '../../scripts/first-view-budget.mjs';

describe('what the first-view budget counts', () => {
  it('takes the page’s scripts and preloaded modules, not its other links', () => {
    const html = `<script type="module" crossorigin src="/assets/main.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/shared.js">
      <link rel="manifest" href="/manifest.webmanifest"><link rel="icon" href="/favicon.svg">
      <link rel=preload as=script href='/assets/classic.js'><script>inline()</script>`;

    expect(eagerScripts(html)).toEqual(['/assets/main.js', '/assets/shared.js', '/assets/classic.js']);
  });

  it('follows static imports and re-exports, never import()', () => {
    const code = 'import{a as b}from"./a.js";import"./b.js";export*from"./c.js";export{d}from"./d.js";const e=()=>import("./lazy.js");';

    expect(staticImports(code)).toEqual(['./a.js', './b.js', './c.js', './d.js']);
  });

  it('sums the gzip size of the entry and everything it imports statically, each file once', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'first-view-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<script type="module" src="/assets/main.js"></script><link rel="modulepreload" href="/assets/shared.js">');
    writeFileSync(join(dist, 'assets/main.js'), 'import"./shared.js";import{v}from"./view.js";import("./big.js");');
    writeFileSync(join(dist, 'assets/view.js'), 'import"./shared.js";export const v=1;');
    writeFileSync(join(dist, 'assets/shared.js'), 'export const s=1;');
    writeFileSync(join(dist, 'assets/big.js'), 'x'.repeat(100_000));

    const result = await measureFirstView(dist);

    expect(result.files.map((f) => f.file).sort()).toEqual(['assets/main.js', 'assets/shared.js', 'assets/view.js']);
    expect(result.gzipBytes).toBe(result.files.reduce((sum, f) => sum + f.gzipBytes, 0));
    expect(summary(result, 120_000)).toMatch(/^first view JS: \d+\.\d kB gzip \(budget 120 kB\) — 3 files$/);
  });
});

describe('what an embedding page loads with one module script', () => {
  it('is the script and its static imports, each file once, never what it loads with import()', async () => {
    const lib = mkdtempSync(join(tmpdir(), 'embed-'));
    mkdirSync(join(lib, 'chunks'));
    writeFileSync(join(lib, 'aperto.js'), 'import"./chunks/core.js";');
    writeFileSync(join(lib, 'chunks/core.js'), 'import"./runtime.js";export const load=()=>import("./engine.js");');
    writeFileSync(join(lib, 'chunks/runtime.js'), 'export const r=1;');
    writeFileSync(join(lib, 'chunks/engine.js'), 'import"./runtime.js";'.padEnd(100_000, 'x'));

    const result = await measureModule(lib, 'aperto.js');

    expect(result.files.map((f) => f.file).sort()).toEqual(['aperto.js', 'chunks/core.js', 'chunks/runtime.js']);
    expect(result.gzipBytes).toBe(result.files.reduce((sum, f) => sum + f.gzipBytes, 0));
  });
});

/** Every TypeScript file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));
}

describe('the page’s own code (src/)', () => {
  // Anything but `import type` keeps the module as an import of the page (with verbatimModuleSyntax,
  // even `import { type X }`), and with it all of the library.
  const valueImport = (library: string) => new RegExp(String.raw`^\s*(?:import(?!\s+type\s)|export)\b[^;]*?\bfrom\s*['"]${library}['"]|^\s*import\s*['"]${library}['"]`, 'm');

  it.each([
    { library: '@mlc-ai/web-llm', specifier: '@mlc-ai/web-llm' },
    { library: '@wllama/wllama', specifier: '@wllama/wllama(?:/[^\'"]*)?' },
  ])('imports $library only as types or with import(), so it is never part of the first view', ({ specifier }) => {
    const offenders = sources(join(import.meta.dirname, '../../src')).filter((file) => valueImport(specifier).test(readFileSync(file, 'utf8')));

    expect(offenders).toEqual([]);
  });
});
