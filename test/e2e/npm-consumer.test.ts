/**
 * Aperto as an npm package, as web developers use it: the repository is packed and the tarball
 * installed into an empty app once (test/e2e/consumer-app.ts), then Vite, Rollup, esbuild and
 * webpack 5 each build that app with the settings README.md gives (test/e2e/consumer-bundlers.ts),
 * and Chromium, without WebGPU, runs each build, and the app on Vite's dev server: the page chats on
 * the CPU engine with the synthetic model from the local hub and translates typed text, in one model
 * worker.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, recordPageErrors, until, waitForElement } from './browser.js';
import { installConsumerApp } from './consumer-app.js';
import { BUNDLERS, runConsumer, typeCheck, type RunningConsumer } from './consumer-bundlers.js';
import { modelWorkers, watchModelWorkers } from './model-workers.js';

const MB = 1_000_000;

/** The tags src/define.ts registers. */
const PUBLIC_ELEMENTS = [...readFileSync(new URL('../../src/define.ts', import.meta.url), 'utf8').matchAll(/elements\/([\w-]+)\/[\w-]+\.define\.js/g)].map(([, name]) => `aperto-${name}`);
const modelUrl = `${inject('crossOriginHubUrl')}gguf/synthetic.gguf`;

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

/**
 * Hints about the app's build rather than problems with Aperto: webpack's about large files (the app's
 * `performance` setting) and Rolldown's about plugin time in Vite (when the machine is busy).
 */
const BUILD_HINT = /asset size limit|entrypoint size limit|performance recommendations|\[PLUGIN_TIMINGS\]/;

interface SeenEvent {
  type: string;
  detail: Record<string, unknown>;
  from: string;
}

function events(page: Page, type: string): Promise<SeenEvent[]> {
  return page.evaluate((t) => (window as unknown as { __events: SeenEvent[] }).__events.filter((e) => e.type === t), type);
}

describe('aperto installed from npm', () => {
  let dir: string;
  let app: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aperto-npm-consumer-'));
    app = installConsumerApp(dir);
    browser = await launchChromium({ webgpu: false });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
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

  it('ships a custom-elements.json whose modules are files in the package, with each public element’s events', () => {
    const pkg = join(app, 'node_modules/aperto');
    const manifest = JSON.parse(readFileSync(join(pkg, 'custom-elements.json'), 'utf8')) as {
      modules: { path: string; declarations?: { tagName?: string; events?: { name: string }[] }[] }[];
    };
    const missing = manifest.modules.map((module) => module.path).filter((path) => !existsSync(join(pkg, path)));
    const events = (tag: string) => manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === tag)?.events?.map((e) => e.name) ?? [];

    expect(missing).toEqual([]);
    // Every element `import 'aperto/define'` registers, with the events it fires itself (those of the
    // elements inside <aperto-app> reach the page through it, documented on each of them).
    expect(Object.fromEntries(PUBLIC_ELEMENTS.map((tag) => [tag, events(tag)]))).toEqual({
      'aperto-app': [],
      'aperto-chat': ['aperto-message', 'aperto-ready', 'aperto-progress', 'aperto-error'],
      'aperto-chat-history': ['aperto-conversation-request'],
      'aperto-chat-message': ['aperto-message-action'],
      'aperto-chat-settings': ['aperto-settings-change'],
      'aperto-device-panel': [],
      'aperto-load-progress': [],
      'aperto-model-card': ['aperto-model-request', 'aperto-model-remove'],
      'aperto-model-manager': ['aperto-model-request', 'aperto-model-remove', 'aperto-remote-change'],
      'aperto-model-picker': ['aperto-ready', 'aperto-progress', 'aperto-error'],
      'aperto-network-indicator': [],
      'aperto-no-webgpu': [],
      'aperto-status-strip': [],
      'aperto-translate': ['aperto-caption', 'aperto-ready', 'aperto-progress', 'aperto-error'],
      'aperto-update-prompt': [],
    });
  });

  it('type-checks a TypeScript app that queries <aperto-chat> and <aperto-translate>, without skipLibCheck', () => {
    const result = typeCheck(app);

    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  describe.each(BUNDLERS)('served by %s', (bundler) => {
    let server: RunningConsumer;
    let page: Page;
    let errors: string[];

    beforeAll(async () => {
      server = await runConsumer(bundler, app);
      page = await browser.newPage();
      errors = recordPageErrors(page);
      await watchModelWorkers(page);
      await page.evaluateOnNewDocument(() => {
        const w = window as unknown as { __events: unknown[] };
        w.__events = [];
        for (const type of ['aperto-ready', 'aperto-message', 'aperto-caption', 'aperto-error']) {
          document.addEventListener(type, (e) => {
            const event = e as CustomEvent;
            w.__events.push({ type, detail: JSON.parse(JSON.stringify(event.detail)), from: (event.composedPath()[0] as Element).localName });
          });
        }
      });
    }, 180_000);

    afterAll(async () => {
      await page?.close();
      await server?.close();
    });

    it('import { ApertoChat } from "aperto" gives the class and defines no element', async () => {
      const other = await browser.newPage();
      await other.goto(`${server.url}classes.html`);
      await other.waitForFunction(() => 'apertoImport' in window);

      expect(await other.evaluate(() => (window as unknown as { apertoImport: unknown }).apertoImport)).toEqual({ chat: 'function', defined: [] });
      await other.close();
    });

    it('import "aperto/define" shows the elements, and the chat answers on the CPU engine with the synthetic model', async () => {
      await page.goto(`${server.url}index.html`);
      await waitForElement(page, 'textarea[aria-label="Message"]');
      await page.evaluate((url) => document.querySelector('aperto-model-picker')!.setAttribute('model', url), modelUrl);
      await until(() => page.$eval('pierce/select[aria-label="Model"]', (s) => (s as HTMLSelectElement).value), (v) => v.length > 0, 'the model in the list');
      await page.click('pierce/button[part="load-button"]');
      const ready = await until(() => events(page, 'aperto-ready'), (list) => list.some((e) => e.from === 'aperto-chat'), 'aperto-ready from <aperto-chat>', 90_000);

      await page.click('pierce/textarea[aria-label="Message"]');
      await page.keyboard.type(`Hello from a ${bundler} app`);
      await page.keyboard.press('Enter');
      const [message] = await until(() => events(page, 'aperto-message'), (list) => list.length > 0, 'aperto-message', 60_000);
      const shown = await page.$$eval('pierce/aperto-chat-message', (m) => m.at(-1)?.shadowRoot?.querySelector('.md')?.textContent?.trim() ?? '');

      expect(ready.find((e) => e.from === 'aperto-chat')!.detail).toMatchObject({ engine: 'cpu' });
      expect(message.detail).toMatchObject({ role: 'assistant', status: 'done' });
      expect((message.detail.content as string).length).toBeGreaterThan(0);
      expect(shown.length).toBeGreaterThan(0);
    });

    it('translates typed text in <aperto-translate>', async () => {
      await page.click('pierce/textarea[aria-label="Text to translate"]');
      await page.keyboard.type('Guten Morgen');
      await page.keyboard.press('Enter');
      const captions = await until(() => events(page, 'aperto-caption'), (list) => list.some((e) => e.detail.final), 'a final caption', 60_000);
      const final = captions.find((e) => e.detail.final)!;

      expect(final.detail).toMatchObject({ source: 'Guten Morgen', to: 'en', final: true });
      expect((final.detail.translation as string).length).toBeGreaterThan(0);
    });

    it('ran both elements on exactly one model worker, with no page errors', async () => {
      const workers = await modelWorkers(page);

      expect(workers, workers.join(' | ')).toHaveLength(1);
      expect(await events(page, 'aperto-error')).toEqual([]);
      expect(errors).toEqual([]);
    });

    it('warned about nothing in Aperto while building or serving', () => {
      expect(server.warnings.filter((warning) => !BUILD_HINT.test(warning))).toEqual([]);
    });
  });
});
