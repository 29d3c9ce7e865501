/**
 * Two tabs of the built app in one browser (issue 14): one holds the model, the other waits and
 * says so, "Use it here" moves it without a second download, and closing the tab that holds it
 * mid-reply lets the other load it by itself and chat. The CPU engine carries this end to end (no
 * GPU model can finish loading here); the rule is the same code for both engines
 * (src/engine/model-holder.ts), and its lock is tested on its own in test/browser/model-holder.test.ts.
 */
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { acceptLinkedModel, chatOnce, modelReady, sendMessage } from './app-flows.js';
import { clickButton, launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';

const appUrl = inject('appUrl');
const hubUrl = inject('crossOriginHubUrl');
const modelUrl = `${hubUrl}gguf/synthetic.gguf`;
const WAITING = 'is open in another tab of this site';
const MOVED = 'The model moved to another tab of this site';

/** What the status strip, on every view, says of the model: "ready", "loading", "idle"… */
function modelState(page: Page): Promise<string> {
  return page.$eval('pierce/[data-field="state"]', (field) => field.textContent?.trim() ?? '').catch(() => '');
}

async function ready(page: Page): Promise<void> {
  await until(() => modelState(page), (state) => state === 'ready', 'the model to be ready in this tab');
}

async function modelDownloads(): Promise<number> {
  const log = (await (await fetch(`${hubUrl}__log`)).json()) as string[];
  return log.filter((line) => line === 'GET /hub/gguf/synthetic.gguf').length;
}

describe('two tabs, one model', () => {
  let browser: Browser;
  let first: Page;
  let second: Page;
  const errors: string[][] = [];

  /** Each tab's dedicated workers (llama.cpp's is the model's): a second copy of the model would add one. */
  const workers = (page: Page) => (page.isClosed() ? 0 : page.workers().length);

  beforeAll(async () => {
    await fetch(`${hubUrl}__reset`);
    browser = await launchChromium({ webgpu: false });
    first = await browser.newPage();
    errors.push(recordPageErrors(first));
  });
  afterAll(() => browser?.close());

  it('a second tab finds the model held by the first, says so, and loads nothing', async () => {
    await first.goto(`${appUrl}?model=${encodeURIComponent(modelUrl)}#/models`);
    const card = await acceptLinkedModel(first);
    await (await card.$('pierce/button.primary'))!.click();
    await modelReady(first);
    const workersOfOneTab = workers(first);
    expect(workersOfOneTab, 'the model runs in a worker of the first tab').toBeGreaterThan(0);
    expect(await modelDownloads()).toBe(1);

    // The app loads the model used last when it opens: here it waits for the first tab instead.
    second = await browser.newPage();
    errors.push(recordPageErrors(second));
    await second.goto(`${appUrl}#/chat`);
    await until(() => visibleText(second), (text) => text.includes(WAITING), 'the second tab to say the model is open elsewhere');
    await waitForElement(second, 'button[part="use-here"]');
    expect(await modelState(second)).toBe('open in another tab');
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(await modelState(second)).not.toBe('ready');
    expect(await modelDownloads()).toBe(1);
    expect(workers(second), 'the second tab started no model worker').toBe(0);
    expect(workers(first)).toBe(workersOfOneTab);
    expect(await visibleText(first)).toContain('is loaded and ready');
  });

  it('"Use it here" moves the model: the second tab chats, with no second download, and the first says where it went', async () => {
    const workersOfOneTab = workers(first);
    await clickButton(second, 'Use it here');
    await ready(second);
    await until(() => visibleText(first), (text) => text.includes(MOVED), 'the first tab to say where the model went');

    expect(await modelDownloads(), 'read from this device, not downloaded again').toBe(1);
    expect(await modelState(first)).not.toBe('ready');
    expect(workers(first), 'one copy of the model: the first tab let go of its worker').toBe(0);
    expect(workers(second)).toBe(workersOfOneTab);
    expect((await chatOnce(second, 'Hello there')).length).toBeGreaterThan(0);
  });

  it('closing the tab that holds the model mid-reply lets the waiting tab load it by itself and chat', async () => {
    // The first tab asks for the model again: it waits for the second.
    await clickButton(first, /^Load synthetic/);
    await until(() => visibleText(first), (text) => text.includes(WAITING), 'the first tab to wait for the second');

    await second.bringToFront();
    await second.click('pierce/a[href="#/chat"]');
    await sendMessage(second, 'Tell me a long story');
    await until(
      () => second.$$eval('pierce/aperto-chat-message', (messages) => messages.at(-1)?.shadowRoot?.querySelector('[aria-busy="true"]') !== null && messages.length >= 4),
      (streaming) => streaming,
      'the second tab to be mid-reply',
    );
    await second.close({ runBeforeUnload: false });

    await first.bringToFront();
    await ready(first);
    expect(await modelDownloads(), 'still one download in all').toBe(1);
    expect((await chatOnce(first, 'Hello again')).length).toBeGreaterThan(0);
    expect(errors.flat()).toEqual([]);
  });

  it('a kiosk opened beside the app takes the model without asking, and the app says where it went', async () => {
    // The app's tab holds the model (the test before); a kiosk is unattended: nobody would press "Use it here".
    const kiosk = await browser.newPage();
    errors.push(recordPageErrors(kiosk));
    await kiosk.goto(`${appUrl}kiosk.html?engine=cpu&idle=0&model=${encodeURIComponent(modelUrl)}`);
    await until(
      () => kiosk.$eval('aperto-kiosk', (el) => el.getAttribute('status') ?? '').catch(() => ''),
      (status) => status === 'ready',
      'the kiosk ready',
    );
    await until(() => visibleText(first), (text) => text.includes(MOVED), 'the app told where the model went');
    expect(await modelDownloads(), 'read from this device').toBe(1);
    await kiosk.close();
    // The app takes it back with one press (the kiosk is gone, so nothing waits).
    await first.bringToFront();
    await first.click('pierce/a[href="#/models"]');
    await clickButton(first, /^Load synthetic/);
    await ready(first);
  });

  it('deleting the model in one tab updates the other tab’s list of what is stored, and the other stops waiting for it', async () => {
    const other = await browser.newPage();
    errors.push(recordPageErrors(other));
    await other.goto(`${appUrl}#/models`);
    // The app loads the model used last when it opens: here it waits for the first tab.
    await until(() => visibleText(other), (text) => text.includes(WAITING), 'the other tab waiting for the model');
    const stored = () => other.$$eval('pierce/tr[data-location]', (rows) => rows.map((row) => row.textContent?.replace(/\s+/g, ' ').trim() ?? ''));
    await until(stored, (rows) => rows.some((row) => row.includes('synthetic')), 'the other tab listing the stored model');

    await first.bringToFront();
    await first.click('pierce/a[href="#/models"]');
    await until(
      () => clickButton(first, /^Delete synthetic.* from this device$/).then(() => true, () => false),
      (clicked) => clicked,
      'Delete in the list of stored models',
    );
    await until(() => visibleText(first), (text) => /synthetic.* was deleted from this device/.test(text), 'the delete');

    await until(stored, (rows) => !rows.some((row) => row.includes('synthetic')), 'the other tab’s list without it');
    await until(() => visibleText(other), (text) => text.includes('was deleted in another tab of this site'), 'the other tab told');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await modelState(other), 'it did not load (nor download) the deleted model').toBe('no model loaded');
    expect(await modelDownloads(), 'still the one download').toBe(1);
    expect(errors.flat()).toEqual([]);
  });
});

describe('two tabs, one GPU model (the shared model worker)', () => {
  // The hub's model whose library download crawls and never ends: a load that stays under way.
  const model = `${hubUrl}aperto-test/slow-host-q4f32_1-MLC/resolve/main/`;
  const library = `${hubUrl}libs/slow-host.wasm`;
  const link = `${appUrl}?engine=webgpu&model=${encodeURIComponent(model)}&model_lib=${encodeURIComponent(library)}#/models`;
  let browser: Browser;
  /** Each test's own profile, closed even when the test fails, so no worker of it outlives the test. */
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: true });
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(() => browser?.close());

  const libraryDownloads = async () =>
    ((await (await fetch(`${hubUrl}__log`)).json()) as string[]).filter((line) => line === 'GET /hub/libs/slow-host.wasm').length;
  const modelWorkers = (page: Page) => page.workers().filter((worker) => /llm\.worker-/.test(worker.url())).length;
  const sharedWorkers = (context: BrowserContext) =>
    context.targets().filter((target) => target.type() === 'shared_worker' && target.url().startsWith(appUrl)).length;

  it('a tab opened while another loads shows that load at once, with no second download and one worker; Cancel in it stops the load in both', async () => {
    await fetch(`${hubUrl}__reset`);
    context = await browser.createBrowserContext();
    const first = await context.newPage();
    const errors = recordPageErrors(first);
    await first.goto(link);
    const card = await acceptLinkedModel(first);
    await (await card.$('pierce/button.primary'))!.click();
    await until(() => modelState(first), (state) => state.startsWith('loading'), 'the load under way');
    await until(libraryDownloads, (n) => n === 1, 'the library download started');

    const second = await context.newPage();
    errors.push(...recordPageErrors(second));
    await second.goto(`${appUrl}#/models`);
    await until(() => modelState(second), (state) => state.startsWith('loading'), 'the second tab to show the load');
    expect(await visibleText(second)).toContain('slow-host-q4f32_1-MLC');
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(await libraryDownloads(), 'one download for both tabs').toBe(1);
    expect(sharedWorkers(context!), 'one model worker for the site').toBe(1);
    expect(modelWorkers(first) + modelWorkers(second), 'no tab has a model worker of its own').toBe(0);

    await clickButton(second, 'Cancel');
    await until(() => visibleText(first), (text) => text.includes('Loading was cancelled in another tab of this site'), 'the first tab told');
    expect(await modelState(first)).toBe('no model loaded');
    expect(errors).toEqual([]);
  });

  it('without SharedWorker (as on Chrome for Android) one tab holds the model and the other waits, loading nothing', async () => {
    await fetch(`${hubUrl}__reset`);
    const own = (context = await browser.createBrowserContext());
    const open = async () => {
      const page = await own.newPage();
      await page.evaluateOnNewDocument(() => {
        delete (window as { SharedWorker?: unknown }).SharedWorker;
      });
      return page;
    };
    const first = await open();
    await first.goto(link);
    const card = await acceptLinkedModel(first);
    await (await card.$('pierce/button.primary'))!.click();
    await until(libraryDownloads, (n) => n === 1, 'the library download started');
    expect(modelWorkers(first), 'the first tab’s own model worker').toBe(1);

    const second = await open();
    await second.goto(link);
    await (await (await acceptLinkedModel(second)).$('pierce/button.primary'))!.click();
    await until(() => visibleText(second), (text) => text.includes(WAITING), 'the second tab to wait for the first');
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(await libraryDownloads()).toBe(1);
    expect(modelWorkers(second), 'the waiting tab started no model worker').toBe(0);
    expect(sharedWorkers(own)).toBe(0);
  });
});
