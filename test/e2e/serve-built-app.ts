/**
 * Builds the app exactly as `npm run build` does and serves it with Vite's preview server on a free
 * port of 127.0.0.1, the way a visitor gets it, with the local stand-in hub mounted at /hub/. The URL
 * reaches the tests through `inject('appUrl')`.
 */
import { createServer, type Server } from 'node:http';
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { createLocalHub } from '../support/local-hub.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
    /** The same stand-in hub on another port: a different origin, as the real hub is. */
    crossOriginHubUrl: string;
  }
}

let server: PreviewServer | undefined;
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
  const hub = createLocalHub();
  server = await preview({
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
    plugins: [
      {
        name: 'aperto-local-hub',
        configurePreviewServer(preview) {
          preview.middlewares.use((req, res, next) => {
            if (!hub.handle(req, res)) next();
          });
        },
      },
    ],
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('The preview server has no port');
  project.provide('appUrl', `http://127.0.0.1:${address.port}/`);

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
  project.provide('crossOriginHubUrl', `http://127.0.0.1:${hubAddress.port}/hub/`);
}

export async function teardown(): Promise<void> {
  await server?.close();
  await new Promise((resolve) => (hubServer ? hubServer.close(resolve) : resolve(undefined)));
}
