/**
 * A full disk, for real: Chromium's quota for the app's origin is lowered through the DevTools
 * protocol, so the CPU engine's download into the Origin Private File System fails with the
 * browser's own QuotaExceededError. The app must say so, keep nothing half-written, and offer to
 * delete other models; afterwards what Models lists is what a load finds.
 */
import type { Browser, CDPSession, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { acceptLinkedModel } from './app-flows.js';
import { clickButton, launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';

const appUrl = inject('appUrl');
const firstModel = `${appUrl}hub/gguf/synthetic.gguf`;
const secondModel = `${inject('crossOriginHubUrl')}gguf/synthetic.gguf`;

async function storedRows(page: Page): Promise<string[]> {
  return page.$$eval('pierce/table[aria-label="Models stored on this device"] tr[data-location]', (rows) =>
    rows.map((row) => row.getAttribute('data-location') ?? ''),
  );
}

async function loadLinked(page: Page, url: string): Promise<void> {
  await page.goto(`${appUrl}?engine=cpu&model=${encodeURIComponent(url)}#/models`);
  const card = await acceptLinkedModel(page);
  const load = await card.$('pierce/button.primary');
  await load!.click();
}

describe('storage faults', () => {
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;
  let errors: string[];

  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
    cdp = await page.createCDPSession();
    errors = recordPageErrors(page);
  });
  afterAll(() => browser?.close());

  it('says the disk is full, keeps no partial file, and offers to delete another model', async () => {
    await loadLinked(page, firstModel);
    await until(() => visibleText(page), (text) => text.includes('is loaded and ready'), 'the first model');
    await until(() => storedRows(page), (rows) => rows.includes(firstModel), 'the first model to be listed');

    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(appUrl).origin, quotaSize: usage + 256 * 1024 });
    await loadLinked(page, secondModel);
    const alert = await waitForElement(page, '[role="alert"][data-code]', 60_000);

    expect(await alert.evaluate((el) => el.getAttribute('data-code'))).toBe('quota');
    const text = await visibleText(page);
    expect(text).toContain('not enough storage space');
    expect(text).toMatch(/To make room, delete a model you no longer use/);
    await until(() => storedRows(page), (rows) => !rows.includes(secondModel), 'no partial second model');
    expect(await storedRows(page)).toContain(firstModel);

    await clickButton(page, /^Delete synthetic/);
    await until(() => storedRows(page), (rows) => rows.length === 0, 'the first model to be deleted');
    expect(errors).toEqual([]);
  });

  it('loads the model on Retry once there is room, and lists exactly what a load will find', async () => {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(appUrl).origin });
    await clickButton(page, 'Retry');
    await until(() => visibleText(page), (text) => text.includes('is loaded and ready'), 'the second model', 60_000);
    await until(() => storedRows(page), (rows) => rows.length === 1 && rows[0] === secondModel, 'the second model listed');

    // Listed as stored means a load reads it from this device: no new download.
    const before: string[] = await page.evaluate(async (hub) => (await fetch(`${hub}__log`)).json(), inject('crossOriginHubUrl'));
    await page.reload();
    await waitForElement(page, 'aperto-model-card[highlighted]');
    await clickButton(page, /^Load synthetic/);
    await until(() => visibleText(page), (text) => text.includes('is loaded and ready'), 'the model from this device');
    const after: string[] = await page.evaluate(async (hub) => (await fetch(`${hub}__log`)).json(), inject('crossOriginHubUrl'));
    expect(after.filter((l) => l.startsWith('GET /hub/gguf/')).length).toBe(before.filter((l) => l.startsWith('GET /hub/gguf/')).length);
  });
});
