/**
 * Aperto as an npm package in a Vite app, as a web developer would use it: `npm pack` the repository
 * (dist-lib/ is built by the e2e global setup, test/e2e/serve-embed.ts), install the tarball into an
 * empty app, build the app with Vite and open it in Chromium.
 *
 * npm installs the tarball with `--prefer-offline`: its files come from the tarball and Lit's from npm's
 * cache, but npm still asks the registry for Lit's package list (npm ci does not cache those, so
 * `--offline` fails with ENOTCACHED). Vite itself is the repository's, run with the app as its root.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, recordPageErrors, waitForElement } from './browser.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const MB = 1_000_000;

/** Bytes under a folder, as `du -sb` counts them. */
function bytesIn(path: string): number {
  return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
}

/** The package names installed in a node_modules folder (scoped ones as `@scope/name`). */
function installed(nodeModules: string): string[] {
  return readdirSync(nodeModules)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => (name.startsWith('@') ? readdirSync(join(nodeModules, name)).map((inner) => `${name}/${inner}`) : [name]))
    .sort();
}

describe('aperto installed from npm into a Vite app', () => {
  let dir: string;
  let app: string;
  let server: PreviewServer;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aperto-npm-consumer-'));
    const pack = join(dir, 'pack');
    mkdirSync(pack);
    execFileSync('npm', ['pack', '--pack-destination', pack, '--ignore-scripts', '--silent'], { cwd: repo, stdio: 'pipe' });
    const tarball = join(pack, readdirSync(pack).find((file) => file.endsWith('.tgz'))!);

    app = join(dir, 'app');
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'aperto-consumer', private: true, type: 'module' }));
    writeFileSync(join(app, 'index.html'), '<!doctype html><title>Chat</title><aperto-chat no-history></aperto-chat><script type="module" src="/src/main.js"></script>');
    writeFileSync(join(app, 'src/main.js'), "import 'aperto/define';\n");
    // Importing the classes alone must register nothing: the page may define them under its own names.
    writeFileSync(join(app, 'classes.html'), '<!doctype html><title>Classes</title><script type="module" src="/src/classes.js"></script>');
    writeFileSync(
      join(app, 'src/classes.js'),
      "import { ApertoChat } from 'aperto';\nconst tags = ['aperto-chat', 'aperto-chat-history', 'aperto-chat-message', 'aperto-load-progress', 'aperto-model-picker', 'aperto-translate'];\nwindow.apertoImport = { chat: typeof ApertoChat, defined: tags.filter((tag) => customElements.get(tag)) };\n",
    );
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts=false', tarball], { cwd: app, stdio: 'pipe' });

    // As `vite build` on the command line: Vitest's NODE_ENV=test would pick Lit's development build.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        root: app,
        configFile: false,
        logLevel: 'warn',
        build: { outDir: join(app, 'dist'), chunkSizeWarningLimit: 8000, rolldownOptions: { input: [join(app, 'index.html'), join(app, 'classes.html')] } },
      });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    server = await preview({ root: app, configFile: false, logLevel: 'warn', build: { outDir: join(app, 'dist') }, preview: { host: '127.0.0.1', port: 0 } });
    const address = server.httpServer.address();
    if (!address || typeof address === 'string') throw new Error('The preview server has no port');
    url = `http://127.0.0.1:${address.port}/`;
    browser = await launchChromium({ webgpu: false });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs only Aperto and Lit, and no engine, in under 100 MB', () => {
    const nodeModules = join(app, 'node_modules');
    const packages = installed(nodeModules);
    const total = bytesIn(nodeModules);
    const own = bytesIn(join(nodeModules, 'aperto'));
    console.log(`npm consumer: ${packages.length} packages, node_modules ${(total / MB).toFixed(1)} MB, of which aperto ${(own / MB).toFixed(1)} MB`);

    expect(packages).toEqual(['@lit-labs/ssr-dom-shim', '@lit/reactive-element', '@lit/task', '@types/trusted-types', 'aperto', 'lit', 'lit-element', 'lit-html']);
    expect(total).toBeLessThan(100 * MB);
  });

  it('ships a custom-elements.json whose modules are files in the package, with each element’s events', () => {
    const pkg = join(app, 'node_modules/aperto');
    const manifest = JSON.parse(readFileSync(join(pkg, 'custom-elements.json'), 'utf8')) as {
      modules: { path: string; declarations?: { tagName?: string; events?: { name: string }[] }[] }[];
    };
    const missing = manifest.modules.map((module) => module.path).filter((path) => !existsSync(join(pkg, path)));
    const events = (tag: string) => manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === tag)?.events?.map((e) => e.name);

    expect(missing).toEqual([]);
    expect(events('aperto-model-manager')).toEqual(['aperto-model-request', 'aperto-model-remove', 'aperto-remote-change']);
    expect(events('aperto-chat')).toEqual(expect.arrayContaining(['aperto-message', 'aperto-ready', 'aperto-progress', 'aperto-error']));
  });

  it('import "aperto/define" in a page Vite built shows <aperto-chat> with its message box', async () => {
    const page = await browser.newPage();
    const errors = recordPageErrors(page);
    await page.goto(`${url}index.html`);
    // pierce/ looks into each shadow root on its own: the message box is the only such textarea on the page.
    await waitForElement(page, 'textarea[aria-label="Message"]');

    expect(await page.evaluate(() => customElements.get('aperto-chat') !== undefined)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('import { ApertoChat } from "aperto" gives the class and defines no element', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}classes.html`);
    await page.waitForFunction(() => 'apertoImport' in window);

    expect(await page.evaluate(() => (window as unknown as { apertoImport: unknown }).apertoImport)).toEqual({ chat: 'function', defined: [] });
    await page.close();
  });
});
