/** The built app, served like production, in headless Chromium. */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clickButton, launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';

const appUrl = inject('appUrl');

describe('the app on a WebGPU browser without shader-f16 (SwiftShader)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: true });
  });
  afterAll(() => browser?.close());

  it('shows a catalog of at least ten open-weight models including Qwen, q4f16 variants marked unavailable', async () => {
    const page = await browser.newPage();
    const errors = recordPageErrors(page);

    await page.goto(`${appUrl}#/models`);
    await waitForElement(page, 'aperto-model-card');
    const cards = await page.$$eval('pierce/aperto-model-card', (els) =>
      els.map((el) => ({ id: el.getAttribute('data-model-id')!, unavailable: el.hasAttribute('unavailable') })),
    );

    expect(cards.length).toBeGreaterThanOrEqual(10);
    expect(cards.some((c) => c.id.startsWith('Qwen3-') && !c.unavailable)).toBe(true);
    const f16 = cards.filter((c) => /q\df16/.test(c.id));
    expect(f16.length).toBeGreaterThan(0);
    expect(f16.every((c) => c.unavailable)).toBe(true);
    expect(await visibleText(page)).toContain('Recommended for this device');
    expect(errors).toEqual([]);
  });

  it('keeps the view in the URL, so a reload lands on the same page', async () => {
    const page = await browser.newPage();
    await page.goto(`${appUrl}#/device`);
    await waitForElement(page, '[data-field="webgpu"]');

    await page.reload();
    await waitForElement(page, '[data-field="webgpu"]');

    const current = await page.$eval('pierce/a[aria-current="page"]', (a) => a.textContent);
    expect(current).toBe('Device');
    expect(await page.$eval('pierce/[data-field="shader-f16"]', (el) => el.textContent)).toBe('no');
  });

  it('shows engine, model and state in the status strip', async () => {
    const page = await browser.newPage();
    await page.goto(appUrl);
    await waitForElement(page, '[data-field="state"]');

    const strip = await page.$eval('pierce/[aria-label="Engine status"]', (el) => el.textContent!.replace(/\s+/g, ' '));
    expect(strip).toContain('Engine: GPU · WebGPU (web-llm)');
    expect(strip).toContain('no model loaded');
  });
});

describe('the app on a browser without WebGPU', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
  });
  afterAll(() => browser?.close());

  it('falls back to the CPU engine on its own and says so', async () => {
    const page = await browser.newPage();
    const errors = recordPageErrors(page);

    await page.goto(`${appUrl}#/models`);
    await waitForElement(page, 'aperto-model-card');
    const text = await visibleText(page);

    expect(text).toContain('Engine: CPU · WebAssembly (llama.cpp)');
    expect(text).toContain('WebGPU is not usable in this browser');
    expect(text).toContain('Qwen2.5 0.5B Instruct');
    expect(errors).toEqual([]);
  });

  it('explains what to do when the GPU engine is asked for by the link, while navigation still works', async () => {
    const page = await browser.newPage();
    const errors = recordPageErrors(page);

    await page.goto(`${appUrl}?engine=webgpu`);
    await waitForElement(page, 'aperto-no-webgpu');
    const text = await visibleText(page);

    expect(text).toContain('Models cannot run in this browser');
    expect(text).toMatch(/Chrome or Edge 113/);
    await page.click('pierce/a[href="#/device"]');
    await waitForElement(page, '[data-field="webgpu"]');
    expect(await page.$eval('pierce/[data-field="webgpu"]', (el) => el.textContent)).toMatch(/^not available/);
    expect(errors).toEqual([]);
  });

  it('names the parameter and the allowed values when the link asks for an engine that does not exist', async () => {
    const page = await browser.newPage();

    await page.goto(`${appUrl}?engine=quantum#/models`);
    await waitForElement(page, 'aperto-model-card');

    expect(await visibleText(page)).toContain('engine “quantum”, which does not exist. Allowed: auto, webgpu, cpu, remote');
  });
});

/**
 * What the app keeps under 'custom-models' in its settings database, read as the app would; null
 * when nothing is there (the database is left as it was when it does not exist yet).
 */
function savedCustomModels(page: Page): Promise<unknown> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const request = indexedDB.open('aperto-settings');
        request.onupgradeneeded = () => request.transaction?.abort();
        request.onerror = () => resolve(null);
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains('settings')) return resolve(null);
          const get = db.transaction('settings').objectStore('settings').get('custom-models');
          get.onsuccess = () => resolve(get.result ?? null);
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

describe('a link naming a GPU model and a library from outside the catalog', () => {
  // Neither address needs to answer: nothing may be fetched from them before the person agrees. Both
  // hosts are ones the policy allows (a host it leaves out is refused before any question: model-hosts.test.ts).
  const weights = 'https://huggingface.co/someone/x-q4f32_1-MLC';
  const library = 'https://raw.githubusercontent.com/someone/builds/web/lib.wasm';
  const link = `${appUrl}?engine=webgpu&model=${encodeURIComponent(weights)}&model_lib=${encodeURIComponent(library)}#/models`;
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: true });
  });
  afterAll(() => browser?.close());

  /** A page of its own: a fresh profile, so nothing saved by another test is there. */
  async function freshPage(): Promise<{ page: Page; fetched: string[] }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const fetched: string[] = [];
    page.on('request', (request) => {
      if (['huggingface.co', 'raw.githubusercontent.com'].includes(new URL(request.url()).hostname)) fetched.push(request.url());
    });
    return { page, fetched };
  }

  it('asks “Add this model?” naming the library’s host, and saves, adds and downloads nothing', async () => {
    const { page, fetched } = await freshPage();
    const errors = recordPageErrors(page);

    await page.goto(link);
    await waitForElement(page, 'aperto-model-proposal');
    await waitForElement(page, 'aperto-model-card');
    const text = await visibleText(page);

    expect(text).toContain('This link offers a model that is not in the catalog: x-q4f32_1-MLC');
    expect(text).toContain('Nothing has been downloaded or saved.');
    expect(text).toContain('Code from raw.githubusercontent.com/someone/builds/…');
    expect(text).toContain('Weights from huggingface.co/someone/x-q4f32_1-MLC');
    expect(text).toContain('Add this model? Its program comes from raw.githubusercontent.com/someone/builds/… — only add models from sources you trust.');
    expect(await page.$('pierce/aperto-model-card[data-model-id="x-q4f32_1-MLC"]')).toBeNull();
    expect(await savedCustomModels(page)).toBeNull();
    expect(fetched).toEqual([]);
    expect(errors).toEqual([]);
    await page.browserContext().close();
  });

  it('on Cancel adds nothing and saves nothing, and says so', async () => {
    const { page, fetched } = await freshPage();
    await page.goto(link);
    await waitForElement(page, 'aperto-model-proposal');

    await clickButton(page, 'Cancel');
    await until(() => visibleText(page), (text) => text.includes('x-q4f32_1-MLC was not added. Nothing was downloaded or saved.'), 'the answer');

    expect(await page.$('pierce/aperto-model-proposal')).toBeNull();
    expect(await page.$('pierce/aperto-model-card[data-model-id="x-q4f32_1-MLC"]')).toBeNull();
    expect(await savedCustomModels(page)).toBeNull();
    expect(fetched).toEqual([]);
    await page.browserContext().close();
  });

  it('on “Add this model” shows it in Models, labelled with both hosts, and keeps it after a reload', async () => {
    const { page, fetched } = await freshPage();
    await page.goto(link.replace('#/models', '#/chat'));
    await waitForElement(page, 'aperto-model-proposal');

    await clickButton(page, 'Add this model');
    const card = await waitForElement(page, 'aperto-model-card[highlighted][data-model-id="x-q4f32_1-MLC"]');
    const saved = await until(() => savedCustomModels(page), (value) => value !== null, 'the saved model');

    expect(await card.evaluate((el) => el.shadowRoot!.querySelector('[data-sources]')!.textContent!.replace(/\s+/g, ' ').trim())).toBe(
      'Weights from huggingface.co/someone/x-q4f32_1-MLC · code from raw.githubusercontent.com/someone/builds/…',
    );
    expect(saved).toEqual([{ engine: 'webgpu', url: weights, libraryUrl: library, contextWindow: 4096 }]);
    expect(fetched, 'adding is not loading: nothing is downloaded yet').toEqual([]);

    // Added with the person's agreement, it is the link's model from now on, with no question.
    await page.reload();
    await waitForElement(page, 'aperto-model-card[highlighted][data-model-id="x-q4f32_1-MLC"]');
    expect(await page.$('pierce/aperto-model-proposal')).toBeNull();
    await page.browserContext().close();
  });
});
