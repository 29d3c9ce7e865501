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
