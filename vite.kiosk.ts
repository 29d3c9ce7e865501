/**
 * The site owner's kiosk settings (used by vite.config.ts): APERTO_KIOSK_MODEL (catalog ids or
 * model URLs, space-separated, first that the kiosk's engine knows wins), APERTO_KIOSK_PIN and
 * APERTO_KIOSK_SERVER (an OpenAI-compatible server the kiosk runs on; its origin joins connect-src)
 * become `kiosk.json` beside the pages, with the PIN stored only as a salted hash (src/app/kiosk-site.ts).
 * Neither set: no file is written, and a host may serve its own kiosk.json.
 */
import type { Plugin } from 'vite';
import { kioskSiteFile } from './src/app/kiosk-site.ts';

export function kioskSiteSettings(env: Record<string, string | undefined> = process.env): Plugin[] {
  const models = (env.APERTO_KIOSK_MODEL ?? '').split(/\s+/).filter(Boolean);
  const pin = env.APERTO_KIOSK_PIN;
  const server = env.APERTO_KIOSK_SERVER?.trim() || undefined;
  if (!models.length && pin === undefined && server === undefined) return [];
  // Hashed once per build or dev server, so the file does not change between requests.
  let file: Promise<string> | undefined;
  const contents = () => (file ??= kioskSiteFile({ models, ...(pin === undefined ? {} : { pin }), ...(server ? { server } : {}) }));
  return [
    {
      name: 'aperto-kiosk-site-settings',
      async buildStart() {
        // A PIN too short or a model list too long stops the build, with the reason.
        await contents();
      },
      async generateBundle() {
        this.emitFile({ type: 'asset', fileName: 'kiosk.json', source: await contents() });
      },
      configureServer(server) {
        server.middlewares.use('/kiosk.json', (_req, res) => {
          void contents().then((text) => {
            res.setHeader('Content-Type', 'application/json');
            res.setHeader('Cache-Control', 'no-store');
            res.end(text);
          });
        });
      },
    },
  ];
}
