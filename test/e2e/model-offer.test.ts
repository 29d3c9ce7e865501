/**
 * One press to a model, where the person is: with no model loaded, Chat and Translate offer one
 * model in place — the link's, the one used last on this device (loaded without a press when it is
 * stored here, unless that setting is off), or the recommended one with its download size. The
 * production build on the CPU engine (Chromium without WebGPU).
 *
 * Catalog models download from huggingface.co, which the test machines cannot reach: the page's
 * requests for it are answered by the test with the synthetic GGUF (no catalog file but SmolLM2 135M
 * carries a hash, so the bytes are taken as the file the link or the offer names).
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { acceptLinkedModel, modelReady } from './app-flows.js';
import { launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';

const appUrl = inject('appUrl');
const hubUrl = inject('crossOriginHubUrl');
const syntheticUrl = `${hubUrl}gguf/synthetic.gguf`;

/** The engine's state as the status strip shows it: "no model loaded", "loading 40 %", "ready"… */
function engineState(page: Page): Promise<string> {
  return page.$eval('pierce/[data-field="state"]', (el) => el.textContent ?? '').catch(() => '');
}

/** The offer shown in the current view: its sentence and its button, if it is on screen. */
async function shownOffer(page: Page): Promise<{ text: string; button: string } | undefined> {
  const offer = await page.$('pierce/aperto-model-offer').catch(() => null);
  if (!offer) return undefined;
  return offer.evaluate((el) => {
    const button = el.shadowRoot?.querySelector<HTMLButtonElement>('button[part="load-button"]');
    if (!button?.checkVisibility()) return undefined;
    return {
      text: el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim(),
      button: button.textContent!.replace(/\s+/g, ' ').trim(),
    };
  });
}

function waitForOffer(page: Page, what: string) {
  return until(() => shownOffer(page), (offer) => offer !== undefined, what, 30_000) as Promise<{ text: string; button: string }>;
}

async function pressOffer(page: Page): Promise<void> {
  await (await waitForElement(page, 'button[part="load-button"]')).click();
}

/** Requests the stand-in hub has had for the synthetic model since the test began counting. */
async function syntheticDownloads(): Promise<number> {
  const log: string[] = await (await fetch(`${hubUrl}__log`)).json();
  return log.filter((line) => line === 'GET /hub/gguf/synthetic.gguf').length;
}

/**
 * Count every request the page makes to huggingface.co, from the start. Once `answer()` is called
 * (after the page has opened: a DevTools session does not follow the cross-origin-isolated page's
 * first navigation), requests for a GGUF file there are answered with the synthetic model's bytes,
 * as the hub would answer them, and any other request there with a 404. Only those requests are
 * held by DevTools; everything else goes its normal way.
 */
async function standInForTheHub(page: Page): Promise<{ downloads: string[]; answer(): Promise<void> }> {
  const bytes = Buffer.from(await (await fetch(syntheticUrl)).arrayBuffer()).toString('base64');
  const downloads: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.hostname === 'huggingface.co' && request.method() === 'GET' && url.pathname.endsWith('.gguf') && url.pathname.includes('/resolve/')) {
      downloads.push(url.pathname);
    }
  });
  return {
    downloads,
    async answer() {
      const session = await page.createCDPSession();
      session.on('Fetch.requestPaused', (event) => {
        const url = new URL(event.request.url);
        const headers = [
          { name: 'Access-Control-Allow-Origin', value: '*' },
          { name: 'Cross-Origin-Resource-Policy', value: 'cross-origin' },
        ];
        const file = url.pathname.includes('/resolve/') && url.pathname.endsWith('.gguf');
        void session.send('Fetch.fulfillRequest', {
          requestId: event.requestId,
          responseCode: file ? 200 : 404,
          responseHeaders: file ? [...headers, { name: 'Content-Type', value: 'application/octet-stream' }] : headers,
          body: file && event.request.method !== 'HEAD' ? bytes : '',
        });
      });
      await session.send('Fetch.enable', { patterns: [{ urlPattern: 'https://huggingface.co/*', requestStage: 'Request' }] });
    },
  };
}

describe('one press to a model, where the person is', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
  });
  afterAll(() => browser?.close());

  /** A page of its own profile: nothing stored, nothing used before. */
  async function firstVisit(): Promise<Page> {
    const context = await browser.createBrowserContext();
    return context.newPage();
  }

  it('a first visitor sees the recommended model with its size and “Download and load” in Chat and Translate, and one press loads it', async () => {
    const page = await firstVisit();
    const errors = recordPageErrors(page);
    const hub = await standInForTheHub(page);

    await page.goto(`${appUrl}#/translate`);
    await hub.answer();
    const inTranslate = await waitForOffer(page, 'the offer in Translate');
    await page.click('pierce/a[href="#/chat"]');
    const inChat = await waitForOffer(page, 'the offer in Chat');

    for (const offer of [inTranslate, inChat]) {
      expect(offer.text).toContain('No model is loaded yet. Recommended for this device: Qwen2.5 0.5B Instruct (Q4_K_M), about 400 MB to download.');
      expect(offer.button).toBe('Download and load Qwen2.5 0.5B Instruct');
    }
    expect(await visibleText(page)).not.toMatch(/Load one in Models/);
    expect(hub.downloads, 'nothing downloaded before the press').toEqual([]);

    await pressOffer(page);
    await until(() => engineState(page), (state) => state === 'ready', 'the recommended model to be ready', 90_000);

    expect(hub.downloads).toEqual(['/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf']);
    expect(await page.$eval('pierce/[data-field="model"]', (el) => el.textContent)).toBe('Qwen2.5-0.5B-Instruct-Q4_K_M-GGUF');
    expect(await shownOffer(page), 'the offer leaves once a model is ready').toBeUndefined();
    expect(errors).toEqual([]);
    await page.browserContext().close();
  });

  it('a link naming a catalog model shows its “Download and load” in the chat the link opens, and one press loads it', async () => {
    const page = await firstVisit();
    const hub = await standInForTheHub(page);

    await page.goto(`${appUrl}?model=SmolLM2-360M-Instruct-Q8_0-GGUF#/chat`);
    await hub.answer();
    const offer = await waitForOffer(page, 'the link’s model in Chat');

    expect(offer.text).toContain('The link names SmolLM2 360M Instruct (Q8_0), about 390 MB to download.');
    expect(offer.button).toBe('Download and load SmolLM2 360M Instruct');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await engineState(page), 'a link alone loads nothing').toBe('no model loaded');

    await pressOffer(page);
    await until(() => engineState(page), (state) => state === 'ready', 'the link’s model to be ready', 90_000);
    expect(hub.downloads).toEqual(['/HuggingFaceTB/SmolLM2-360M-Instruct-GGUF/resolve/main/smollm2-360m-instruct-q8_0.gguf']);
    await page.browserContext().close();
  });

  it('a link naming a model that is not in the catalog says so, and offers one that is', async () => {
    const page = await firstVisit();

    await page.goto(`${appUrl}?model=No-Such-Model-GGUF#/chat`);
    const offer = await waitForOffer(page, 'the offer in Chat');

    expect(await visibleText(page)).toContain('The model in the link could not be added.');
    expect(offer.button).toBe('Download and load Qwen2.5 0.5B Instruct');
    await page.browserContext().close();
  });

  describe('a returning visitor', () => {
    let page: Page;
    let errors: string[];
    beforeAll(async () => {
      page = await firstVisit();
      errors = recordPageErrors(page);
      // The earlier visit: the synthetic model added by its link and loaded in Models, so it is
      // stored here and the last model used.
      await page.goto(`${appUrl}?model=${encodeURIComponent(syntheticUrl)}#/models`);
      const card = await acceptLinkedModel(page);
      await (await card.$('pierce/button.primary'))!.click();
      await modelReady(page);
    });
    afterAll(() => page?.browserContext().close());

    it('finds the model used last loading by itself, from this device, without a press', async () => {
      const downloads = await syntheticDownloads();
      const states: string[] = [];
      const watching = setInterval(() => void engineState(page).then((state) => state && states.push(state)), 50);

      await page.goto(`${appUrl}#/chat`);
      await waitForElement(page, 'textarea[aria-label="Message"]');
      await until(() => engineState(page), (state) => state === 'ready', 'the last model to be ready without a press', 60_000);
      clearInterval(watching);

      expect(states.some((state) => state.startsWith('loading')), states.join(' | ')).toBe(true);
      expect(await page.$eval('pierce/[data-field="model"]', (el) => el.textContent)).toBe('synthetic');
      expect(await syntheticDownloads(), 'read from this device, not downloaded').toBe(downloads);
      expect(errors).toEqual([]);
    });

    it('with “Load the model I used last when Aperto opens” off, finds a Load button for it instead, and one press loads it', async () => {
      await page.click('pierce/a[href="#/models"]');
      const setting = await waitForElement(page, 'input[name="load-last-model"]');
      const label = await setting.evaluate((el) => el.closest('label')?.textContent?.replace(/\s+/g, ' ').trim());
      expect(label).toBe('Load the model I used last when Aperto opens, if it is stored on this device');
      await setting.click();
      await until(() => visibleText(page), (text) => text.includes('Next time, the chat offers the model you used last with a Load button.'), 'the setting saved');

      // Opened again (the address differs from Models' only in its hash, so it is reloaded).
      await page.goto(`${appUrl}#/chat`);
      await page.reload();
      const offer = await waitForOffer(page, 'the last model’s Load button');
      await new Promise((resolve) => setTimeout(resolve, 1500));

      expect(offer.text).toContain('The model you used last on this device: synthetic (GGUF), stored on this device.');
      expect(offer.button).toBe('Load synthetic');
      expect(await engineState(page), 'nothing loads by itself').toBe('no model loaded');

      await pressOffer(page);
      await until(() => engineState(page), (state) => state === 'ready', 'the model to be ready after one press', 60_000);
      expect(errors).toEqual([]);
    });
  });
});
