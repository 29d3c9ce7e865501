/**
 * Takes a screenshot of an Aperto page in headless Chromium, for looking at the app as a person
 * would: node scripts/screenshot.mjs <url> <out.png> [width] [height] [--no-webgpu]
 */
import puppeteer from 'puppeteer-core';
import { chromiumArgs, findBrowser } from './find-browser.mjs';

const [url, out, width = '1280', height = '900'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const webgpu = !process.argv.includes('--no-webgpu');
const dark = process.argv.includes('--dark');
const browser = await puppeteer.launch({ executablePath: findBrowser(), args: chromiumArgs({ webgpu }) });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: Number(width), height: Number(height) });
  if (dark) await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
  page.on('console', (msg) => console.log(`[console.${msg.type()}] ${msg.text()}`));
  page.on('pageerror', (err) => console.log(`[pageerror] ${err.message}`));
  await page.goto(url, { waitUntil: 'networkidle0' });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await page.screenshot({ path: out, fullPage: process.argv.includes('--full') });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
}
