/**
 * For test/e2e/embed.test.ts: builds the library exactly as `npm run build:lib` does, serves
 * `dist-lib/` on one port (as a CDN would: CORS and CORP open), and `examples/embed.html` on another,
 * with its script pointed at the bundle's port. The page is a plain one: no special headers.
 */
import { execFileSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where dist-lib/ is served, ending in "/". */
    libUrl: string;
    /** examples/embed.html, on another origin than the library. */
    embedPageUrl: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
};

const servers: Server[] = [];

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}/`;
}

export async function setup(project: TestProject): Promise<void> {
  execFileSync(process.execPath, [join(root, 'scripts/build-lib.mjs')], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  const libDir = join(root, 'dist-lib');

  const libUrl = await listen(
    createServer(async (req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^[/\\]+/, '');
      const file = join(libDir, path);
      if (!file.startsWith(libDir) || !(await stat(file).catch(() => undefined))?.isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      });
      res.end(await readFile(file));
    }),
  );

  const page = (await readFile(join(root, 'examples/embed.html'), 'utf8')).replace('src="../dist-lib/aperto.js"', `src="${libUrl}aperto.js"`);
  if (!page.includes(`${libUrl}aperto.js`)) throw new Error('examples/embed.html no longer loads ../dist-lib/aperto.js');
  const pageUrl = await listen(
    createServer((req, res) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/examples/embed.html') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES['.html'] });
      res.end(page);
    }),
  );

  project.provide('libUrl', libUrl);
  project.provide('embedPageUrl', `${pageUrl}examples/embed.html`);
}

export async function teardown(): Promise<void> {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
}
