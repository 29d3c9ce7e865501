/**
 * Text → captions for real, with no GPU: the production build falls back to the CPU engine, loads
 * the synthetic GGUF model from the local hub, and translates typed text into the glasses view.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { acceptLinkedModel, modelReady } from './app-flows.js';
import { clickButton, launchChromium, recordPageErrors, until, waitForElement } from './browser.js';

const appUrl = inject('appUrl');
const modelUrl = `${appUrl}hub/gguf/synthetic.gguf`;

describe('translating typed text with a CPU model, without a GPU', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
  });
  afterAll(() => browser?.close());

  it('shows the translation as captions in the HUD, with latency figures', async () => {
    const errors = recordPageErrors(page);
    await page.goto(`${appUrl}?model=${encodeURIComponent(modelUrl)}#/models`);
    await acceptLinkedModel(page);
    await clickButton(page, /^Load synthetic/);
    await modelReady(page);

    await page.click('pierce/a[href="#/translate"]');
    await waitForElement(page, 'textarea[aria-label="Text to translate"]');
    await page.click('pierce/input[role="switch"]');
    await page.click('pierce/textarea[aria-label="Text to translate"]');
    await page.keyboard.type('Good morning, everyone.');
    await page.keyboard.press('Enter');

    const caption = await until(
      () => page.$$eval('pierce/[part="caption"]', (lines) => lines.map((l) => l.textContent?.trim() ?? '')),
      (lines) => lines.length === 1 && lines[0].length > 0,
      'a caption',
    );
    const complete = await until(
      () => page.$eval('pierce/[data-figure="complete"]', (cell) => cell.textContent ?? ''),
      (text) => /\d+ ms/.test(text),
      'the complete-translation figure',
    );

    expect(caption[0].length).toBeGreaterThan(0);
    expect(await page.$eval('pierce/.line-source', (el) => el.textContent?.trim())).toBe('Good morning, everyone.');
    expect(await page.$eval('pierce/[data-figure="first-token"]', (cell) => cell.textContent)).toMatch(/\d+ ms/);
    expect(complete).toMatch(/\d+ ms/);
    expect(errors).toEqual([]);
  });
});
