/**
 * A layout that fits a phone (360×740) and a laptop (1280×800): in Chat the message box and Send are
 * in view without scrolling, in Translate the text box and the captions; and no view is ever wider
 * than the window, even after a long unbroken reply ("WWWW…", a long URL) and a long unbroken
 * caption. The production build in Chromium; the reply comes in through the chat's own Import JSON.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';

const appUrl = inject('appUrl');

const LONG_WORD = 'W'.repeat(3000);
const LONG_URL = `https://example.org/${'a'.repeat(600)}`;

/** A conversation whose first message (so its title) and reply are long unbroken words. */
function longConversationFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'aperto-layout-')), 'long.json');
  writeFileSync(
    file,
    JSON.stringify({
      messages: [
        { role: 'user', content: `Say ${'W'.repeat(300)}` },
        { role: 'assistant', content: `${LONG_WORD}\n\n${LONG_URL}\n\n\`${'x'.repeat(500)}\`` },
      ],
    }),
  );
  return file;
}

/** How far the page reaches: wider than the window means sideways scrolling. */
function pageWidth(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth }));
}

/** Where an element is on screen, with the page scrolled to its top. */
async function placeOf(element: ElementHandle): Promise<{ top: number; bottom: number; left: number; right: number; inView: boolean }> {
  return element.evaluate((el) => {
    const box = el.getBoundingClientRect();
    return {
      top: Math.round(box.top),
      bottom: Math.round(box.bottom),
      left: Math.round(box.left),
      right: Math.round(box.right),
      inView: scrollY === 0 && box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth && box.height > 0,
    };
  });
}

async function showView(page: Page, view: string, ready: string): Promise<ElementHandle> {
  await page.click(`pierce/a[href="#/${view}"]`);
  const element = await waitForElement(page, ready);
  await page.evaluate(() => scrollTo(0, 0));
  return element;
}

describe.each([
  { name: 'a phone', width: 360, height: 740 },
  { name: 'a laptop', width: 1280, height: 800 },
])('the layout on $name ($width×$height)', ({ width, height }) => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
    errors = recordPageErrors(page);
    await page.setViewport({ width, height });
    await page.goto(`${appUrl}#/chat`);
    // The engine is chosen and the chat says what to do: the page as a first visitor sees it.
    await waitForElement(page, 'textarea[aria-label="Message"]');
    await until(() => visibleText(page), (text) => text.includes('No model is loaded yet'), 'the chat to know its engine');
  });
  afterAll(() => browser?.close());

  it('Chat: after a long unbroken reply, the message box and Send are in view and the page is no wider than the window', async () => {
    const picker = (await waitForElement(page, 'input[type="file"][aria-label="Conversation file to import"]')) as ElementHandle<HTMLInputElement>;
    await picker.uploadFile(longConversationFile());
    await until(() => visibleText(page), (text) => text.includes('Imported “Say WWW'), 'the import');
    await until(
      () => page.$$eval('pierce/aperto-chat-message', (messages) => messages.at(-1)?.shadowRoot?.textContent ?? ''),
      (text) => text.includes('WWWWWWWWWW'),
      'the long reply on screen',
    );
    await page.evaluate(() => scrollTo(0, 0));

    const box = await placeOf(await waitForElement(page, 'textarea[aria-label="Message"]'));
    const send = await placeOf(await waitForElement(page, 'form.composer button[type="submit"]'));
    expect(box.inView, `message box at ${JSON.stringify(box)}`).toBe(true);
    expect(send.inView, `Send at ${JSON.stringify(send)}`).toBe(true);
    const { scrollWidth, innerWidth } = await pageWidth(page);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });

  it('Translate: the text box and the captions are in view, and a long unbroken caption wraps', async () => {
    const field = await showView(page, 'translate', 'textarea[aria-label="Text to translate"]');
    expect((await placeOf(field)).inView, `text box at ${JSON.stringify(await placeOf(field))}`).toBe(true);

    await field.click();
    await page.keyboard.type('Good morning, everyone.');
    await page.keyboard.press('Enter');
    const caption = await waitForElement(page, 'ol.history li');
    expect((await placeOf(caption)).inView, `caption at ${JSON.stringify(await placeOf(caption))}`).toBe(true);

    await field.evaluate((el, text) => {
      (el as HTMLTextAreaElement).value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, 'W'.repeat(1500));
    await field.focus();
    await page.keyboard.press('Enter');
    await until(() => page.$$eval('pierce/ol.history li', (items) => items.length), (n) => n === 2, 'the second caption');
    let { scrollWidth, innerWidth } = await pageWidth(page);
    expect(scrollWidth, 'transcript').toBeLessThanOrEqual(innerWidth);

    // The glasses view (behind "Options" on a phone) shows the same captions, large.
    const options = await page.$('pierce/button[aria-expanded].narrow-only');
    if (options && (await options.evaluate((el) => el.checkVisibility()))) await options.click();
    await page.click('pierce/input[role="switch"]');
    await waitForElement(page, '.hud [part="caption"]');
    ({ scrollWidth, innerWidth } = await pageWidth(page));
    expect(scrollWidth, 'glasses view').toBeLessThanOrEqual(innerWidth);
  });

  it('Models and Device: no wider than the window either', async () => {
    await showView(page, 'models', 'aperto-model-card');
    expect((await pageWidth(page)).scrollWidth, 'Models').toBeLessThanOrEqual(width);
    await showView(page, 'device', '[data-field="webgpu"]');
    expect((await pageWidth(page)).scrollWidth, 'Device').toBeLessThanOrEqual(width);
    await showView(page, 'chat', 'textarea[aria-label="Message"]');
    expect((await pageWidth(page)).scrollWidth, 'Chat again').toBeLessThanOrEqual(width);
    expect(errors).toEqual([]);
  });

  // A laptop's header is one line at the top, kept in place while Models scrolls; a phone's must be short.
  it.skipIf(width > 640)('the header leaves the view most of the screen', async () => {
    const header = await placeOf(await waitForElement(page, 'header nav'));
    const bar = await page.$eval('pierce/aperto-app', (app) => Math.round(app.shadowRoot!.querySelector('header')!.getBoundingClientRect().height));
    expect(header.inView).toBe(true);
    expect(bar, 'header height').toBeLessThanOrEqual(Math.round(height * 0.12));
  });
});
