/**
 * Models on a host the site's Content-Security-Policy leaves out (issue 13, item 4). The e2e server
 * allows the app's origin, the model hosts of src/security/policy.ts and the other-origin test hub;
 * a server started here, on yet another port, is not allowed. Such a model is refused when it is
 * added, with a sentence naming the host and how the site's owner allows it (APERTO_MODEL_HOSTS);
 * one added before the policy changed is refused at download time with the same sentence, and
 * never retried as a dropped connection.
 */
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clickButton, launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';

const appUrl = inject('appUrl');

let blockedServer: Server;
/** Requests that reached the host the policy leaves out: the policy should let none through. */
const reachedBlockedHost: string[] = [];
let blockedOrigin: string;

/** The sentence the app says for the refused host, at adding and at download time alike. */
const refusal = () =>
  `This site’s Content-Security-Policy does not allow downloads from ${new URL(blockedOrigin).host}; ` +
  `the site’s owner can allow them by adding ${blockedOrigin} to APERTO_MODEL_HOSTS`;

beforeAll(async () => {
  blockedServer = createServer((req, res) => {
    reachedBlockedHost.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'access-control-allow-origin': '*' });
    res.end();
  });
  await new Promise<void>((resolve) => blockedServer.listen(0, '127.0.0.1', resolve));
  const address = blockedServer.address();
  if (!address || typeof address === 'string') throw new Error('The blocked host has no port');
  blockedOrigin = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise((resolve) => blockedServer.close(resolve)));

/** Models added by URL on an earlier visit, written where the app keeps them (aperto-settings → custom-models). */
async function saveCustomModels(page: Page, models: object[]): Promise<void> {
  await page.goto(`${appUrl}#/device`);
  await waitForElement(page, 'aperto-device-panel');
  await page.evaluate(
    (saved) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('aperto-settings');
        open.onupgradeneeded = () => open.result.createObjectStore('settings');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('settings', 'readwrite');
          tx.objectStore('settings').put(saved, 'custom-models');
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
    models,
  );
}

/**
 * Press Load on a card and wait for its error, noting every screen meanwhile: a download taken
 * for a dropped connection says "Trying again … (attempt 2 of 4)" for at least a second first.
 */
async function loadUntilError(page: Page, modelId: string): Promise<{ code: string | null; text: string; screens: string[] }> {
  const card = await waitForElement(page, `aperto-model-card[data-model-id="${modelId}"]`);
  await (await card.$('pierce/button.primary'))!.click();
  const screens: string[] = [];
  const alert = await until(
    async () => {
      screens.push(await visibleText(page));
      return page.$('pierce/[role="alert"][data-code]').catch(() => null);
    },
    (found) => found !== null,
    'the load to fail',
    60_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; the screen said: ${screens.at(-1)?.slice(0, 2000)}`);
  });
  return {
    code: await alert!.evaluate((el) => el.getAttribute('data-code')),
    text: await alert!.evaluate((el) => el.textContent!.replace(/\s+/g, ' ')),
    screens,
  };
}

describe('a model on a host the Content-Security-Policy leaves out, on the CPU engine', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
    errors = recordPageErrors(page);
  });
  afterAll(() => browser?.close());

  it('is refused when a link adds it, naming the host and APERTO_MODEL_HOSTS, and nothing is asked or fetched', async () => {
    const model = `${blockedOrigin}/models/synthetic.gguf`;

    await page.goto(`${appUrl}?engine=cpu&model=${encodeURIComponent(model)}#/models`);
    const text = await until(() => visibleText(page), (seen) => seen.includes('could not be added'), 'the link’s model to be refused', 30_000);

    expect(text).toContain(`The model in the link could not be added. ${refusal()}`);
    expect(await page.$('pierce/aperto-model-proposal')).toBeNull();
    expect(reachedBlockedHost).toEqual([]);
  });

  it('is refused when typed into "Add a model by URL", with the same sentence', async () => {
    await page.goto(`${appUrl}?engine=cpu#/models`);
    const box = await waitForElement(page, 'input[name="url"]');
    await box.type(`${blockedOrigin}/models/other.gguf`);
    await clickButton(page, 'Add model');

    const alert = await waitForElement(page, 'form.custom [role="alert"]', 10_000);

    expect(await alert.evaluate((el) => el.textContent)).toContain(refusal());
    expect(await page.$('pierce/aperto-model-proposal')).toBeNull();
    expect(reachedBlockedHost).toEqual([]);
  });

  it('added before the policy left its host out: the download is refused with the same sentence, and not retried', async () => {
    await saveCustomModels(page, [{ engine: 'cpu', url: `${blockedOrigin}/models/synthetic.gguf` }]);
    await page.goto(`${appUrl}?engine=cpu#/models`);

    const failed = await loadUntilError(page, 'synthetic');

    expect(failed.code).toBe('host-not-allowed');
    expect(failed.text).toContain(refusal());
    expect(failed.screens.filter((screen) => /attempt \d of/.test(screen))).toEqual([]);
    expect(reachedBlockedHost).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('a model on a host the Content-Security-Policy leaves out, on the GPU engine (its worker downloads)', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: true });
    page = await browser.newPage();
  });
  afterAll(() => browser?.close());

  it('added before the policy left its host out: the worker’s download is refused with the same sentence, and not retried', async () => {
    await saveCustomModels(page, [
      {
        engine: 'webgpu',
        url: `${blockedOrigin}/models/blocked-q4f32_1-MLC`,
        libraryUrl: `${blockedOrigin}/libs/blocked-q4f32_1-webgpu.wasm`,
        contextWindow: 4096,
      },
    ]);
    await page.goto(`${appUrl}?engine=webgpu#/models`);

    const failed = await loadUntilError(page, 'blocked-q4f32_1-MLC');

    expect(failed.code).toBe('host-not-allowed');
    expect(failed.text).toContain(refusal());
    expect(failed.screens.filter((screen) => /attempt \d of/.test(screen))).toEqual([]);
    expect(reachedBlockedHost).toEqual([]);
  });
});
