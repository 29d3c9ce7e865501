import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { chromiumArgs, findBrowser } from './scripts/find-browser.mjs';
import { createLocalHub } from './test/support/local-hub.mjs';

const executablePath = findBrowser();
const hub = createLocalHub();

/** Puppeteer sets headless itself; the rest of the flags are the project's standard ones. */
const chromium = (webgpu) =>
  chromeLauncher({
    launchOptions: {
      executablePath,
      headless: true,
      args: chromiumArgs({ webgpu }).filter((flag) => !flag.startsWith('--headless')),
    },
  });

export default {
  nodeResolve: true,
  // Not "localhost": web-llm skips caching libraries from localhost URLs, and the tests need the
  // real caching behaviour. 127.0.0.1 is still a secure context, so WebGPU is offered.
  hostname: '127.0.0.1',
  rootDir: '.',
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  middleware: [
    // Cross-origin isolation, as the app is served: the CPU engine (wllama) runs llama.cpp on
    // several threads only where SharedArrayBuffer exists. The hub's files carry CORP so they load.
    function crossOriginIsolation(ctx, next) {
      ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
      ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
      return next();
    },
    function localHub(ctx, next) {
      if (!ctx.path.startsWith('/hub/')) return next();
      ctx.respond = false;
      hub.handle(ctx.req, ctx.res);
    },
  ],
  testFramework: { config: { timeout: 60000 } },
  testsFinishTimeout: 10 * 60 * 1000,
  concurrency: 1,
  groups: [
    { name: 'webgpu', files: 'test/browser/**/*.test.ts', browsers: [chromium(true)] },
    { name: 'no-webgpu', files: 'test/browser-no-webgpu/**/*.test.ts', browsers: [chromium(false)] },
  ],
};
