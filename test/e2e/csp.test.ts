/**
 * The Content-Security-Policy of src/security/policy.ts, on the production build: every page and
 * file is served with it, and nothing the app does (start, load a CPU model, chat, translate typed
 * text, start speech recognition; start the kiosk; start web-llm's worker and try a load on the GPU
 * engine) is blocked by it.
 * The watcher (policy-watcher.ts) is checked to see a violation in a page and in a worker, so its
 * empty lists mean something.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { contentSecurityPolicy } from '../../src/security/policy.js';
import { acceptLinkedModel, chatOnce, loadLinkedModel, translateOnce } from './app-flows.js';
import { launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';
import { PolicyWatcher } from './policy-watcher.js';

const appUrl = inject('appUrl');
const hubUrl = inject('crossOriginHubUrl');
const hubOrigin = new URL(hubUrl).origin;
/** The policy the e2e server sends: the production one, plus the other-origin test hub. */
const expected = contentSecurityPolicy({ connectSrc: [hubOrigin] });

/** A tenth of a second of 16 kHz mono silence as a WAV file. */
function silentWav(): Buffer {
  const samples = 1600;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(16000, 24);
  wav.writeUInt32LE(32000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  return wav;
}

describe('the Content-Security-Policy', () => {
  it('comes with every page, script, worker, the service worker and the manifest', async () => {
    const assets = readdirSync(join(inject('appOutDir'), 'assets'));
    const worker = (name: string) => `assets/${assets.find((file) => file.startsWith(`${name}.worker-`) && file.endsWith('.js'))}`;
    const paths = ['', 'index.html', 'kiosk.html', '?model=x#/models', worker('llm'), worker('asr'), 'sw.js', 'manifest.webmanifest'];

    for (const path of paths) {
      const response = await fetch(`${appUrl}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-security-policy'), path).toBe(expected);
      expect(response.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
      expect(response.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
    }
    expect(expected).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(expected).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    expect(expected).toContain("worker-src 'self' blob:");
    expect(expected).toContain("object-src 'none'");
    expect(expected).toContain("base-uri 'none'");
    expect(expected).toContain("frame-ancestors 'self'");
  });

  describe('on the CPU engine, without a GPU', () => {
    let browser: Browser;
    let page: Page;
    let policy: PolicyWatcher;
    let errors: string[];

    beforeAll(async () => {
      browser = await launchChromium({ webgpu: false });
      page = await browser.newPage();
      errors = recordPageErrors(page);
      policy = await PolicyWatcher.attach(page);
    });
    afterAll(() => browser?.close());

    it('blocks nothing while the app starts, loads a model from another origin, chats and translates', async () => {
      const response = await loadLinkedModel(page, appUrl, `${hubUrl}gguf/synthetic.gguf`);
      expect(response?.headers()['content-security-policy'], 'the browser got the policy').toBe(expected);
      expect((await chatOnce(page, 'Hello there')).length).toBeGreaterThan(0);
      expect((await translateOnce(page, 'Good morning, everyone.')).length).toBeGreaterThan(0);

      expect(page.workers().length, 'wllama’s workers ran under the policy').toBeGreaterThan(0);
      expect(policy.seen).toEqual([]);
      expect(errors).toEqual([]);
    });

    it('blocks nothing when an audio file starts speech recognition (whose download fails: no internet here)', async () => {
      const workers: string[] = [];
      page.on('workercreated', (worker) => workers.push(worker.url()));
      // The recogniser is loaded before the file is read, so any small file will do.
      const wav = join(mkdtempSync(join(tmpdir(), 'aperto-csp-')), 'silence.wav');
      writeFileSync(wav, silentWav());
      await page.click('pierce/a[href="#/translate"]');
      await (await waitForElement(page, 'select[aria-label="Input"]')).select('file');
      const fileInput = (await waitForElement(page, 'input[type="file"][aria-label="Audio file"]')) as ElementHandle<HTMLInputElement>;
      await fileInput.uploadFile(wav);
      await until(() => visibleText(page), (text) => text.includes('The speech recognition model could not be downloaded.'), 'the recogniser to give up', 90_000);

      expect(workers.some((url) => /\/assets\/asr\.worker-[\w-]+\.js$/.test(url)), 'the speech worker ran').toBe(true);
      expect(policy.seen).toEqual([]);
    });

    it('blocks nothing while the kiosk starts and loads its model by itself', async () => {
      await page.goto(`${appUrl}kiosk.html?engine=cpu&model=${encodeURIComponent(`${hubUrl}gguf/synthetic.gguf`)}`);
      await until(
        () => page.$eval('aperto-kiosk', (kiosk) => kiosk.getAttribute('status')).catch(() => null),
        (status) => status === 'ready',
        'the kiosk model to be ready',
        90_000,
      );

      expect(policy.seen).toEqual([]);
    });

    it('(the watcher itself) sees what the policy blocks, in the page and in a worker', async () => {
      await page.goto(`${appUrl}#/device`);
      await waitForElement(page, 'aperto-device-panel');
      await page.evaluate(() => fetch('https://not-a-model-host.example/ping').catch(() => undefined));
      await page.evaluate(
        () =>
          new Promise((resolve) => {
            const source = `fetch('https://not-a-model-host.example/from-worker').catch(() => postMessage('blocked'))`;
            const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
            worker.onmessage = () => resolve(undefined);
          }),
      );
      await until(async () => policy.seen.join('\n'), (seen) => seen.includes('from-worker'), 'the worker’s violation', 5_000).catch(() => undefined);

      expect(policy.seen.some((line) => line.startsWith('console:') && line.includes('not-a-model-host.example/ping'))).toBe(true);
      expect(policy.seen.some((line) => line.includes('not-a-model-host.example/from-worker')), policy.seen.join('\n')).toBe(true);
    });
  });

  describe('on the GPU engine (SwiftShader WebGPU)', () => {
    let browser: Browser;
    let page: Page;
    let policy: PolicyWatcher;

    beforeAll(async () => {
      browser = await launchChromium({ webgpu: true });
      page = await browser.newPage();
      policy = await PolicyWatcher.attach(page);
    });
    afterAll(() => browser?.close());

    it('web-llm’s worker starts and tries a load from the hub on another origin, and nothing is blocked', async () => {
      // The hub's model whose library is not WebAssembly: the load gets as far as compiling it.
      const model = `${hubUrl}aperto-test/broken-library-q4f32_1-MLC/resolve/main/`;
      const library = `${hubUrl}libs/broken-library.wasm`;
      await fetch(`${hubUrl}__reset`);
      await page.goto(`${appUrl}?engine=webgpu&model=${encodeURIComponent(model)}&model_lib=${encodeURIComponent(library)}#/models`);
      const card = await acceptLinkedModel(page);
      await (await card.$('pierce/button.primary'))!.click();
      const alert = await waitForElement(page, '[role="alert"][data-code]', 60_000);

      const log: string[] = await (await fetch(`${hubUrl}__log`)).json();
      expect(log, 'the worker fetched the model’s config and library from the hub').toEqual(
        expect.arrayContaining(['GET /hub/aperto-test/broken-library-q4f32_1-MLC/resolve/main/mlc-chat-config.json', 'GET /hub/libs/broken-library.wasm']),
      );
      expect(await alert.evaluate((el) => el.getAttribute('data-code'))).toBe('bad-model-library');
      // Chromium has SharedWorker: the GPU model runs in the site's shared worker (src/engine/llm-link.ts).
      const shared = browser.targets().filter((target) => target.type() === 'shared_worker').map((target) => target.url());
      expect(shared.some((url) => /\/assets\/llm-shared\.worker-[\w-]+\.js$/.test(url)), 'web-llm’s shared worker ran').toBe(true);
      expect(await visibleText(page)).not.toMatch(/Content Security Policy/i);
      expect(policy.seen).toEqual([]);
    });
  });
});
