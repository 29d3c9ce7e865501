/**
 * Draws the app's PNG icons from public/favicon.svg in headless Chromium (nothing is downloaded):
 * node scripts/make-icons.mjs. Writes public/icons/:
 * - icon-192.png, icon-512.png: the favicon as is (rounded square, transparent corners);
 * - icon-maskable-512.png: full-bleed background, the glyph inside the central safe zone, for
 *   platforms that cut icons to their own shape (Android);
 * - apple-touch-icon.png (180 px): full-bleed, no transparency (iOS rounds it itself).
 * The PNGs are committed; run this again after changing the favicon.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { chromiumArgs, findBrowser } from './find-browser.mjs';

const root = new URL('../', import.meta.url);
const favicon = readFileSync(new URL('public/favicon.svg', root), 'utf8');
const background = /<rect [^>]*fill="([^"]+)"/.exec(favicon)?.[1];
const glyph = /<path [^>]*\/>/.exec(favicon)?.[0];
if (!background || !glyph) throw new Error('public/favicon.svg no longer has the <rect> and <path> this script expects.');

/** Full-bleed square; `scale` shrinks the glyph around the centre. */
const fullBleed = (scale) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${background}"/>` +
  `<g transform="translate(32 32) scale(${scale}) translate(-32 -32)">${glyph}</g></svg>`;

const ICONS = [
  { file: 'icon-192.png', size: 192, svg: favicon },
  { file: 'icon-512.png', size: 512, svg: favicon },
  // The maskable safe zone is a circle of 40 % of the size around the centre.
  { file: 'icon-maskable-512.png', size: 512, svg: fullBleed(0.8) },
  { file: 'apple-touch-icon.png', size: 180, svg: fullBleed(0.9) },
];

const outDir = new URL('public/icons/', root);
mkdirSync(outDir, { recursive: true });
const browser = await puppeteer.launch({ executablePath: findBrowser(), args: chromiumArgs({ webgpu: false }) });
try {
  const page = await browser.newPage();
  for (const { file, size, svg } of ICONS) {
    await page.setViewport({ width: size, height: size, deviceScaleFactor: 1 });
    const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${sized}`);
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    writeFileSync(new URL(file, outDir), png);
    console.log(`public/icons/${file} (${size}×${size}, ${png.length} bytes)`);
  }
} finally {
  await browser.close();
}
