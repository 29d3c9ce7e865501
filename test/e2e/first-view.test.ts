/**
 * "First visit in one second": the JavaScript the app page loads before its view appears stays
 * within its budget (scripts/first-view-budget.mjs), holds none of the model and speech libraries,
 * and the view does not wait for the device probe. web-llm is fetched by the GPU model worker only,
 * once, and never when the CPU engine runs models.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FIRST_VIEW_BUDGET_BYTES, measureFirstView } from '../../scripts/first-view-budget.mjs';
import { acceptLinkedModel, loadLinkedModel } from './app-flows.js';
import { launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';
import { NetworkRecorder } from './network-recorder.js';

const appUrl = inject('appUrl');
const outDir = inject('appOutDir');
const hubUrl = inject('crossOriginHubUrl');

/** Text found only in each library's own code (one of its error messages, one of its functions). */
const LIBRARY_MARKERS = {
  'web-llm': 'WebGPU is not supported in your current environment',
  wllama: 'wllama_start',
  'onnxruntime-web (voice detection, Whisper)': 'InferenceSession',
};

function librariesIn(code: string): string[] {
  return Object.entries(LIBRARY_MARKERS).flatMap(([library, marker]) => (code.includes(marker) ? [library] : []));
}

describe('the first view of the built app', () => {
  it(`is at most ${FIRST_VIEW_BUDGET_BYTES / 1000} kB of JavaScript (gzip), as the build's budget check counts it`, async () => {
    const firstView = await measureFirstView(outDir);

    expect(firstView.files.length).toBeGreaterThan(0);
    expect(firstView.gzipBytes).toBeLessThanOrEqual(FIRST_VIEW_BUDGET_BYTES);
  });

  it('holds neither web-llm nor wllama nor onnxruntime: they load when a model or speech is used', async () => {
    const firstView = await measureFirstView(outDir);

    const found = [...firstView.code].flatMap(([file, code]) => librariesIn(code).map((library) => `${library} in ${file}`));
    expect(found).toEqual([]);
  });

  it('has web-llm in one file, the chunk both GPU model workers import, and in no file the page imports', async () => {
    expect(await filesWithWebLlm()).toEqual([expect.stringMatching(/^web-llm-runtime-.*\.js$/)]);
  });
});

/** The build's scripts that carry web-llm's code. */
async function filesWithWebLlm(): Promise<string[]> {
  const assets = (await readdir(`${outDir}/assets`)).filter((file) => file.endsWith('.js'));
  const found: string[] = [];
  for (const file of assets) if ((await readFile(`${outDir}/assets/${file}`, 'utf8')).includes(LIBRARY_MARKERS['web-llm'])) found.push(file);
  return found.sort();
}

/** The recorded requests (page and its workers; not the service worker's precaching) for a file carrying web-llm. */
function webLlmRequests(recorder: NetworkRecorder, files: readonly string[]): Array<{ file: string; from: string }> {
  return recorder
    .all()
    .filter((request) => request.from !== 'service worker')
    .map((request) => ({ file: new URL(request.url).pathname.split('/').at(-1)!, from: request.from }))
    .filter((request) => files.includes(request.file));
}

describe('web-llm, fetched by the model worker only', () => {
  let browser: Browser | undefined;
  afterAll(() => browser?.close());

  it('on a GPU model load in Chromium: once, by the shared model worker, and in no module of the page', async () => {
    browser = await launchChromium({ webgpu: true });
    const page = await browser.newPage();
    const recorder = await NetworkRecorder.attach(browser, page, new URL(appUrl).origin);
    recorder.start();
    // The hub's model whose library is not WebAssembly: the load runs in web-llm as far as compiling it.
    const model = `${hubUrl}aperto-test/broken-library-q4f32_1-MLC/resolve/main/`;
    const library = `${hubUrl}libs/broken-library.wasm`;
    await page.goto(`${appUrl}?engine=webgpu&model=${encodeURIComponent(model)}&model_lib=${encodeURIComponent(library)}#/models`);
    const card = await acceptLinkedModel(page);
    await (await card.$('pierce/button.primary'))!.click();
    const alert = await waitForElement(page, '[role="alert"][data-code]', 60_000);
    expect(await alert.evaluate((el) => el.getAttribute('data-code')), 'web-llm in the worker compiled the library').toBe('bad-model-library');

    const files = await filesWithWebLlm();
    // Chromium has SharedWorker: every tab's GPU model runs in the site's shared worker, which
    // imports web-llm's chunk on its first load (src/engine/llm-link.ts).
    expect(webLlmRequests(recorder, files)).toEqual([{ file: expect.stringMatching(/^web-llm-runtime-.*\.js$/), from: 'shared worker' }]);
    // The page's own resources (its Resource Timing): no module of the page's carries web-llm.
    const pageResources = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
    const withWebLlm = pageResources.map((url) => new URL(url).pathname.split('/').at(-1)!).filter((file) => files.includes(file));
    expect(withWebLlm).toEqual([]);
  });

  it('never with the CPU engine: loading a model', async () => {
    await browser?.close();
    browser = await launchChromium({ webgpu: false });
    const page = await browser.newPage();
    const recorder = await NetworkRecorder.attach(browser, page, new URL(appUrl).origin);
    recorder.start();

    await loadLinkedModel(page, appUrl, `${hubUrl}gguf/synthetic.gguf`);

    expect(webLlmRequests(recorder, await filesWithWebLlm())).toEqual([]);
    expect(recorder.all().length, 'the recorder saw the load').toBeGreaterThan(0);
  });
});

describe('the chat opening in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: true });
  });
  afterAll(() => browser?.close());

  it('shows the message box while the device probe is still running, having loaded only the first view’s scripts', async () => {
    const page = await browser.newPage();
    const errors = recordPageErrors(page);
    await page.evaluateOnNewDocument(() => {
      const probe = window as unknown as { releaseProbe: () => void; scriptsBeforeView?: string[] };
      // The GPU adapter and the storage estimate answer only when the test says so: the view must not wait for them.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      probe.releaseProbe = release;
      const gpu = navigator.gpu;
      if (gpu) {
        const requestAdapter = gpu.requestAdapter.bind(gpu);
        gpu.requestAdapter = (options) => held.then(() => requestAdapter(options));
      }
      const estimate = navigator.storage.estimate.bind(navigator.storage);
      navigator.storage.estimate = () => held.then(() => estimate());
      // On the first frame that has the message box: the scripts loaded so far.
      const messageBox = () =>
        document.querySelector('aperto-app')?.shadowRoot?.querySelector('aperto-chat')?.shadowRoot?.querySelector('textarea[aria-label="Message"]');
      const watch = () => {
        if (!messageBox()) return void requestAnimationFrame(watch);
        probe.scriptsBeforeView = performance
          .getEntriesByType('resource')
          .map((entry) => new URL(entry.name))
          .filter((url) => url.origin === location.origin && url.pathname.endsWith('.js'))
          .map((url) => url.pathname);
      };
      requestAnimationFrame(watch);
    });

    await page.goto(`${appUrl}#/chat`);
    await waitForElement(page, 'textarea[aria-label="Message"]', 10_000);
    const beforeView = await until(
      () => page.evaluate(() => (window as unknown as { scriptsBeforeView?: string[] }).scriptsBeforeView),
      (scripts) => scripts !== undefined,
      'the message box’s first frame',
      10_000,
    );

    const firstView = await measureFirstView(outDir);
    const base = new URL(appUrl).pathname;
    expect(beforeView!.length).toBeGreaterThan(0);
    expect(beforeView!.map((path) => path.slice(base.length)).filter((file) => !firstView.code.has(file))).toEqual([]);
    expect(await visibleText(page)).toContain('Starting the model engine…');

    // Behind the view, the probe ends and the engine is chosen: the chat says what to do next.
    await page.evaluate(() => (window as unknown as { releaseProbe: () => void }).releaseProbe());
    await until(() => visibleText(page), (text) => text.includes('No model is loaded yet.'), 'the chat to know its engine', 30_000);
    expect(await page.$eval('pierce/[aria-label="Engine status"]', (el) => el.textContent!.replace(/\s+/g, ' '))).toContain('GPU · WebGPU (web-llm)');
    expect(errors).toEqual([]);
  });
});
