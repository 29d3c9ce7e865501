/**
 * Which hosts this page (or worker) may download from, as the browser itself judges its
 * Content-Security-Policy's `connect-src` — whatever the policy is: the header the server sends
 * (which the page cannot read), a `<meta>` copy, or both. policy.ts writes the policy; this asks the
 * browser what the policy in force says, so a model on a host it leaves out is refused with a
 * sentence that names the host, instead of failing as a dropped connection retried three times.
 *
 * The browser reports every refusal as a `securitypolicyviolation` event, in the document or worker
 * whose request it refused, a moment after the request has failed with a plain network error.
 */

/** How long after a refused request its violation event may still arrive (seen: under 10 ms). */
const VIOLATION_WAIT_MS = 250;

/** The sentence for a model host the policy leaves out: the host, and how a site owner allows it. */
export function hostRefusal(url: string | URL): string {
  const { host, origin } = new URL(url);
  return (
    `This site’s Content-Security-Policy does not allow downloads from ${host}; ` +
    `the site’s owner can allow them by adding ${origin} to APERTO_MODEL_HOSTS (or to connect-src in the policy the server sends).`
  );
}

/** Whether a violation's blocked URI is `url` (or its origin: browsers may report only that). */
function blocks(event: SecurityPolicyViolationEvent, url: URL): boolean {
  if (event.effectiveDirective !== 'connect-src' || !event.blockedURI) return false;
  return event.blockedURI === url.href || event.blockedURI.startsWith(url.origin);
}

/**
 * Whether the policy in force refuses connections to `url`, asked without sending anything: a
 * `fetch` in `same-origin` mode to another origin is refused by the browser before it reaches the
 * network, and the policy is checked first (Fetch, "main fetch"), so only a refusal by the policy
 * fires a violation. An allowed host costs a console line ("Request mode is same-origin…") and
 * nothing else. Same-origin URLs are not asked about: 'self' is always allowed, and such a request
 * would really be sent.
 */
export async function refusedByPolicy(url: string, waitMs = VIOLATION_WAIT_MS): Promise<boolean> {
  let target: URL;
  try {
    target = new URL(url, globalThis.location?.href);
  } catch {
    return false;
  }
  if (!/^https?:$/.test(target.protocol) || target.origin === globalThis.location?.origin) return false;
  return new Promise<boolean>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onViolation = (event: Event) => {
      if (blocks(event as SecurityPolicyViolationEvent, target)) settle(true);
    };
    const settle = (refused: boolean) => {
      clearTimeout(timer);
      globalThis.removeEventListener('securitypolicyviolation', onViolation);
      resolve(refused);
    };
    globalThis.addEventListener('securitypolicyviolation', onViolation);
    fetch(target, { mode: 'same-origin', credentials: 'omit', cache: 'no-store', redirect: 'error' }).then(
      () => settle(false),
      () => (timer = setTimeout(() => settle(false), waitMs)),
    );
  });
}

/** The first of `urls` whose host the policy refuses, if any. */
export async function firstRefused(urls: readonly (string | undefined)[]): Promise<string | undefined> {
  const present = urls.filter((url): url is string => !!url);
  const refused = await Promise.all(present.map((url) => refusedByPolicy(url)));
  return present.find((_url, i) => refused[i]);
}

/**
 * The connections the policy refused in this document or worker, for telling a download the policy
 * stopped (never worth retrying) from a dropped connection. Listens from construction on.
 */
export class ConnectViolations {
  private readonly seen: Array<{ url: string; at: number }> = [];
  private readonly waiting = new Set<() => void>();

  constructor(scope: EventTarget = globalThis) {
    scope.addEventListener('securitypolicyviolation', (event) => {
      const violation = event as SecurityPolicyViolationEvent;
      if (violation.effectiveDirective !== 'connect-src' || !violation.blockedURI) return;
      this.seen.push({ url: violation.blockedURI, at: performance.now() });
      if (this.seen.length > 20) this.seen.shift();
      for (const wake of this.waiting) wake();
    });
  }

  /**
   * A URL the policy refused since `since` (a `performance.now()` time), waiting up to `waitMs`
   * for a refusal still to be reported: the event comes after the request has already failed.
   */
  async refusedSince(since: number, waitMs = VIOLATION_WAIT_MS): Promise<string | undefined> {
    const find = () => this.seen.find((entry) => entry.at >= since)?.url;
    if (find() || waitMs <= 0) return find();
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, waitMs);
      this.waiting.add(wake);
    });
    return find();
  }
}
