import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromiumArgs, findBrowser } from '../../scripts/find-browser.mjs';

/** Headless Chromium with (default) or without the SwiftShader WebGPU adapter. */
export async function launchChromium({ webgpu = true } = {}): Promise<Browser> {
  return puppeteer.launch({
    executablePath: findBrowser(),
    headless: true,
    args: chromiumArgs({ webgpu }).filter((flag) => !flag.startsWith('--headless')),
  });
}

/** Collects uncaught page errors so a test can assert the page stayed healthy. */
export function recordPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
  if (process.env.APERTO_E2E_DEBUG) page.on('console', (msg) => console.log(`[page] ${msg.type()}: ${msg.text()}`));
  return errors;
}

/** All text a person sees, through shadow roots. */
export async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts: string[] = [];
    const visit = (node: Node) => {
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
      if (node instanceof Element && node.shadowRoot) visit(node.shadowRoot);
      if (node instanceof HTMLElement && ['SCRIPT', 'STYLE'].includes(node.tagName)) return;
      for (const child of node.childNodes) visit(child);
    };
    visit(document.body);
    return parts.join(' ').replace(/\s+/g, ' ');
  });
}

/**
 * Wait for an element, looking through shadow roots. Puppeteer's own waitForSelector misses
 * elements on cross-origin isolated pages (COOP moves the page to a new process after navigation,
 * and its waiting task stays in the old context); polling with page.$ does not.
 */
export async function waitForElement(page: Page, selector: string, timeoutMs = 30_000) {
  const started = Date.now();
  for (;;) {
    const handle = await page.$(`pierce/${selector}`).catch(() => null);
    if (handle) return handle;
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${selector}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Click the button a person would, found by its accessible name (aria-label or text) through shadow roots. */
export async function clickButton(page: Page, name: string | RegExp): Promise<void> {
  const pattern = typeof name === 'string' ? `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` : name.source;
  const clicked = await page.evaluate((source) => {
    const matcher = new RegExp(source);
    const visit = (root: Document | ShadowRoot): HTMLButtonElement | undefined => {
      for (const button of root.querySelectorAll('button')) {
        const label = (button.getAttribute('aria-label') ?? button.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (matcher.test(label) && !button.disabled) return button;
      }
      for (const el of root.querySelectorAll('*')) {
        const found = el.shadowRoot && visit(el.shadowRoot);
        if (found) return found;
      }
      return undefined;
    };
    const button = visit(document);
    button?.click();
    return !!button;
  }, pattern);
  if (!clicked) throw new Error(`No enabled button named ${String(name)}`);
}

/** Poll `probe` until `ok` accepts its value (page state changes asynchronously). */
export async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
