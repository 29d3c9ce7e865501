/**
 * Builds the app exactly as `npm run build` does and serves it with Vite's preview server on a free
 * port of 127.0.0.1, the way a visitor gets it (with the headers of src/security/policy.ts), with
 * the local stand-in hub mounted at /hub/. The URL reaches the tests through `inject('appUrl')`.
 */
import { createServer, type Server } from 'node:http';
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { securityHeaders } from '../../src/security/policy.js';
import { createLocalHub } from '../support/local-hub.mjs';
import type { ObservedRequest } from '../support/privacy-rules.js';

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
    /** The same stand-in hub on another port: a different origin, as the real hub is. */
    crossOriginHubUrl: string;
    /** The folder the app was built into, for tests that serve it again themselves. */
    appOutDir: string;
  }
}

export interface ServedApp {
  url: string;
  /** Every request the server received (`GET /path?query`), hub requests included. */
  requests: string[];
  /** The same requests with what a privacy check needs: method, absolute URL, whether a body came. */
  received: ObservedRequest[];
  /** Stop serving and drop open connections: from now on nothing answers at this address. */
  close(): Promise<void>;
}

/**
 * Serve a built app with the production headers and the local hub at /hub/. `connectSrc` adds
 * hosts the page may download from (another origin's hub). Tests that must take the server away
 * (offline) or see every request it receives start their own with this.
 */
export async function serveBuiltApp(outDir: string, { connectSrc = [] as string[], port = 0 } = {}): Promise<ServedApp> {
  const hub = createLocalHub();
  const requests: string[] = [];
  const received: ObservedRequest[] = [];
  let origin = '';
  const server: PreviewServer = await preview({
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: port !== 0, headers: securityHeaders({ connectSrc }) },
    plugins: [
      {
        name: 'aperto-local-hub',
        configurePreviewServer(preview) {
          preview.middlewares.use((req, res, next) => {
            requests.push(`${req.method} ${req.url}`);
            const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
            received.push({ method: req.method ?? '', url: `${origin}${req.url}`, from: 'server', hasBody });
            if (!hub.handle(req, res)) next();
          });
        },
      },
    ],
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('The preview server has no port');
  origin = `http://127.0.0.1:${address.port}`;
  return {
    url: `${origin}/`,
    requests,
    received,
    async close() {
      (server.httpServer as Server).closeAllConnections?.();
      await server.close();
    },
  };
}

let app: ServedApp | undefined;
let hubServer: Server | undefined;

export async function setup(project: TestProject): Promise<void> {
  // APERTO_E2E_OUT lets two e2e runs on one machine build side by side.
  const outDir = process.env.APERTO_E2E_OUT ?? 'dist-e2e';
  // Vitest runs with NODE_ENV=test, which would make Vite bundle development builds (Lit's dev mode).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  project.provide('appOutDir', outDir);

  const crossOriginHub = createLocalHub();
  hubServer = createServer((req, res) => {
    if (!crossOriginHub.handle(req, res)) {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => hubServer!.listen(0, '127.0.0.1', resolve));
  const hubAddress = hubServer.address();
  if (!hubAddress || typeof hubAddress === 'string') throw new Error('The hub server has no port');
  const hubOrigin = `http://127.0.0.1:${hubAddress.port}`;
  project.provide('crossOriginHubUrl', `${hubOrigin}/hub/`);

  // The page may download from the other-origin hub, as it may from huggingface.co.
  app = await serveBuiltApp(outDir, { connectSrc: [hubOrigin] });
  project.provide('appUrl', app.url);
}

export async function teardown(): Promise<void> {
  await app?.close();
  await new Promise((resolve) => (hubServer ? hubServer.close(resolve) : resolve(undefined)));
}
