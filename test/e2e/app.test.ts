/** The built app, served like production, in headless Chromium. */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, recordPageErrors, visibleText } from './browser.js';

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
    await page.waitForSelector('pierce/aperto-model-card');
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
    await page.waitForSelector('pierce/[data-field="webgpu"]');

    await page.reload();
    await page.waitForSelector('pierce/[data-field="webgpu"]');

    const current = await page.$eval('pierce/a[aria-current="page"]', (a) => a.textContent);
    expect(current).toBe('Device');
    expect(await page.$eval('pierce/[data-field="shader-f16"]', (el) => el.textContent)).toBe('no');
  });

  it('shows engine, model and state in the status strip', async () => {
    const page = await browser.newPage();
    await page.goto(appUrl);
    await page.waitForSelector('pierce/[data-field="state"]');

    const strip = await page.$eval('pierce/[aria-label="Engine status"]', (el) => el.textContent!.replace(/\s+/g, ' '));
    expect(strip).toContain('Engine: WebGPU');
    expect(strip).toContain('no model loaded');
  });
});

describe('the app on a browser without WebGPU', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
  });
  afterAll(() => browser?.close());

  it('explains that models cannot run here and what to do, while navigation still works', async () => {
    const page = await browser.newPage();
    const errors = recordPageErrors(page);

    await page.goto(appUrl);
    await page.waitForSelector('pierce/aperto-no-webgpu');
    const text = await visibleText(page);

    expect(text).toContain('Models cannot run in this browser');
    expect(text).toMatch(/Chrome or Edge 113/);
    await page.click('pierce/a[href="#/device"]');
    await page.waitForSelector('pierce/[data-field="webgpu"]');
    expect(await page.$eval('pierce/[data-field="webgpu"]', (el) => el.textContent)).toMatch(/^not available/);
    expect(errors).toEqual([]);
  });
});
