/**
 * Typed English → French, Italian and Spanish through the app's translator, with a real model
 * (SmolLM2-135M-Instruct on the CPU engine, production build, no GPU). A 135M model translates
 * poorly, and this test does not pretend otherwise: it asserts what the caption must be whatever the
 * quality — only the translation (no "Sure, here is…", no label, no quotes, no template tokens), one
 * sentence ending where the sentence ends (this model goes on with notes about its grammar after a
 * blank line, which the caption leaves out), and real timings in the figures strip.
 * How good the translations are is measured by `npm run bench` (chrF), not asserted.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_MODEL_HUB_FILE, TEMPLATE_TOKENS } from '../support/test-model.mjs';
import { loadLinkedCard } from './app-flows.js';
import { launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';

const appUrl = inject('appUrl');
const modelUrl = `${inject('crossOriginHubUrl')}gguf/${TEST_MODEL_HUB_FILE}`;
const SOURCE = 'The cat is on the table.';
/** What a caption that is only the translation never starts with. */
const CHATTER = /^(?:sure|certainly|of course|here(?:'s| is)|the translation|translation|traduction|traducción|traduzione|french|italian|spanish)\b/i;

async function captions(page: Page): Promise<string[]> {
  return page.$$eval('pierce/[part="caption"]', (lines) => lines.map((line) => line.textContent ?? ''));
}

describe('translating typed text with a real model (SmolLM2-135M-Instruct)', { timeout: 300_000 }, () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    errors = recordPageErrors(page);
    await page.goto(`${appUrl}?model=${encodeURIComponent(modelUrl)}#/models`);
    await loadLinkedCard(page, 120_000);
    await page.click('pierce/a[href="#/translate"]');
    await waitForElement(page, 'textarea[aria-label="Text to translate"]');
    await page.select('pierce/select[aria-label="From"]', 'en');
    // The glasses view (HUD), where captions are.
    const hud = await waitForElement(page, 'input[role="switch"]');
    if (!(await hud.evaluate((el) => (el as HTMLInputElement).checked))) await hud.click();
  }, 180_000);
  afterAll(() => browser?.close());

  for (const [to, language] of [
    ['fr', 'French'],
    ['it', 'Italian'],
    ['es', 'Spanish'],
  ] as const) {
    it(`English → ${language}: the caption is one sentence of translation, with real timings`, async () => {
      await page.select('pierce/select[aria-label="To"]', to);
      const before = (await captions(page)).length;
      const field = await waitForElement(page, 'textarea[aria-label="Text to translate"]');
      await field.click({ clickCount: 3 });
      await page.keyboard.type(SOURCE);
      await page.keyboard.press('Enter');

      // The figures row of this utterance is complete once its translation is.
      const rows = await until(
        () => page.$$eval('pierce/[data-figure="complete"]', (cells) => cells.map((cell) => cell.textContent ?? '')),
        (cells) => cells.length > before && /\d+ ms/.test(cells.at(-1)!),
        'the complete-translation figure',
        180_000,
      );
      const caption = (await captions(page)).at(-1)!.trim();
      const firstToken = await page.$$eval('pierce/[data-figure="first-token"]', (cells) => cells.at(-1)?.textContent ?? '');

      expect(caption.length).toBeGreaterThan(3);
      expect(caption).not.toBe(SOURCE);
      expect(caption).not.toMatch(CHATTER);
      expect(caption).not.toMatch(/^["“«'‘]|["”»'’]$/);
      expect(caption).not.toContain('\n');
      expect(caption).toMatch(/[.!?]$/);
      expect(TEMPLATE_TOKENS.filter((token) => caption.includes(token))).toEqual([]);
      const ms = (text: string) => Number(/([\d,]+) ms/.exec(text)?.[1].replace(/,/g, ''));
      expect(ms(firstToken)).toBeGreaterThan(0);
      expect(ms(rows.at(-1)!)).toBeGreaterThanOrEqual(ms(firstToken));
    });
  }

  it('translates a question into French instead of answering it', async () => {
    const question = 'What is the capital of France?';
    await page.select('pierce/select[aria-label="To"]', 'fr');
    const before = (await captions(page)).length;
    const field = await waitForElement(page, 'textarea[aria-label="Text to translate"]');
    await field.click({ clickCount: 3 });
    await page.keyboard.type(question);
    await page.keyboard.press('Enter');

    await until(
      () => page.$$eval('pierce/[data-figure="complete"]', (cells) => cells.map((cell) => cell.textContent ?? '')),
      (cells) => cells.length > before && /\d+ ms/.test(cells.at(-1)!),
      'the complete-translation figure',
      180_000,
    );
    const caption = (await captions(page)).at(-1)!.trim();

    // An answer would name Paris ("The capital of France is Paris."); a translation, however poor, does not.
    expect(caption.length).toBeGreaterThan(3);
    expect(caption).not.toBe(question);
    expect(caption).not.toMatch(/Paris|^The\b|\bis\b/);
    expect(caption).not.toContain('\n');
  });

  it('left nothing the model added after the translation on screen', async () => {
    expect(await visibleText(page)).not.toMatch(/In (French|Italian|Spanish),/);
    expect(errors).toEqual([]);
  });
});
