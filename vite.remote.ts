/**
 * The site owner's remote servers (used by vite.config.ts): APERTO_REMOTE_SERVERS, space-separated
 * OpenAI-compatible API addresses, become `remote-servers.json` beside the pages, which the app
 * offers in Models (src/engine/remote/site-servers.ts); vite.config.ts adds their origins to
 * connect-src. Unset: no file, no origin, and the remote engine says the site has no server.
 */
import type { Plugin } from 'vite';
import { parseServerList, SITE_SERVERS_FILE, siteServersFile } from './src/engine/remote/site-servers.ts';

export function remoteServers(env: Record<string, string | undefined> = process.env): string[] {
  return parseServerList(env.APERTO_REMOTE_SERVERS);
}

export function remoteServerSettings(servers: readonly string[]): Plugin[] {
  if (!servers.length) return [];
  const contents = siteServersFile(servers);
  return [
    {
      name: 'aperto-remote-servers',
      generateBundle() {
        this.emitFile({ type: 'asset', fileName: SITE_SERVERS_FILE, source: contents });
      },
      configureServer(server) {
        server.middlewares.use(`/${SITE_SERVERS_FILE}`, (_req, res) => {
          res.setHeader('Content-Type', 'application/json');
          res.setHeader('Cache-Control', 'no-store');
          res.end(contents);
        });
      },
    },
  ];
}
