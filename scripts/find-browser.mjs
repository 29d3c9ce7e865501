/**
 * Finds a Chrome or Chromium to test with, without ever downloading one: CHROME_PATH first, then
 * the usual install locations. Exits with a clear message when there is none.
 */
import { accessSync, constants } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  'chromium',
  'google-chrome',
  'google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  try {
    return execFileSync('sh', ['-c', `command -v "${name}"`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function findBrowser() {
  if (process.env.CHROME_PATH) {
    if (executable(process.env.CHROME_PATH)) return process.env.CHROME_PATH;
    throw new Error(`CHROME_PATH is set to "${process.env.CHROME_PATH}", which is not an executable file.`);
  }
  for (const candidate of CANDIDATES) {
    const path = candidate.startsWith('/') ? (executable(candidate) ? candidate : undefined) : onPath(candidate);
    if (path) return path;
  }
  throw new Error(
    'No Chrome or Chromium found for the browser tests.\n' +
      '  Debian/Ubuntu: sudo apt-get install -y chromium\n' +
      '  macOS: install Google Chrome\n' +
      '  Or point CHROME_PATH at a Chrome/Chromium binary.',
  );
}

/** Flags for a quiet, offline-friendly headless Chromium; `webgpu` adds the SwiftShader adapter. */
export function chromiumArgs({ webgpu = true } = {}) {
  return [
    '--headless=new',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
    ...(webgpu ? ['--enable-unsafe-webgpu'] : []),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(findBrowser());
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
