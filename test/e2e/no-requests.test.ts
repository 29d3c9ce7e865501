/**
 * No traffic after load: once the app and a model are on this device, loading the model, a chat
 * and a typed translation make no request that leaves the browser. Every request of the page, of
 * every worker it starts and of its service worker is recorded through the DevTools protocol
 * (test/e2e/network-recorder.ts), this test's own server logs every request it receives, and
 * requests the Content-Security-Policy blocks (which never reach the network) are collected too.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chatOnce, loadLinkedModel, pressLoad, serviceWorkerReady, translateOnce } from './app-flows.js';
import { launchChromium, recordPageErrors, waitForElement } from './browser.js';
import { NetworkRecorder } from './network-recorder.js';
import { PolicyWatcher } from './policy-watcher.js';
import { serveBuiltApp, type ServedApp } from './serve-built-app.js';

/** In the page: fetch `url` from a new worker and wait for the answer. */
function fetchFromWorker(url: string): Promise<string> {
  return new Promise((resolve) => {
    const source = `fetch(${JSON.stringify(url)}).then((r) => postMessage(String(r.status)), () => postMessage('failed'))`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    worker.onmessage = (event) => {
      worker.terminate();
      resolve(String(event.data));
    };
  });
}

describe('no traffic after load', () => {
  let app: ServedApp;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let recorder: NetworkRecorder;
  let policy: PolicyWatcher;
  let errors: string[];

  beforeAll(async () => {
    // This test's own server, so it can list every request it receives.
    app = await serveBuiltApp(inject('appOutDir'));
    origin = new URL(app.url).origin;
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
    errors = recordPageErrors(page);
    recorder = await NetworkRecorder.attach(browser, page, origin);
    // A request the policy blocks never reaches the network, so the recorder cannot see it.
    policy = await PolicyWatcher.attach(page);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('first visit: downloads the model and keeps the app on this device', async () => {
    await loadLinkedModel(page, app.url, `${app.url}hub/gguf/synthetic.gguf`);

    expect(await serviceWorkerReady(page)).toBe('activated');
  });

  it('the recorder sees a request from the page, from a worker and from the service worker', async () => {
    await page.reload();
    await waitForElement(page, 'aperto-status-strip');
    const probe = `${app.url}hub/__log`;
    recorder.start();
    await page.evaluate((url) => fetch(url).then((r) => r.status), probe);
    await page.evaluate(fetchFromWorker, probe);
    const serviceWorker = await recorder.serviceWorkerSession(origin);
    await serviceWorker.send('Runtime.evaluate', { expression: `fetch(${JSON.stringify(probe)}).then((r) => r.status)`, awaitPromise: true });
    recorder.stop();

    const seen = recorder.leftTheDevice().map((r) => `${r.from}: ${r.method} ${r.url}`);
    expect(seen).toEqual(expect.arrayContaining([`page: GET ${probe}`, `worker: GET ${probe}`, `service worker: GET ${probe}`]));
    expect(app.requests.filter((line) => line === 'GET /hub/__log')).toHaveLength(3);
  });

  it('loading the stored model, a chat and a typed translation send nothing off the device', async () => {
    await page.reload();
    await waitForElement(page, 'aperto-status-strip');
    const servedBefore = app.requests.length;
    const blockedBefore = policy.seen.length;
    recorder.start();

    await pressLoad(page);
    const reply = await chatOnce(page, 'Hello there');
    const caption = await translateOnce(page, 'Good morning, everyone.');
    recorder.stop();

    expect(reply.length).toBeGreaterThan(0);
    expect(caption.length).toBeGreaterThan(0);
    expect(recorder.leftTheDevice(), 'requests that went to the network').toEqual([]);
    expect(app.requests.slice(servedBefore), 'requests the server received').toEqual([]);
    expect(policy.seen.slice(blockedBefore), 'requests the policy blocked').toEqual([]);
    // What the page did ask for (scripts loaded on demand, llama.cpp's WebAssembly) came from the
    // service worker's cache, all of it from this origin.
    expect(recorder.all().filter((r) => !r.url.startsWith(`${origin}/`))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
