/**
 * For test/e2e/embed.test.ts: builds the library exactly as `npm run build:lib` does, serves
 * `dist-lib/` on one port as a CDN would (CORS and CORP open, gzip for clients that accept it,
 * Resource Timing sizes visible to the page with `Timing-Allow-Origin`), and `examples/embed.html`
 * (with its own script, embed-events.js) on another, with its script pointed at the library's port.
 * The page keeps its own Content-Security-Policy, with the library's origin and the test hub's
 * added where the page's comment tells a site owner to add theirs. No special headers.
 */
import { execFileSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
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

/** Compressed like a CDN's text files; WebAssembly and models go as they are. */
const COMPRESSED = new Set(['.js', '.mjs', '.json', '.html']);

const servers: Server[] = [];

/** The page's policy with `source` added to each of `directives`. */
function allowInPolicy(policy: string, directives: readonly string[], source: string): string {
  return policy
    .split(';')
    .map((part) => part.trim())
    .map((part) => (directives.includes(part.split(/\s+/)[0]) ? `${part} ${source}` : part))
    .join('; ');
}

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

  const gzipped = new Map<string, Buffer>();
  const libUrl = await listen(
    createServer(async (req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^[/\\]+/, '');
      const file = join(libDir, path);
      if (!file.startsWith(libDir) || !(await stat(file).catch(() => undefined))?.isFile()) {
        res.writeHead(404).end();
        return;
      }
      const headers: Record<string, string> = {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        'Timing-Allow-Origin': '*',
        Vary: 'Accept-Encoding',
      };
      let body: Buffer = await readFile(file);
      if (COMPRESSED.has(extname(file)) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        body = gzipped.get(file) ?? gzipped.set(file, gzipSync(body)).get(file)!;
        headers['Content-Encoding'] = 'gzip';
      }
      res.writeHead(200, headers);
      res.end(body);
    }),
  );

  const libOrigin = new URL(libUrl).origin;
  // The model comes from the test hub that serve-built-app.ts (the global setup before this one) runs.
  const hubUrl = project.getProvidedContext().crossOriginHubUrl;
  if (!hubUrl) throw new Error('serve-embed.ts needs the test hub of serve-built-app.ts: list that global setup before it.');
  const hubOrigin = new URL(hubUrl).origin;
  const example = await readFile(join(root, 'examples/embed.html'), 'utf8');
  const page = example
    .replace('src="../dist-lib/aperto.js"', `src="${libUrl}aperto.js"`)
    .replace(/(http-equiv="Content-Security-Policy"\s+content=")([^"]*)"/, (_, start: string, policy: string) => {
      const withLibrary = allowInPolicy(policy, ['script-src', 'connect-src'], libOrigin);
      return `${start}${allowInPolicy(withLibrary, ['connect-src'], hubOrigin)}"`;
    });
  if (!page.includes(`${libUrl}aperto.js`)) throw new Error('examples/embed.html no longer loads ../dist-lib/aperto.js');
  if (!page.includes(`script-src 'self' 'wasm-unsafe-eval' ${libOrigin}`)) throw new Error('examples/embed.html no longer has its Content-Security-Policy');
  const pageFiles: Record<string, [type: string, body: string]> = {
    '/examples/embed.html': [TYPES['.html'], page],
    '/examples/embed-events.js': [TYPES['.js'], await readFile(join(root, 'examples/embed-events.js'), 'utf8')],
  };
  const pageUrl = await listen(
    createServer((req, res) => {
      const found = pageFiles[new URL(req.url ?? '/', 'http://x').pathname];
      if (!found) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': found[0] });
      res.end(found[1]);
    }),
  );

  project.provide('libUrl', libUrl);
  project.provide('embedPageUrl', `${pageUrl}examples/embed.html`);
}

export async function teardown(): Promise<void> {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
}
