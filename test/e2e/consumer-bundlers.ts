/**
 * The consumer app (test/e2e/consumer-app.ts) built by each bundler people use, through its Node API
 * with the settings README.md's "Embedding" section gives, and nothing else. The bundlers are the
 * repository's own; the app's node_modules holds only what npm installed from the tarball.
 *
 * Each build writes `dist-<bundler>/` with two pages: index.html (`import 'aperto/define'` and the
 * elements) and classes.html (`import { ApertoChat } from 'aperto'` alone). Vite's dev server serves
 * the app's own pages and sources, as `vite` does.
 *
 * - Vite (build and dev server) and webpack follow `new URL('assets/…', import.meta.url)` in Aperto's
 *   modules and emit the workers, WebAssembly and models themselves: no settings.
 * - Rollup and esbuild keep those lines as they are, with every chunk flat in the output folder, so
 *   the one setting is a copy of node_modules/aperto/dist-lib/esm/assets/ into it, as assets/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pageHtml, repo, serveFolder } from './consumer-app.js';

export const BUNDLERS = ['vite', 'vite dev', 'rollup', 'esbuild', 'webpack'] as const;
export type Bundler = (typeof BUNDLERS)[number];

/** What a build said beyond its output: warnings, as text. */
export interface BuildResult {
  outDir: string;
  warnings: string[];
}

const ENTRIES = { index: 'src/main.js', classes: 'src/classes.js' } as const;

/** As a bundler's command line runs: Vitest's NODE_ENV=test would pick Lit's development build. */
async function inProduction<T>(build: () => Promise<T>): Promise<T> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await build();
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

/** The pages for a bundler that emits scripts only: each loads its entry's output. */
function writePages(outDir: string, bundler: string, script: (entry: keyof typeof ENTRIES) => string): void {
  writeFileSync(join(outDir, 'index.html'), pageHtml(`Aperto in a ${bundler} app`, script('index')));
  writeFileSync(join(outDir, 'classes.html'), pageHtml('Classes', script('classes'), ''));
}

/** README: "Rollup and esbuild: copy node_modules/aperto/dist-lib/esm/assets/ to your output folder as assets/". */
function copyAssets(app: string, outDir: string): void {
  cpSync(join(app, 'node_modules/aperto/dist-lib/esm/assets'), join(outDir, 'assets'), { recursive: true });
}

/** Vite's pages are the app's own, at its root, loading the sources. */
function writeVitePages(app: string): void {
  for (const [name, entry] of Object.entries(ENTRIES)) {
    writeFileSync(join(app, `${name}.html`), pageHtml('Aperto in a vite app', `<script type="module" src="/${entry}"></script>`, name === 'index' ? undefined : ''));
  }
}

/** Vite's logger, keeping its warnings. */
async function viteLogger(warnings: string[]) {
  const { createLogger } = await import('vite');
  const logger = createLogger('warn');
  logger.warn = logger.warnOnce = (message) => void warnings.push(message);
  return logger;
}

async function buildWithVite(app: string, outDir: string): Promise<BuildResult> {
  const { build } = await import('vite');
  writeVitePages(app);
  const warnings: string[] = [];
  const logger = await viteLogger(warnings);
  await inProduction(() =>
    build({
      root: app,
      configFile: false,
      customLogger: logger,
      build: {
        outDir,
        // A Vite app's own choice, not Aperto's: web-llm's worker is one large file.
        chunkSizeWarningLimit: 8000,
        rolldownOptions: { input: Object.keys(ENTRIES).map((name) => join(app, `${name}.html`)) },
      },
    }),
  );
  return { outDir, warnings };
}

async function buildWithRollup(app: string, outDir: string): Promise<BuildResult> {
  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const warnings: string[] = [];
  const bundle = await inProduction(() =>
    rollup({
      input: Object.fromEntries(Object.entries(ENTRIES).map(([name, entry]) => [name, join(app, entry)])),
      plugins: [nodeResolve({ rootDir: app })],
      onwarn: (warning) => warnings.push(`${warning.code}: ${warning.message}`),
    }),
  );
  await bundle.write({ dir: outDir, format: 'es' });
  await bundle.close();
  copyAssets(app, outDir);
  writePages(outDir, 'rollup', (entry) => `<script type="module" src="./${entry}.js"></script>`);
  return { outDir, warnings };
}

async function buildWithEsbuild(app: string, outDir: string): Promise<BuildResult> {
  const esbuild = await import('esbuild');
  const result = await inProduction(() =>
    esbuild.build({
      absWorkingDir: app,
      entryPoints: Object.fromEntries(Object.entries(ENTRIES)),
      bundle: true,
      format: 'esm',
      splitting: true,
      minify: true,
      outdir: outDir,
      logLevel: 'silent',
    }),
  );
  copyAssets(app, outDir);
  writePages(outDir, 'esbuild', (entry) => `<script type="module" src="./${entry}.js"></script>`);
  return { outDir, warnings: result.warnings.map((w) => w.text) };
}

async function buildWithWebpack(app: string, outDir: string): Promise<BuildResult> {
  const { default: webpack } = await import('webpack');
  const stats = await inProduction(
    () =>
      new Promise<import('webpack').Stats>((resolve, reject) =>
        webpack(
          {
            mode: 'production',
            context: app,
            entry: Object.fromEntries(Object.entries(ENTRIES).map(([name, entry]) => [name, `./${entry}`])),
            output: { path: outDir, clean: true },
          },
          (error, result) => (error || !result ? reject(error ?? new Error('webpack gave no result')) : resolve(result)),
        ),
      ),
  );
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  if (stats.hasErrors()) throw new Error(info.errors!.map((e) => e.message).join('\n'));
  writePages(outDir, 'webpack', (entry) => `<script src="./${entry}.js"></script>`);
  return { outDir, warnings: info.warnings!.map((w) => `${w.message}`) };
}

/** The app, running: where it is served, what its bundler warned about, and how to stop it. */
export interface RunningConsumer {
  url: string;
  warnings: string[];
  close(): Promise<void>;
}

/** `vite` on the command line: the dev server, which serves the app's sources and pre-bundles its dependencies. */
async function serveWithViteDev(app: string): Promise<RunningConsumer> {
  const { createServer } = await import('vite');
  writeVitePages(app);
  const warnings: string[] = [];
  const server = await createServer({ root: app, configFile: false, customLogger: await viteLogger(warnings), server: { host: '127.0.0.1', port: 0, strictPort: false } });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('The Vite dev server has no port');
  return { url: `http://127.0.0.1:${address.port}/`, warnings, close: () => server.close() };
}

/** Builds the app in `app` with `bundler` into `app/dist-<bundler>/` and serves that folder; or, for Vite's dev server, serves the app. */
export async function runConsumer(bundler: Bundler, app: string): Promise<RunningConsumer> {
  if (bundler === 'vite dev') return serveWithViteDev(app);
  const outDir = join(app, `dist-${bundler}`);
  const builders = { vite: buildWithVite, rollup: buildWithRollup, esbuild: buildWithEsbuild, webpack: buildWithWebpack };
  const started = Date.now();
  const { warnings } = await builders[bundler](app, outDir);
  console.log(`npm consumer: ${bundler} built the app in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const server = await serveFolder(outDir);
  return { url: server.url, warnings, close: server.close };
}

/** tsc, the repository's, on the app's tsconfig.json: whether the app type-checks, and what tsc said. */
export function typeCheck(app: string): { ok: boolean; output: string } {
  try {
    execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(app, 'tsconfig.json')], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output: '' };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
