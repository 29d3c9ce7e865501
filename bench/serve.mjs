/**
 * What the browser benches share: Vite's dev server for the bench pages (TypeScript compiled on the
 * fly, the local hub at /hub/ for model files) and a headless Chromium, both closed by close().
 */
import { createServer } from 'vite';
import puppeteer from 'puppeteer-core';
import { chromiumArgs, findBrowser } from '../scripts/find-browser.mjs';
import { createLocalHub } from '../test/support/local-hub.mjs';

export async function openBench() {
  const hub = createLocalHub();
  const server = await createServer({
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0 },
    plugins: [
      {
        name: 'aperto-local-hub',
        configureServer(dev) {
          dev.middlewares.use((req, res, next) => {
            if (!hub.handle(req, res)) next();
          });
        },
      },
    ],
  });
  await server.listen();
  const { port } = server.httpServer.address();
  const browser = await puppeteer.launch({
    executablePath: findBrowser(),
    headless: true,
    args: chromiumArgs({ webgpu: false }).filter((flag) => !flag.startsWith('--headless')),
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
