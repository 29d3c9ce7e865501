import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { chromiumArgs, findBrowser } from './scripts/find-browser.mjs';
import { createLocalHub } from './test/support/local-hub.mjs';
import { createReadStream } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { commonJsPackages } from './test/support/commonjs-packages.mjs';
import { webLlmAppConfigForTestRunner } from './scripts/web-llm-app-config.mjs';
import { SPEECH_FIXTURE_DIR, twoSentencesWithPause } from './test/support/speech-fixtures.mjs';

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

/** Which group `--group <name>` asks for, if any: spoken audio is only made when the audio group runs. */
const onlyGroup = (() => {
  const at = process.argv.findIndex((arg) => arg === '--group' || arg.startsWith('--group='));
  if (at < 0) return undefined;
  return process.argv[at].includes('=') ? process.argv[at].split('=')[1] : process.argv[at + 1];
})();

/**
 * The audio group's microphone is Chromium's fake capture device playing a WAV spoken by espeak-ng
 * (made here, before Chromium starts, because the path is a launch flag). `%noloop` plays it once
 * from the moment getUserMedia opens the device, then silence, so a test sees each sentence once.
 * No permission prompt (fake UI), and sound may start without a click (autoplay policy).
 */
const speechFixture = !onlyGroup || onlyGroup === 'audio' ? twoSentencesWithPause() : undefined;
const chromiumWithFakeMicrophone = () =>
  chromeLauncher({
    launchOptions: {
      executablePath,
      headless: true,
      args: [
        ...chromiumArgs({ webgpu: false }).filter((flag) => !flag.startsWith('--headless')),
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-audio-capture=${speechFixture?.wavPath}%noloop`,
        '--autoplay-policy=no-user-gesture-required',
      ],
    },
  });

export default {
  nodeResolve: true,
  // Not "localhost": web-llm skips caching libraries from localhost URLs, and the tests need the
  // real caching behaviour. 127.0.0.1 is still a secure context, so WebGPU is offered.
  hostname: '127.0.0.1',
  rootDir: '.',
  plugins: [
    // web-llm's model list as data, as the app gets it (scripts/web-llm-app-config.mjs).
    webLlmAppConfigForTestRunner(),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    // vad-web is CommonJS only; Vite converts it for the app, this does it for the tests.
    commonJsPackages([{ name: '@ricky0123/vad-web', folder: 'dist', skip: /bundle|worklet/ }]),
    {
      // onnxruntime's WebAssembly loader imports Node built-ins ("module", "worker_threads") only
      // when it runs in Node; node resolution fails on them, so they are left as they are (the
      // browser never takes that branch).
      name: 'onnxruntime-node-branch',
      resolveImport: ({ source, context }) =>
        builtinModules.includes(source) && context.path.startsWith('/node_modules/onnxruntime-web/') ? source : undefined,
    },
  ],
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
    // The spoken fixture the fake microphone plays, for the file source to read too, and its layout.
    function speechFixtures(ctx, next) {
      if (!speechFixture || !ctx.path.startsWith('/fixtures/speech/')) return next();
      const name = ctx.path.slice('/fixtures/speech/'.length);
      if (name === `${speechFixture.name}.json`) {
        ctx.body = { ...speechFixture, url: `/fixtures/speech/${speechFixture.name}.wav` };
      } else if (name === `${speechFixture.name}.wav`) {
        ctx.type = 'audio/wav';
        ctx.body = createReadStream(join(SPEECH_FIXTURE_DIR, speechFixture.file));
      } else {
        return next();
      }
    },
  ],
  testFramework: { config: { timeout: 60000 } },
  testsFinishTimeout: 10 * 60 * 1000,
  concurrency: 1,
  groups: [
    { name: 'webgpu', files: 'test/browser/**/*.test.ts', browsers: [chromium(true)] },
    { name: 'no-webgpu', files: 'test/browser-no-webgpu/**/*.test.ts', browsers: [chromium(false)] },
    { name: 'audio', files: 'test/browser-audio/**/*.test.ts', browsers: [chromiumWithFakeMicrophone()] },
  ],
};
