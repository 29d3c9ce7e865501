/**
 * The kiosk page of the production build, on the CPU engine with the synthetic model: a link never
 * starts a download by itself (the "Download … and start the kiosk" press), a stored model starts
 * by itself, a model that does not fit is refused, URL parameters checked on screen, a killed
 * model worker recovered without a human, the idle reset clearing the screen for the next visitor
 * (also when storage fails), links in replies leading nowhere, and the way out only with the site
 * owner's PIN (kiosk.json, served by a second server from a copy of the build).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kioskSiteFile } from '../../src/app/kiosk-site.js';
import { lastReplyText, messageCount, replyStreaming, sendMessage } from './app-flows.js';
import { clickButton, launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';
import { serveBuiltApp, type ServedApp } from './serve-built-app.js';

const appUrl = inject('appUrl');
const hubUrl = inject('crossOriginHubUrl');
const modelUrl = `${hubUrl}gguf/synthetic.gguf`;
const kioskUrl = (query: string) => `${appUrl}kiosk.html?${query}`;
const PRESS_SYNTHETIC = /^Download synthetic \(size unknown\) and start the kiosk$/;
const SETTINGS = '[role="dialog"][aria-label="Kiosk settings"]';
const PIN_DIALOG = '[role="dialog"][aria-label="Kiosk PIN"]';

function kioskStatus(page: Page): Promise<string | null> {
  return page.$eval('aperto-kiosk', (kiosk) => kiosk.getAttribute('status')).catch(() => null);
}

/** The kiosk says it is ready (its `status` attribute) once the model has loaded. */
async function readyToChat(page: Page): Promise<void> {
  await waitForElement(page, 'textarea[aria-label="Message"]');
  await until(() => kioskStatus(page), (status) => status === 'ready', 'the kiosk model to be ready', 90_000);
}

/** Send, then wait for the reply to finish. */
async function ask(page: Page, text: string): Promise<string> {
  const before = await messageCount(page);
  await sendMessage(page, text);
  await until(() => messageCount(page), (n) => n === before + 2, 'the question and a reply on screen');
  await until(() => replyStreaming(page), (busy) => !busy, 'the reply to finish', 60_000);
  return lastReplyText(page);
}

/** Requests the stand-in hub received since its last reset (`GET /hub/…`). */
async function hubLog(): Promise<string[]> {
  return (await fetch(`${hubUrl}__log`)).json() as Promise<string[]>;
}

async function resetHubLog(): Promise<void> {
  await fetch(`${hubUrl}__reset`);
}

/** Hold Escape for the 3 s that open the hidden settings. */
async function holdEscape(page: Page, dialog: string): Promise<void> {
  await page.keyboard.down('Escape');
  await waitForElement(page, dialog, 6000);
  await page.keyboard.up('Escape');
}

/** The names of every button on the page, through shadow roots. */
function buttonNames(page: Page): Promise<string[]> {
  return page.$$eval('pierce/button', (buttons) => buttons.map((b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** Every button's name and every link in the kiosk's settings dialog. */
function dialogControls(page: Page): Promise<{ buttons: string[]; links: number; text: string }> {
  return page.$eval(`pierce/${SETTINGS}`, (dialog) => ({
    buttons: [...dialog.querySelectorAll('button')].map((b) => b.textContent?.trim() ?? ''),
    links: dialog.querySelectorAll('a').length,
    text: dialog.textContent?.replace(/\s+/g, ' ') ?? '',
  }));
}

describe('kiosk', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
    errors = recordPageErrors(page);
    // Count the kiosk's requests for a screen wake lock (headless Chromium may refuse them).
    await page.evaluateOnNewDocument(() => {
      const state = window as unknown as { __wakeLocks: number };
      state.__wakeLocks = 0;
      const lock = navigator.wakeLock;
      if (!lock) return;
      const request = lock.request.bind(lock);
      lock.request = (type) => {
        state.__wakeLocks++;
        return request(type);
      };
    });
  });
  afterAll(() => browser?.close());

  const wakeLocks = () => page.evaluate(() => (window as unknown as { __wakeLocks: number }).__wakeLocks);

  it('asks before downloading a catalog model that a link names, with its size, and requests nothing meanwhile', async () => {
    const elsewhere: string[] = [];
    const record = (request: { url(): string }) => {
      if (!request.url().startsWith(appUrl)) elsewhere.push(request.url());
    };
    page.on('request', record);
    try {
      await page.goto(kioskUrl('engine=cpu&model=SmolLM2-135M-Instruct-Q4_1-GGUF'));
      const names = await until(() => buttonNames(page), (all) => all.some((name) => name.endsWith('and start the kiosk')), 'the press');
      expect(names.filter((name) => name.endsWith('and start the kiosk'))).toEqual([expect.stringMatching(/^Download SmolLM2 135M Instruct \(\d+ MB\) and start the kiosk$/)]);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await kioskStatus(page)).toBe('waiting');
      expect(elsewhere, 'no request to any other host').toEqual([]);
      expect(await wakeLocks(), 'no wake lock before the press').toBe(0);
    } finally {
      page.off('request', record);
    }
  });

  it('downloads a model URL (size unknown) only after the press, then starts', async () => {
    await resetHubLog();
    await page.goto(kioskUrl(`engine=cpu&idle=0&model=${encodeURIComponent(modelUrl)}`));
    await waitForElement(page, 'aperto-kiosk');
    await until(() => visibleText(page), (text) => text.includes('Download synthetic (size unknown) and start the kiosk'), 'the press');
    expect(await visibleText(page)).toContain('its size is unknown until the download starts');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await hubLog(), 'nothing asked of the hub before the press').toEqual([]);

    await clickButton(page, PRESS_SYNTHETIC);
    await readyToChat(page);
    expect(await hubLog()).toContain('GET /hub/gguf/synthetic.gguf');
    expect(await wakeLocks(), 'the wake lock once started').toBeGreaterThan(0);
  });

  it('starts a model stored on this device by itself', async () => {
    await page.goto(kioskUrl(`engine=cpu&idle=0&model=${encodeURIComponent(modelUrl)}`));
    await readyToChat(page);
    expect(await visibleText(page)).not.toContain('and start the kiosk');
  });

  it('names each bad URL parameter on screen, with what is allowed, and still starts', async () => {
    const bad: Array<[string, string, RegExp]> = [
      ['empty', 'mode=&engine=&to=&idle=', /“mode” parameter is empty.*“engine” parameter is empty.*“to” parameter is empty.*“idle” parameter is empty/],
      ['unknown', 'mode=dance&engine=tpu&to=xx&hud=maybe', /“mode”.*“dance”.*Allowed: chat, translate.*“engine”.*“tpu”.*Allowed: auto, webgpu, cpu, remote.*“to”.*“xx”.*“hud”.*“maybe”/],
      ['out of range', 'idle=3&from=zz', /“from”.*“zz”.*“idle”.*Allowed: 0 \(off\) or 5 to 86400 s/],
      ['very long', `mode=${'long'.repeat(2000)}`, /“mode” parameter is “(long){10}…”/],
      [
        'script-like',
        `mode=${encodeURIComponent('<img src=x onerror="window.__pwned=1">')}&to=${encodeURIComponent('"><script>window.__pwned=1</script>')}`,
        /“mode”.*<img src=x onerror="window.__pwned=1">.*“to”/,
      ],
      ['a PIN in the link', 'pin=1234', /parameter “pin” that the kiosk does not know/],
    ];
    for (const [kind, query, message] of bad) {
      await page.goto(kioskUrl(`${query}&model=${encodeURIComponent(modelUrl)}`));
      await waitForElement(page, 'aperto-kiosk');
      await waitForElement(page, 'textarea[aria-label="Message"]');
      const text = await visibleText(page);
      expect(text, kind).toMatch(message);
      expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned), kind).toBeUndefined();
    }
    expect(errors).toEqual([]);
  });

  it('?kiosk on the app opens the kiosk with the same parameters', async () => {
    await page.goto(`${appUrl}?kiosk&mode=dance&model=${encodeURIComponent(modelUrl)}`);
    await waitForElement(page, 'aperto-kiosk');
    expect(await visibleText(page)).toContain('“mode” parameter is “dance”');
    await readyToChat(page);
  });

  it('keeps its settings hidden until Escape is held for 3 s; without a PIN they offer no way out and no delete', async () => {
    await page.goto(kioskUrl(`engine=cpu&idle=0&model=${encodeURIComponent(modelUrl)}`));
    await readyToChat(page);
    expect(await page.$(`pierce/${SETTINGS}`)).toBeNull();

    await page.keyboard.down('Escape');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await page.keyboard.up('Escape');
    expect(await page.$(`pierce/${SETTINGS}`), 'a short press does nothing').toBeNull();

    await holdEscape(page, SETTINGS);
    const { buttons, links, text } = await dialogControls(page);
    expect(buttons).toEqual(['Reload model', 'Start over now', 'Close']);
    expect(links).toBe(0);
    expect(text).toContain('There is no way out of this kiosk: the site owner has set no kiosk PIN');
    expect(await page.$('pierce/button[aria-label*="Delete" i]')).toBeNull();
  });

  it('recovers by itself when the model worker is killed, keeps the draft, and answers the next message', async () => {
    await page.goto(kioskUrl(`engine=cpu&idle=0&model=${encodeURIComponent(modelUrl)}`));
    await readyToChat(page);
    expect((await ask(page, 'Hello')).length).toBeGreaterThan(0);

    await page.click('pierce/textarea[aria-label="Message"]');
    await page.keyboard.type('half-typed question');
    // wllama runs llama.cpp in a worker started from a blob: URL; stop it dead, as a crash would.
    const workers = page.workers().filter((w) => w.url().startsWith('blob:'));
    expect(workers.length).toBeGreaterThan(0);
    await Promise.all(workers.map((w) => w.evaluate(() => self.close()).catch(() => undefined)));

    await until(() => kioskStatus(page), (status) => status === 'recovering', 'the kiosk to notice and start recovering', 30_000);
    expect(await visibleText(page)).toMatch(/Recovering: the model stopped working, reloading it \(attempt 1 of 5/);
    await readyToChat(page);
    expect(await page.$eval('pierce/textarea[aria-label="Message"]', (t) => (t as HTMLTextAreaElement).value)).toBe('half-typed question');

    const before = await messageCount(page);
    await page.keyboard.press('Enter');
    await until(() => messageCount(page), (n) => n === before + 2, 'the question and a reply');
    await until(() => replyStreaming(page), (busy) => !busy, 'the reply after recovery', 60_000);
    expect((await lastReplyText(page)).length).toBeGreaterThan(0);
    expect(await visibleText(page)).not.toMatch(/stopped answering|could not be reloaded/);
  });

  it('clears the screen for the next visitor after the idle time', async () => {
    await page.goto(kioskUrl(`engine=cpu&idle=5&model=${encodeURIComponent(modelUrl)}`));
    await readyToChat(page);
    await ask(page, 'Hi');
    const finishedAt = Date.now();

    await until(() => messageCount(page), (n) => n === 0, 'the idle reset', 30_000);
    expect(Date.now() - finishedAt).toBeGreaterThan(3000);
    expect(await visibleText(page)).toContain('Ask anything');

    // The next visitor does not get the conversation back by reloading either.
    await page.reload();
    await readyToChat(page);
    expect(await messageCount(page)).toBe(0);
  });

  it('clears the screen after the idle time even when storage fails, and again after the next quiet spell', async () => {
    await page.goto(kioskUrl(`engine=cpu&idle=5&model=${encodeURIComponent(modelUrl)}`));
    await readyToChat(page);
    await ask(page, 'my private question');
    // From now on every IndexedDB request of the page fails, as with a broken or vanished disk.
    await page.evaluate(() => {
      IDBDatabase.prototype.transaction = function () {
        throw new DOMException('The disk went away (test)', 'UnknownError');
      };
    });

    await until(() => messageCount(page), (n) => n === 0, 'the first idle reset', 30_000);
    expect(await visibleText(page)).not.toContain('my private question');

    // A second question sent without any input event (no key, no pointer): only the timer armed
    // again by the reset itself can clear it.
    await page.evaluate(async () => {
      const chat = document.querySelector('aperto-kiosk')!.shadowRoot!.querySelector('aperto-chat')!;
      chat.draft = 'another private question';
      await chat.updateComplete;
      const send = [...chat.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Send')!;
      send.click();
    });
    await until(() => messageCount(page), (n) => n === 2, 'the second question on screen');
    await until(() => messageCount(page), (n) => n === 0, 'the second idle reset', 30_000);
    expect(await visibleText(page)).not.toContain('another private question');
  });

  it('shows links in a reply as text that leads nowhere', async () => {
    await page.goto(kioskUrl(`engine=cpu&idle=0&model=${encodeURIComponent(modelUrl)}`));
    await readyToChat(page);
    await ask(page, 'Hello');
    // Leave the kiosk first (to a plain file of the same origin), so its last save on leaving cannot
    // write the conversation back over the edit below.
    await page.goto(`${appUrl}favicon.svg`);
    // The synthetic model writes no links, so its stored reply is given one, as a model might write.
    await page.evaluate(async () => {
      const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
      const db = await request(indexedDB.open('aperto-kiosk'));
      const store = () => db.transaction('conversations', 'readwrite').objectStore('conversations');
      const id = await request(store().get('open-conversation'));
      const conversation = await request(store().get(`conversation:${id}`));
      conversation.messages.at(-1).content = 'Go to [the prize page](https://evil.example/prize) now.';
      await request(store().put(conversation, `conversation:${id}`));
      db.close();
    });
    await page.goto(kioskUrl(`engine=cpu&idle=0&model=${encodeURIComponent(modelUrl)}`));
    await readyToChat(page);
    await until(() => visibleText(page), (text) => text.includes('Go to the prize page now.'), 'the reply with its link');

    const anchors = await page.$$eval('pierce/aperto-chat-message', (messages) => messages.flatMap((m) => [...m.shadowRoot!.querySelectorAll('a')].map((a) => a.href)));
    expect(anchors).toEqual([]);
    const targets = browser.targets().length;
    // The reply's formatted block replaces its plain-text stand-in in a later slice (format queue):
    // wait for the screen to settle on the one link before counting it.
    await until(async () => (await page.$$('pierce/.link-text')).length, (n) => n === 1, 'the one link, as text');
    const text = await page.$$('pierce/.link-text');
    expect(text).toHaveLength(1);
    await text[0].click();
    await text[0].click({ button: 'middle' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(browser.targets().length, 'no new tab').toBe(targets);
    expect(page.url()).toContain('/kiosk.html');
  });

  it('refuses a catalog model that does not fit this device, with the reason, and downloads nothing', async () => {
    const small = await browser.newPage();
    try {
      await small.evaluateOnNewDocument(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 0.25 }));
      await small.goto(kioskUrl('engine=cpu&model=Qwen3-0.6B-Q8_0-GGUF'));
      await until(() => small.$eval('aperto-kiosk', (k) => k.getAttribute('status')).catch(() => null), (s) => s === 'no-model', 'the refusal');
      const text = await visibleText(small);
      expect(text).toMatch(/The link’s model “Qwen3 0\.6B[^”]*” cannot run on this device\. Too large for this device: needs about [\d.]+ GB of memory, this device reports 0\.25 GB\./);
      expect(text).toContain('No model fits this device, so the kiosk cannot start.');
      expect(text).not.toContain('and start the kiosk');
    } finally {
      await small.close();
    }
  });

  describe('with the site owner’s kiosk.json', () => {
    let site: ServedApp;
    let folder: string;
    let owner: Page;
    const PIN = '482913';

    beforeAll(async () => {
      // The same build, served from a copy with the owner's file beside the pages.
      folder = mkdtempSync(join(tmpdir(), 'aperto-kiosk-site-'));
      cpSync(inject('appOutDir'), folder, { recursive: true });
      writeFileSync(join(folder, 'kiosk.json'), await kioskSiteFile({ models: ['SmolLM2-135M-Instruct-Q4_1-GGUF'], pin: PIN }));
      site = await serveBuiltApp(folder, { connectSrc: [new URL(hubUrl).origin] });
      owner = await browser.newPage();
    });
    afterAll(async () => {
      await owner?.close();
      await site?.close();
      rmSync(folder, { recursive: true, force: true });
    });

    it('starts the owner’s model by itself, and opens its settings only with the PIN, then offers the way out', async () => {
      await owner.goto(`${site.url}kiosk.html?engine=cpu&idle=0`);
      // The owner's catalog model has a known size: its download starts without a press (it fails
      // here, with no internet, which does not matter).
      await until(() => owner.$eval('aperto-kiosk', (k) => k.getAttribute('status')).catch(() => null), (s) => s === 'loading' || s === 'error', 'the owner’s model to start loading');
      expect(await visibleText(owner)).not.toContain('and start the kiosk');

      await holdEscape(owner, PIN_DIALOG);
      expect(await owner.$(`pierce/${SETTINGS}`), 'no settings before the PIN').toBeNull();
      await owner.type('pierce/input[aria-label="Kiosk PIN"]', '111111');
      await owner.keyboard.press('Enter');
      await until(() => visibleText(owner), (text) => text.includes('That is not the kiosk PIN.'), 'the wrong PIN refused', 15_000);
      expect(await owner.$(`pierce/${SETTINGS}`)).toBeNull();

      await owner.type('pierce/input[aria-label="Kiosk PIN"]', PIN);
      await owner.keyboard.press('Enter');
      await waitForElement(owner, SETTINGS, 15_000);
      const { buttons } = await owner.$eval(`pierce/${SETTINGS}`, (dialog) => ({ buttons: [...dialog.querySelectorAll('button')].map((b) => b.textContent?.trim() ?? '') }));
      expect(buttons).toContain('Exit kiosk (open the app)');

      await clickButton(owner, 'Exit kiosk (open the app)');
      await until(async () => owner.url(), (url) => url === site.url, 'the app');
    });
  });
});
