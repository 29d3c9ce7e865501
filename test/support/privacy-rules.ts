/**
 * What Aperto promises about traffic once a model is on the device, as rules a recorded list of
 * requests can be checked against. The README's privacy section lists the same allowed files
 * (checked by test/unit/privacy-rules.test.ts), so the claim and the test cannot drift apart.
 *
 * After load, a request is allowed only when it is all of these:
 * - to the app's own origin (nothing to another host);
 * - a GET with no body (nothing is uploaded);
 * - free of anything the person typed or said (not in the path, not in the query);
 * - and, if it reaches the network at all, one of the app's own static files that the browser
 *   fetches by itself, on its own schedule: the service-worker update check and the page's icons
 *   and manifest. When the browser makes them depends on the browser (and its version), never on
 *   what the person does, so the test must not depend on whether they happen during it.
 */

export interface ObservedRequest {
  method: string;
  /** The absolute URL. */
  url: string;
  /** Where the request was seen: the page, a worker, the service worker, or the server's log. */
  from: string;
  /** Whether it carried a body (POST data, an upload). */
  hasBody: boolean;
}

export interface BrowserOwnRequest {
  /** The path as the README names it. */
  name: string;
  path: RegExp;
  /** Why the browser asks for it, as the README explains it. */
  why: string;
}

/** The app's own files that the browser may fetch by itself after load, and why. */
export const BROWSER_OWN_REQUESTS: readonly BrowserOwnRequest[] = [
  {
    name: '/sw.js',
    path: /^\/sw\.js$/,
    why: 'the browser checks whether the service worker changed when a page of the app is opened or reloaded (at most about once a day without a navigation)',
  },
  {
    name: '/workbox-<hash>.js',
    path: /^\/workbox-[A-Za-z0-9_-]+\.js$/,
    why: 'the script `sw.js` imports; the browser checks it together with `sw.js`',
  },
  {
    name: '/favicon.svg',
    path: /^\/favicon\.(?:svg|ico)$/,
    why: 'the tab icon',
  },
  {
    name: '/manifest.webmanifest',
    path: /^\/manifest\.webmanifest$/,
    why: 'the web app manifest, read when the browser decides whether the app can be installed',
  },
  {
    name: '/icons/<name>.png',
    path: /^\/icons\/[A-Za-z0-9_-]+\.png$/,
    why: 'the icons the manifest and the page name (home screen, install prompt)',
  },
];

/** The words of `text` long enough to be telling if they turned up in a URL. */
function tellingPieces(text: string): string[] {
  const whole = text.trim().toLowerCase();
  const words = whole.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= 5);
  return [...new Set([whole, ...words])].filter(Boolean);
}

function decoded(url: string): string {
  const plus = url.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus).toLowerCase();
  } catch {
    return plus.toLowerCase();
  }
}

/**
 * Every way `requests` break the promise, one sentence each (empty: kept).
 * `reachedNetwork` says whether these requests went to the network (or the server saw them):
 * only those must be one of BROWSER_OWN_REQUESTS; requests answered from the service worker's
 * cache still must stay on the origin, carry no body and hold nothing the person typed.
 */
export function privacyViolations(
  requests: readonly ObservedRequest[],
  { origin, typed, reachedNetwork }: { origin: string; typed: readonly string[]; reachedNetwork: boolean },
): string[] {
  const pieces = typed.flatMap(tellingPieces);
  const problems: string[] = [];
  for (const request of requests) {
    const label = `${request.from}: ${request.method} ${request.url}`;
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      problems.push(`${label} — not a URL`);
      continue;
    }
    if (url.origin !== origin) problems.push(`${label} — went to another origin than the app's (${origin})`);
    if (request.method !== 'GET' || request.hasBody) problems.push(`${label} — sent a body or used a method other than GET`);
    const where = decoded(request.url);
    const leaked = pieces.find((piece) => where.includes(piece));
    if (leaked) problems.push(`${label} — carries "${leaked}", which the person typed`);
    const ownFile = url.search === '' && BROWSER_OWN_REQUESTS.some((own) => own.path.test(url.pathname));
    if (reachedNetwork && url.origin === origin && !ownFile) {
      problems.push(`${label} — not one of the app's own files the browser fetches by itself`);
    }
  }
  return problems;
}
