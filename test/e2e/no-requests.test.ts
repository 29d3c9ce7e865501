/**
 * No traffic after load: once the app and a model are on this device, loading the model, a chat
 * and a typed translation send nothing anywhere: no request to another origin, none with a body,
 * nothing typed in any URL, and nothing reaches the network but the app's own files that the
 * browser fetches by itself (the service-worker update check, icons, manifest), whenever it
 * chooses to (test/support/privacy-rules.ts). Every request of the page, of
 * every worker it starts and of its service worker is recorded through the DevTools protocol
 * (test/e2e/network-recorder.ts), this test's own server logs every request it receives, and
 * requests the Content-Security-Policy blocks (which never reach the network) are collected too.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chatOnce, loadLinkedModel, pressLoad, serviceWorkerReady, translateOnce } from './app-flows.js';
import { launchChromium, recordPageErrors, until, waitForElement } from './browser.js';
import { NetworkRecorder } from './network-recorder.js';
import { PolicyWatcher } from './policy-watcher.js';
import { serveBuiltApp, type ServedApp } from './serve-built-app.js';
import { privacyViolations } from '../support/privacy-rules.js';

/** What the person types: words distinctive enough that finding one in a URL means it leaked. */
const CHAT_TEXT = 'Please remember my locker combination: marigold seventeen';
const TRANSLATED_TEXT = 'The quarterly budget meeting moves to Wednesday.';

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

  it('the recorder sees a request from the page, from a worker and from the service worker, and the rules flag each', async () => {
    await page.reload();
    await waitForElement(page, 'aperto-status-strip');
    const probe = `${app.url}hub/__log`;
    const servedBefore = app.received.length;
    recorder.start();
    await page.evaluate((url) => fetch(url).then((r) => r.status), probe);
    await page.evaluate(fetchFromWorker, probe);
    const serviceWorker = await recorder.serviceWorkerSession(origin);
    await serviceWorker.send('Runtime.evaluate', { expression: `fetch(${JSON.stringify(probe)}).then((r) => r.status)`, awaitPromise: true });
    // What a leak would look like: the typed text sent in a body and in a query.
    await page.evaluate((url) => fetch(url, { method: 'POST', body: 'secret words' }).then((r) => r.status), probe);
    await page.evaluate((url) => fetch(`${url}?q=${encodeURIComponent('secret words')}`).then((r) => r.status), probe);
    recorder.stop();

    const seen = recorder.leftTheDevice().map((r) => `${r.from}: ${r.method} ${r.url}`);
    expect(seen).toEqual(expect.arrayContaining([`page: GET ${probe}`, `worker: GET ${probe}`, `service worker: GET ${probe}`, `page: POST ${probe}`]));
    expect(app.requests.filter((line) => line.startsWith('GET /hub/__log'))).toHaveLength(4);
    const flagged = privacyViolations(recorder.leftTheDevice(), { origin, typed: ['secret words'], reachedNetwork: true });
    for (const from of ['page', 'worker', 'service worker']) {
      expect(flagged).toContain(`${from}: GET ${probe} — not one of the app's own files the browser fetches by itself`);
    }
    expect(flagged).toContain(`page: POST ${probe} — sent a body or used a method other than GET`);
    expect(flagged.some((line) => line.includes('carries "secret words"'))).toBe(true);
    const flaggedByServer = privacyViolations(app.received.slice(servedBefore), { origin, typed: ['secret words'], reachedNetwork: true });
    expect(flaggedByServer.filter((line) => line.startsWith('server: POST') && line.includes('sent a body'))).toHaveLength(1);
  });

  it("the browser's own service-worker update check is one of the allowed requests", async () => {
    // Newer Chromium checks on every navigation, older ones less often: made to happen here, so the
    // rules are shown to accept it whatever the browser in use does by itself.
    const servedBefore = app.received.length;
    // Not awaited: with DevTools attached to the service worker, update() settles only after a minute;
    // the requests are what matters here.
    await page.evaluate(() => void navigator.serviceWorker.ready.then((registration) => registration.update()));
    await until(
      async () => app.received.slice(servedBefore).map((request) => new URL(request.url).pathname),
      (paths) => paths.includes('/sw.js'),
      'the update check of sw.js',
    );

    // The script sw.js imports is checked too, unless the HTTP cache still holds it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const checked = app.received.slice(servedBefore);
    expect(privacyViolations(checked, { origin, typed: [CHAT_TEXT, TRANSLATED_TEXT], reachedNetwork: true })).toEqual([]);
  });

  it('loading the stored model, a chat and a typed translation send nothing off the device', async () => {
    await page.reload();
    await waitForElement(page, 'aperto-status-strip');
    const servedBefore = app.received.length;
    const blockedBefore = policy.seen.length;
    recorder.start();

    await pressLoad(page);
    const reply = await chatOnce(page, CHAT_TEXT);
    const caption = await translateOnce(page, TRANSLATED_TEXT);
    recorder.stop();

    expect(reply.length).toBeGreaterThan(0);
    expect(caption.length).toBeGreaterThan(0);
    const rules = { origin, typed: [CHAT_TEXT, TRANSLATED_TEXT] };
    // Answered on the device (the service worker's cache): same origin, no body, nothing typed.
    const answeredHere = recorder.all().filter((request) => request.fromServiceWorker);
    expect(privacyViolations(answeredHere, { ...rules, reachedNetwork: false }), 'requests answered on the device').toEqual([]);
    // Whatever reached the network, seen by the browser or by the server: only the app's own files
    // that the browser fetches by itself (BROWSER_OWN_REQUESTS), whenever the browser chooses to.
    expect(privacyViolations(recorder.leftTheDevice(), { ...rules, reachedNetwork: true }), 'requests that went to the network').toEqual([]);
    expect(privacyViolations(app.received.slice(servedBefore), { ...rules, reachedNetwork: true }), 'requests the server received').toEqual([]);
    expect(policy.seen.slice(blockedBefore), 'requests the policy blocked').toEqual([]);
    expect(errors).toEqual([]);
  });
});
