/**
 * Offline after one visit: the production build with its service worker, in Chromium without
 * WebGPU (the CPU engine). The first visit, online, loads the synthetic model from the hub and chats;
 * then the network goes away for the page, its workers and the service worker (checked), and the
 * server itself is shut down. A reload must still open the app, load the model from this device
 * (wllama keeps it in the Origin Private File System) and chat.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chatOnce, loadLinkedModel, pressLoad, serviceWorkerReady } from './app-flows.js';
import { launchChromium, recordPageErrors, until, visibleText } from './browser.js';
import { NetworkRecorder } from './network-recorder.js';
import { serveBuiltApp, type ServedApp } from './serve-built-app.js';

/** Cache Storage as the page sees it: every cached path, by cache. */
function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
}

/** In the page: fetch `url` from a new worker; says whether it got through. */
function fetchFromWorker(url: string): Promise<string> {
  return new Promise((resolve) => {
    const source = `fetch(${JSON.stringify(url)}).then(() => postMessage('online'), () => postMessage('offline'))`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    worker.onmessage = (event) => {
      worker.terminate();
      resolve(String(event.data));
    };
  });
}

describe('offline, after one visit', () => {
  // This test's own server, so it can be shut down: the origin is this server's.
  let app: ServedApp;
  let browser: Browser;
  let page: Page;
  let recorder: NetworkRecorder;
  let errors: string[];

  beforeAll(async () => {
    app = await serveBuiltApp(inject('appOutDir'));
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
    errors = recordPageErrors(page);
    recorder = await NetworkRecorder.attach(browser, page, new URL(app.url).origin);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('online: loads the model from the hub, showing the download, chats, and keeps the app on this device', async () => {
    const seen: string[] = [];
    const watching = setInterval(() => {
      void page
        .$eval('pierce/aperto-network-indicator', (el) => el.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim() ?? '')
        .then((text) => text && seen.push(text))
        .catch(() => undefined);
    }, 30);
    await loadLinkedModel(page, app.url, `${app.url}hub/gguf/synthetic.gguf`);
    clearInterval(watching);
    const reply = await chatOnce(page, 'Hello there');

    expect(reply.length).toBeGreaterThan(0);
    expect(seen.some((text) => /Downloading synthetic/.test(text) && /\d+(\.\d)? (KB|MB)/.test(text)), seen.join(' | ')).toBe(true);
    expect(await serviceWorkerReady(page)).toBe('activated');
    const cached = await cachedPaths(page);
    for (const path of ['/index.html', '/kiosk.html', '/manifest.webmanifest', '/icons/icon-192.png']) expect(cached).toContain(path);
    expect(cached.some((path) => /^\/assets\/wllama-[\w-]+\.wasm$/.test(path)), 'llama.cpp precached').toBe(true);
    // Both GPU model workers (the shared one, and the dedicated one where shared workers cannot run it), and web-llm, the chunk they share.
    for (const file of [/^\/assets\/llm\.worker-[\w-]+\.js$/, /^\/assets\/llm-shared\.worker-[\w-]+\.js$/, /^\/assets\/web-llm-runtime-[\w-]+\.js$/]) {
      expect(cached.some((path) => file.test(path)), `${file.source} precached`).toBe(true);
    }
    expect(cached.some((path) => path.startsWith('/hub/')), 'no model file in the service worker’s caches').toBe(false);
  });

  it('offline: the reload opens the app, loads the model from this device, and chats', async () => {
    // The page and the workers it starts. (page.setOfflineMode cannot be used: it also asks each
    // worker's own session, which refuses; a dedicated worker's requests follow its page's setting.)
    const offline = { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
    const pageSession = await page.createCDPSession();
    await pageSession.send('Network.enable');
    await pageSession.send('Network.emulateNetworkConditions', offline);
    // …and the service worker, which the page's setting does not reach.
    const serviceWorker = await recorder.serviceWorkerSession(new URL(app.url).origin);
    await serviceWorker.send('Network.emulateNetworkConditions', offline);
    const probe = `${app.url}hub/__log`;
    expect(await page.evaluate((url) => fetch(url).then(() => 'online', () => 'offline'), probe)).toBe('offline');
    expect(await page.evaluate(fetchFromWorker, probe), 'a worker is offline too').toBe('offline');
    const fromServiceWorker = await serviceWorker.send('Runtime.evaluate', {
      expression: `fetch(${JSON.stringify(probe)}).then(() => 'online', () => 'offline')`,
      awaitPromise: true,
      returnByValue: true,
    });
    expect(fromServiceWorker.result.value, 'the service worker is offline too').toBe('offline');
    expect(app.requests.filter((line) => line.includes('__log')), 'none of the probes reached the server').toEqual([]);
    // And the server is gone: whatever tries the network now fails.
    await app.close();

    await page.reload();
    await pressLoad(page);
    const reply = await chatOnce(page, 'Are you still there?');

    expect(reply.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => !!navigator.serviceWorker.controller), 'served by the service worker').toBe(true);
    expect(await page.evaluate(() => crossOriginIsolated), 'still cross-origin isolated, so llama.cpp has threads').toBe(true);
    await until(() => visibleText(page), (text) => text.includes('Offline: models stored on this device still work'), 'the offline note');
    expect(errors).toEqual([]);
  });
});
