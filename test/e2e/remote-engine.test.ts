/**
 * The remote engine against a real OpenAI-compatible server: llama-cpp-python's server (built by
 * `npm run fetch-test-server`) serving SmolLM2-135M-Instruct on 127.0.0.1, driven through the built
 * app in headless Chromium. No stand-in: the server generates. The site allows the server the way a
 * site owner does (remote-servers.json beside the pages, its origin in connect-src), and the link
 * only says `engine=remote`.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kioskSiteFile } from '../../src/app/kiosk-site.js';
import { siteServersFile } from '../../src/engine/remote/site-servers.js';
import { SERVED_MODEL_ID, startLlamaServer, type LlamaServer } from '../support/llama-server.mjs';
import {
  askAndWait,
  chatOnce,
  modelReady,
  pressStopOnceReplyShows,
  replyState,
  sendMessage,
  setChatNumber,
  setSystemPrompt,
  setTemperature,
  translateOnce,
} from './app-flows.js';
import { launchChromium, until, visibleText, waitForElement } from './browser.js';
import { serveBuiltApp, type ServedApp } from './serve-built-app.js';

/** The app, served from a copy of the build whose site allows `servers`. */
async function siteAllowing(servers: LlamaServer[]): Promise<{ site: ServedApp; done: () => Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), 'aperto-remote-site-'));
  cpSync(inject('appOutDir'), folder, { recursive: true });
  writeFileSync(join(folder, 'remote-servers.json'), siteServersFile(servers.map((s) => s.baseUrl)));
  const site = await serveBuiltApp(folder, { connectSrc: servers.map((s) => s.origin) });
  return {
    site,
    async done() {
      await site.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Open Models with the remote engine, connect to `baseUrl` with `key`, and return what the page says. */
async function connect(page: Page, siteUrl: string, baseUrl: string, key = ''): Promise<void> {
  await page.goto(`${siteUrl}?engine=remote#/models`);
  const address = await waitForElement(page, 'input[name="address"]');
  await address.click({ clickCount: 3 });
  await page.keyboard.type(baseUrl);
  if (key) {
    await page.click('pierce/input[name="key"]');
    await page.keyboard.type(key);
  }
  await page.click('pierce/form[part="form"] button[type="submit"]');
}

const card = (page: Page) => waitForElement(page, `aperto-model-card[data-model-id="${SERVED_MODEL_ID}"]`);

async function loadServedModel(page: Page): Promise<void> {
  await (await (await card(page)).$('pierce/button.primary'))!.click();
  await modelReady(page);
}

describe('the remote engine with a real OpenAI-compatible server', () => {
  let server: LlamaServer;
  let site: Awaited<ReturnType<typeof siteAllowing>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startLlamaServer();
    site = await siteAllowing([server]);
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.done();
    await server?.stop();
  });

  it('lists the server’s models and says, once one is loaded, that what you type is sent there', async () => {
    await connect(page, site.site.url, server.baseUrl);
    await card(page);
    expect(await visibleText(page)).toContain(`1 model on ${server.baseUrl}.`);

    await loadServedModel(page);

    const host = new URL(server.baseUrl).host;
    const sentence = `Runs on ${host} — what you type is sent there.`;
    expect(await page.$eval('pierce/[data-field="leaves"]', (el) => el.textContent)).toBe(sentence);
    await page.click('pierce/a[href="#/chat"]');
    await waitForElement(page, 'textarea[aria-label="Message"]');
    // Beside the message box, as well as in the status strip.
    const notices = await page.$$eval('pierce/aperto-remote-notice', (all) => all.map((n) => n.shadowRoot?.textContent?.trim() ?? ''));
    expect(notices).toContain(sentence);
  });

  it('streams the server’s answer into the chat, with speed figures', async () => {
    await setTemperature(page, '0');
    // SmolLM2's own system prompt (the one its chat template uses when none is given).
    await setSystemPrompt(page, 'You are a helpful AI assistant named SmolLM, trained by Hugging Face');
    const reply = await chatOnce(page, 'What is the capital of France?');

    expect(reply).toMatch(/Paris/);
    const state = await until(() => replyState(page), (s) => s.figures !== '', 'the speed figures');
    expect(state.figures).toMatch(/tok\/s/);
  });

  it('stops a reply on Stop, keeping what was written, and the next reply still comes', async () => {
    await setChatNumber(page, 'maxTokens', '400');
    await sendMessage(page, 'Write a long story about a lighthouse keeper and the sea.');
    const shown = await pressStopOnceReplyShows(page, 20);
    const state = await until(() => replyState(page), (s) => !s.streaming, 'the reply to end');

    expect(shown).toBeGreaterThanOrEqual(20);
    expect(state.stopped).toBe(true);
    // The server let go of the stopped request: the next one is answered in full.
    const next = await askAndWait(page, 'Say hello.');
    expect(next.reply.trim().length).toBeGreaterThan(0);
    expect(next.stopped).toBe(false);
  });

  it('translates typed text on the server', async () => {
    await page.click('pierce/a[href="#/translate"]');
    await waitForElement(page, 'select[aria-label="From"]');
    await page.select('pierce/select[aria-label="From"]', 'en');
    await page.select('pierce/select[aria-label="To"]', 'fr');
    const caption = await translateOnce(page, 'Good morning, my friend.');

    expect(caption.trim().length).toBeGreaterThan(0);
    expect(caption).not.toBe('Good morning, my friend.');
  });

  it('works embedded: <aperto-chat engine="remote" server=… model=… autoload> on another site chats through the server', async () => {
    const html = `<!doctype html><meta charset="utf-8"><title>Embed</title>
      <script type="module" src="${inject('libUrl')}aperto.js"></script>
      <aperto-chat engine="remote" server="${server.baseUrl}" model="${SERVED_MODEL_ID}" autoload temperature="0"></aperto-chat>`;
    const host = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(html);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const embedding = await browser.newPage();
    try {
      await embedding.goto(`http://127.0.0.1:${(host.address() as AddressInfo).port}/`);
      await until(() => visibleText(embedding), (t) => t.includes('what you type is sent there'), 'the remote notice');
      await waitForElement(embedding, 'textarea[aria-label="Message"]');
      await until(() => embedding.$eval('pierce/textarea[aria-label="Message"]', (t) => !(t as HTMLTextAreaElement).disabled), (ok) => ok, 'the model to be ready');
      const { reply } = await askAndWait(embedding, 'Say hello.');
      expect(reply.trim().length).toBeGreaterThan(0);
      expect(await visibleText(embedding)).toContain(`Runs on ${new URL(server.baseUrl).host} — what you type is sent there.`);
    } finally {
      await embedding.close();
      host.close();
    }
  });

  it('runs a kiosk on the owner’s server (kiosk.json), starting its model by itself', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'aperto-remote-kiosk-'));
    cpSync(inject('appOutDir'), folder, { recursive: true });
    writeFileSync(join(folder, 'kiosk.json'), await kioskSiteFile({ models: [SERVED_MODEL_ID], server: server.baseUrl }));
    const kioskSite = await serveBuiltApp(folder, { connectSrc: [server.origin] });
    const kiosk = await browser.newPage();
    try {
      // The link names no server (it could not): the owner's file does.
      await kiosk.goto(`${kioskSite.url}kiosk.html?idle=0`);
      await until(() => kiosk.$eval('aperto-kiosk', (k) => k.getAttribute('status')).catch(() => null), (s) => s === 'ready', 'the kiosk’s model to be ready');
      expect(await visibleText(kiosk)).toContain(`Runs on ${new URL(server.baseUrl).host} — what you type is sent there.`);
      const { reply } = await askAndWait(kiosk, 'Say hello.');
      expect(reply.trim().length).toBeGreaterThan(0);
    } finally {
      await kiosk.close();
      await kioskSite.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('keeps the part of a reply that arrived when the server dies mid-reply, and says the connection broke', async () => {
    await page.click('pierce/a[href="#/chat"]');
    await waitForElement(page, 'textarea[aria-label="Message"]');
    await sendMessage(page, 'Write a long story about a lighthouse keeper and the sea.');
    await until(() => page.$$eval('pierce/aperto-chat-message', (m) => m.at(-1)?.shadowRoot?.querySelector('.md')?.textContent?.length ?? 0), (n) => n >= 20, 'part of the reply');
    server.kill();

    const error = await until(
      () => page.$$eval('pierce/aperto-chat-message', (m) => m.at(-1)?.shadowRoot?.querySelector('[data-state="error"]')?.textContent ?? ''),
      (text) => text !== '',
      'the reply’s error',
    );
    const kept = await page.$$eval('pierce/aperto-chat-message', (m) => m.at(-1)?.shadowRoot?.querySelector('.md')?.textContent ?? '');
    expect(error).toContain(`The connection to ${new URL(server.baseUrl).host} broke off in the middle of the reply; what arrived is kept.`);
    expect(kept.length).toBeGreaterThanOrEqual(20);
  });
});

describe('the remote engine refused', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
  });
  afterAll(() => browser?.close());

  it('says the key was refused, for a server started with an API key', async () => {
    const keyed = await startLlamaServer({ apiKey: 'the-right-key' });
    const site = await siteAllowing([keyed]);
    try {
      await connect(page, site.site.url, keyed.baseUrl, 'a-wrong-key');
      const text = await until(() => visibleText(page), (t) => t.includes('refused the API key'), 'the refusal');
      expect(text).toContain(`${new URL(keyed.baseUrl).host} refused the API key (HTTP 401).`);

      // The right key lists its model, and the key is not kept (the box was not ticked).
      await connect(page, site.site.url, keyed.baseUrl, 'the-right-key');
      await card(page);
      const saved = await page.evaluate(
        () =>
          new Promise<unknown>((resolve) => {
            const open = indexedDB.open('aperto-settings');
            open.onsuccess = () => {
              const get = open.result.transaction('settings').objectStore('settings').get('remote-server');
              get.onsuccess = () => resolve(get.result);
            };
          }),
      );
      expect(saved).toEqual({ baseUrl: keyed.baseUrl });
    } finally {
      await site.done();
      await keyed.stop();
    }
  });

  // On the app's cross-origin isolated page the browser reports a server that refuses the page's
  // origin exactly as one that is not there (see remote-errors.ts): the sentence names both causes.
  it('says the server may not allow this page (CORS), for a server that refuses its origin', async () => {
    const strict = await startLlamaServer({ corsOrigins: ['http://somewhere-else.example'] });
    const site = await siteAllowing([strict]);
    try {
      await connect(page, site.site.url, strict.baseUrl);
      const text = await until(() => visibleText(page), (t) => t.includes('CORS'), 'the CORS sentence');
      const origin = new URL(site.site.url).origin;
      expect(text).toContain(`or the server does not allow this page (${origin}) to read its answers (CORS).`);
      expect(text).toContain(`its CORS settings allow ${origin}`);
    } finally {
      await site.done();
      await strict.stop();
    }
  });

  it('says nothing answered at an address where no server runs, and refuses one the site does not allow', async () => {
    const gone = await startLlamaServer();
    const site = await siteAllowing([gone]);
    await gone.stop();
    try {
      await connect(page, site.site.url, gone.baseUrl);
      const text = await until(() => visibleText(page), (t) => t.includes('Could not reach'), 'the sentence');
      expect(text).toContain(`Could not reach ${new URL(gone.baseUrl).host}: nothing answers there`);

      await connect(page, site.site.url, 'http://127.0.0.1:9/v1');
      const refused = await until(() => visibleText(page), (t) => t.includes('does not let the app talk to'), 'the refusal');
      expect(refused).toContain('This site does not let the app talk to 127.0.0.1:9.');
    } finally {
      await site.done();
    }
  });
});
