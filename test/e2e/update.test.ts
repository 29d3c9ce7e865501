/**
 * A new version is offered, never forced: the production build's service worker controls the page,
 * the server then serves a new version, and the browser finds it. The page must say so and keep
 * running until its person presses Reload; then it reloads into the new version.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serviceWorkerReady } from './app-flows.js';
import { clickButton, launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';
import { serveBuiltApp, type ServedApp } from './serve-built-app.js';

const PROMPT = 'A new version of Aperto is ready.';

describe('a new version of the app', () => {
  let folder: string;
  let app: ServedApp;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    // A copy of the build, so this test can publish a "new version" of it.
    folder = mkdtempSync(join(tmpdir(), 'aperto-update-'));
    cpSync(inject('appOutDir'), folder, { recursive: true });
    app = await serveBuiltApp(folder);
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
    errors = recordPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('is offered with a Reload button, and the page keeps running until it is pressed', async () => {
    await page.goto(`${app.url}#/chat`);
    expect(await serviceWorkerReady(page)).toBe('activated');
    await page.reload();
    await waitForElement(page, 'textarea[aria-label="Message"]');
    expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

    // Publish a new version, and let the browser look for it (as it does when the app is opened).
    appendFileSync(join(folder, 'sw.js'), '\n// the next version\n');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await until(() => visibleText(page), (text) => text.includes(PROMPT), 'the update prompt');
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere), 'not reloaded by itself').toBe(true);
    expect(await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting), 'the new version waits').toBe(true);
  });

  it('reloads into the new version when Reload is pressed', async () => {
    const reloaded = page.waitForNavigation();
    await clickButton(page, 'Reload');
    await reloaded;
    await waitForElement(page, 'textarea[aria-label="Message"]');

    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBeUndefined();
    const state = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { waiting: !!registration?.waiting, controlled: !!navigator.serviceWorker.controller };
    });
    expect(state).toEqual({ waiting: false, controlled: true });
    expect(await visibleText(page)).not.toContain(PROMPT);
    expect(errors).toEqual([]);
  });
});
