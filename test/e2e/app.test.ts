/** The built app, served like production, in headless Chromium. */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, recordPageErrors, visibleText, waitForElement } from './browser.js';

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

    expect(await visibleText(page)).toContain('engine “quantum”, which does not exist. Allowed: auto, webgpu, cpu');
  });
});
