/**
 * A page left in the middle of a model's download must not hold up the next page of the site.
 * In one browser, over and over: open the app, start loading a model (the CPU engine, a model from
 * the stand-in hub held after its first 64 KB, so the download is surely under way), leave the
 * page, open the app again. The new page's view must be on screen within 2 s, and its load of the
 * same model must finish. Each cycle names a new file (`?cycle=N`), so every load is a real
 * download and none finds the model already stored.
 *
 * Left by closing its tab, a page is gone with all it held. Left by a navigation in the same tab,
 * Chromium may keep it frozen in the back/forward cache with its download still connected: six of
 * them took every connection the browser allows to the hub, and the seventh page's download waited
 * 30 s (engine/page-leave.ts).
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { acceptLinkedModel, modelReady } from './app-flows.js';
import { launchChromium, until, visibleText } from './browser.js';

const appUrl = inject('appUrl');
// Another origin, like the real hub.
const hubUrl = inject('crossOriginHubUrl');
const CYCLES = Number(process.env.APERTO_TAB_CYCLES ?? 50);
/** More than the six connections per host a browser allows, so pages left holding one would show. */
const NAVIGATIONS = Number(process.env.APERTO_NAV_CYCLES ?? 8);
/** The app's own view (its navigation), not the page's "Starting Aperto…" placeholder. */
const VIEW = 'pierce/nav[aria-label="Views"]';
/** How long a stalled tab is watched before the cycle is counted as failed and the next begins. */
const GIVE_UP_MS = 20_000;

/** Hold (or let go on) the hub's gated.gguf downloads; answers how many still hold a connection. */
async function setGate(open: boolean): Promise<number> {
  const response = await fetch(`${hubUrl}__gate?open=${open ? 1 : 0}`);
  if (!response.ok) throw new Error(`The hub did not take the gate setting (${response.status})`);
  return ((await response.json()) as { active: number }).active;
}

/** A page's model, named new for the cycle so its download is real. */
function cycleLink(cycle: number, extra = ''): string {
  const modelUrl = `${hubUrl}gguf/gated.gguf?cycle=${cycle}-${Date.now()}`;
  return `${appUrl}?engine=cpu${extra}&model=${encodeURIComponent(modelUrl)}#/models`;
}

/** Wait until the download's progress is on screen: the load is under way, held by the hub. */
function downloading(page: Page): Promise<string> {
  return until(() => visibleText(page), (text) => /Downloading weights/.test(text) && /\d+ %/.test(text), 'download progress', 30_000);
}

/** Load until ready; undefined when it is, else what went wrong. */
async function loadsToReady(page: Page): Promise<string | undefined> {
  try {
    await pressLoad(page);
    await modelReady(page, 20_000);
    return undefined;
  } catch (error) {
    return `its load did not finish: ${(error as Error).message.slice(0, 300)}`;
  }
}

function summary(cycles: Array<{ cycle: number; viewMs?: number; problem?: string }>): string {
  const views = cycles.flatMap((c) => (c.viewMs === undefined ? [] : [c.viewMs])).sort((a, b) => a - b);
  return (
    `${cycles.length} cycles; view ms median ${views[Math.floor(views.length / 2)]}, max ${views.at(-1)}; ` +
    `slow or failed: ${JSON.stringify(cycles.filter((c) => c.problem || (c.viewMs ?? Infinity) > 2000))}`
  );
}

/** Open the link in a new tab; resolves with how long until the app's view was on screen (or undefined). */
async function openTab(browser: Browser, url: string): Promise<{ page: Page; viewMs?: number }> {
  // Right after a tab closes, Chromium now and then answers the next "new tab" with "Session with
  // given id not found" (seen here on the code before page-leave.ts too: the DevTools side, not the
  // page's doing); a second ask gets one.
  const page = await browser.newPage().catch(() => browser.newPage());
  const started = Date.now();
  // Not awaited: a page whose scripts wait never fires "load", and that wait is what is measured.
  void page.goto(url).catch(() => undefined);
  for (;;) {
    if (await page.$(VIEW).catch(() => null)) return { page, viewMs: Date.now() - started };
    if (Date.now() - started > GIVE_UP_MS) return { page };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Press Load on the card the link points at (adding the model first if asked). */
async function pressLoad(page: Page): Promise<void> {
  const card = await acceptLinkedModel(page);
  await until(() => card.$('pierce/button.primary'), (button) => !!button, 'the Load button', 10_000);
  await (await card.$('pierce/button.primary'))!.click();
}

describe('closing a tab in the middle of a load', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
  });
  afterAll(async () => {
    await setGate(true).catch(() => undefined);
    await browser?.close();
  });

  it(`leaves the next tab free: its view within 2 s and its load done, ${CYCLES} times`, { timeout: 600_000 }, async () => {
    const cycles: Array<{ cycle: number; viewMs?: number; problem?: string }> = [];
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const link = cycleLink(cycle);

      await setGate(false);
      const first = await openTab(browser, link);
      if (first.viewMs === undefined) {
        cycles.push({ cycle, problem: 'the first tab never showed its view' });
        await first.page.close();
        await setGate(true);
        continue;
      }
      await pressLoad(first.page);
      // Mid-load: the download has started (its progress is on screen) and is held by the hub.
      await downloading(first.page);
      await first.page.close();
      await setGate(true);

      const second = await openTab(browser, link);
      const record: (typeof cycles)[number] = { cycle, viewMs: second.viewMs };
      cycles.push(record);
      if (second.viewMs === undefined) {
        record.problem = `the new tab showed “${(await visibleText(second.page).catch(() => '')).slice(0, 80)}” after ${GIVE_UP_MS} ms`;
      } else {
        record.problem = await loadsToReady(second.page);
      }
      await second.page.close();
    }

    console.log(`closing tabs: ${summary(cycles)}`);
    expect(cycles.filter((c) => c.problem), 'cycles that failed').toEqual([]);
    expect(cycles.filter((c) => c.viewMs! > 2000), 'cycles whose new tab took over 2 s to show its view').toEqual([]);
  });

  it(`leaves the next page free when the tab moves on: its view within 2 s, its load done, the left page's download dropped, ${NAVIGATIONS} times`, { timeout: 300_000 }, async () => {
    const page = await browser.newPage();
    const cycles: Array<{ cycle: number; viewMs?: number; problem?: string }> = [];
    for (let cycle = 1; cycle <= NAVIGATIONS; cycle++) {
      await setGate(false);
      // Leaves the page of the cycle before, its model loaded, on the way.
      await page.goto(cycleLink(cycle));
      await pressLoad(page);
      await downloading(page);
      await page.evaluate(() => ((window as unknown as { leftBehind: boolean }).leftBehind = true));

      // Another page of the site in the same tab (another address, so a new document), as a link would.
      const started = Date.now();
      void page.goto(cycleLink(cycle, '&again')).catch(() => undefined);
      const record: (typeof cycles)[number] = { cycle };
      cycles.push(record);
      for (;;) {
        const fresh = await page.evaluate(() => !(window as unknown as { leftBehind?: boolean }).leftBehind).catch(() => false);
        if (fresh && (await page.$(VIEW).catch(() => null))) {
          record.viewMs = Date.now() - started;
          break;
        }
        if (Date.now() - started > GIVE_UP_MS) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      // The page left mid-download must have let go of its connection (the hub still holds it back).
      const stillOpen = await until(() => setGate(false), (open) => open === 0, 'the left page to drop its download', 2_000).catch(() => undefined);
      await setGate(true);
      if (record.viewMs === undefined) record.problem = `the new page showed “${(await visibleText(page).catch(() => '')).slice(0, 80)}” after ${GIVE_UP_MS} ms`;
      else record.problem = (stillOpen === undefined ? 'the page left behind still holds its download; ' : '') + ((await loadsToReady(page)) ?? '') || undefined;
    }
    await page.close();

    console.log(`moving on in one tab: ${summary(cycles)}`);
    expect(cycles.filter((c) => c.problem), 'cycles that failed').toEqual([]);
    expect(cycles.filter((c) => c.viewMs! > 2000), 'cycles whose new page took over 2 s to show its view').toEqual([]);
  });
});
