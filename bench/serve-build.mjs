/**
 * A production build of the app, served as a visitor's browser gets it: the app's own headers (from
 * vite.config.ts, so src/security/policy.ts) and gzip for text files, as a static host compresses
 * them (zlib's default level, as scripts/first-view-budget.mjs counts). Vite's preview server does
 * not compress, so it would overstate what a visit transfers.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, resolveConfig } from 'vite';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};
const COMPRESSED = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.svg']);

/** `npm run build`'s output, in a folder of its own. */
export async function buildApp() {
  const outDir = mkdtempSync(join(tmpdir(), 'aperto-first-visit-'));
  // As the e2e tests do: Vite would bundle development builds under NODE_ENV=test.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

/** Serve `outDir` on a free port of 127.0.0.1; `close()` stops it. */
export async function serveBuild(outDir) {
  const { preview } = await resolveConfig({}, 'serve', 'production');
  const headers = preview.headers ?? {};
  const root = resolve(outDir);
  const gzipped = new Map();
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://build.invalid').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    let body;
    try {
      body = await readFile(file);
    } catch {
      return void res.writeHead(404, headers).end();
    }
    const type = extname(file);
    const gzip = COMPRESSED.has(type) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gzip) {
      if (!gzipped.has(file)) gzipped.set(file, gzipSync(body));
      body = gzipped.get(file);
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[type] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
      ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => (server.closeAllConnections(), server.close(done))),
  };
}
