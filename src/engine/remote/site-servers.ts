/**
 * The remote servers a site allows: its owner's `APERTO_REMOTE_SERVERS`, which at build time both
 * widens the Content-Security-Policy's connect-src and becomes `remote-servers.json` beside the
 * pages (vite.remote.ts). The page reads the file to offer those servers and to refuse any other
 * before the browser does: a link can choose the remote engine, never the host it talks to.
 */
import { parseServerUrl, RemoteServerError, serverOrigin } from './remote-server.js';

/** More would be a mistake in the configuration, not a list to show. */
const MAX_SERVERS = 20;
export const SITE_SERVERS_FILE = 'remote-servers.json';

/** The owner's list (space-separated addresses) as API bases; a bad address stops the build, named. */
export function parseServerList(text: string | undefined): string[] {
  const typed = (text ?? '').split(/\s+/).filter(Boolean);
  if (typed.length > MAX_SERVERS) throw new RemoteServerError(`APERTO_REMOTE_SERVERS lists ${typed.length} servers; at most ${MAX_SERVERS}.`);
  return [...new Set(typed.map((address) => {
    try {
      // The owner may list http servers for an https site only on this computer; the browser would block others.
      return parseServerUrl(address, 'http:');
    } catch (error) {
      throw new RemoteServerError(`APERTO_REMOTE_SERVERS: “${address.slice(0, 120)}”: ${(error as Error).message}`);
    }
  }))];
}

export function siteServersFile(servers: readonly string[]): string {
  return `${JSON.stringify({ servers }, null, 2)}\n`;
}

/** The origins connect-src must allow for these servers. */
export function serverOrigins(servers: readonly string[]): string[] {
  return [...new Set(servers.map(serverOrigin))];
}

/**
 * The site's servers, read from the file beside the page and checked as untrusted data: anything
 * but a list of valid addresses counts as none. No file (most sites): none.
 */
export async function readSiteServers(base: string | URL = globalThis.location?.href ?? 'http://localhost/', fetcher: typeof fetch = fetch): Promise<string[]> {
  try {
    const response = await fetcher(new URL(SITE_SERVERS_FILE, base), { cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok) return [];
    const body = (await response.json()) as { servers?: unknown };
    if (!Array.isArray(body?.servers)) return [];
    const servers: string[] = [];
    for (const item of body.servers.slice(0, MAX_SERVERS)) {
      if (typeof item !== 'string') continue;
      try {
        servers.push(parseServerUrl(item, 'http:'));
      } catch {
        // One bad entry does not hide the others.
      }
    }
    return [...new Set(servers)];
  } catch {
    return [];
  }
}
