/**
 * A web developer's app that installs Aperto from npm, for test/e2e/npm-consumer.test.ts: `npm pack`
 * the repository (dist-lib/ is built by the e2e global setup, test/e2e/serve-embed.ts), install the
 * tarball into an empty app, and give it the few source files every bundler builds.
 *
 * npm installs the tarball with `--prefer-offline`: its files come from the tarball and Lit's from npm's
 * cache, but npm still asks the registry for Lit's package list (npm ci does not cache those, so
 * `--offline` fails with ENOTCACHED).
 */
import { execFileSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

/** The elements a page shows: the picker loads a model that the chat and the translator share. */
export const PAGE_BODY = `<aperto-model-picker engine="auto"></aperto-model-picker>
<aperto-chat no-history></aperto-chat>
<aperto-translate from="auto" to="en"></aperto-translate>`;

/** Every element Aperto registers, which `import { ApertoChat } from 'aperto'` must leave undefined. */
export const TAGS = [
  'aperto-app',
  'aperto-chat',
  'aperto-chat-history',
  'aperto-chat-message',
  'aperto-load-progress',
  'aperto-model-manager',
  'aperto-model-picker',
  'aperto-translate',
];

/** The page, loading `script` (the app's entry as built, or its source for Vite). */
export function pageHtml(title: string, script: string, body = PAGE_BODY): string {
  return `<!doctype html>\n<html lang="en">\n<meta charset="utf-8" />\n<title>${title}</title>\n${body}\n${script}\n</html>\n`;
}

/**
 * Packs the repository and installs the tarball into `<dir>/app`, with its sources:
 *   src/main.js     `import 'aperto/define'`: the page with the elements
 *   src/classes.js  `import { ApertoChat } from 'aperto'`: notes what that defined (nothing, it should)
 *   src/typed.ts    a TypeScript consumer, checked with tsconfig.json (strict, no skipLibCheck)
 */
export function installConsumerApp(dir: string): string {
  const pack = join(dir, 'pack');
  mkdirSync(pack);
  execFileSync('npm', ['pack', '--pack-destination', pack, '--ignore-scripts', '--silent'], { cwd: repo, stdio: 'pipe' });
  const tarball = join(pack, readdirSync(pack).find((file) => file.endsWith('.tgz'))!);

  const app = join(dir, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'aperto-consumer', private: true, type: 'module' }));
  writeFileSync(join(app, 'src/main.js'), "import 'aperto/define';\n");
  writeFileSync(
    join(app, 'src/classes.js'),
    `import { ApertoChat } from 'aperto';\nconst tags = ${JSON.stringify(TAGS)};\nwindow.apertoImport = { chat: typeof ApertoChat, defined: tags.filter((tag) => customElements.get(tag)) };\n`,
  );
  writeFileSync(
    join(app, 'src/typed.ts'),
    [
      "import 'aperto/define';",
      "import { ApertoChat, type ApertoMessageEvent } from 'aperto';",
      '',
      "const chat = document.querySelector('aperto-chat');",
      'const prompt: string | null | undefined = chat?.systemPrompt;',
      "const translate = document.querySelector('aperto-translate');",
      "const to: string | undefined = translate?.to;",
      "chat?.addEventListener('aperto-message', (event: ApertoMessageEvent) => console.log(event.detail.content));",
      'console.log(prompt, to, chat instanceof ApertoChat);',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'], strict: true, noEmit: true, types: [] },
      include: ['src/**/*.ts'],
    }),
  );
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts=false', tarball], { cwd: app, stdio: 'pipe' });
  return app;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** Serves a built app's folder as a static host would; resolves to its URL, ending in "/". */
export async function serveFolder(folder: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^[/\\]+/, '');
    const file = join(folder, path || 'index.html');
    if (!file.startsWith(folder) || !(await stat(file).catch(() => undefined))?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(await readFile(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The app server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    // Chromium keeps connections open after its page has closed.
    close: () => new Promise((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}
