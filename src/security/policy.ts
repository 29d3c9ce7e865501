/**
 * The headers every Aperto page and file is served with: cross-origin isolation and the
 * Content-Security-Policy. One module, used by the dev and preview servers (vite.config.ts), the
 * end-to-end test server (test/e2e/serve-built-app.ts) and, copied into the README, static hosts.
 * Plain strings, no DOM and no Node: it runs in the config, the tests and the browser alike.
 *
 * What the policy allows, and why:
 * - scripts and workers only from this origin. `'wasm-unsafe-eval'` lets WebAssembly compile
 *   (llama.cpp, web-llm's model libraries, onnxruntime); `eval` and `new Function` stay forbidden.
 *   Workers also from `blob:`, because wllama starts llama.cpp's worker, its threads and its file
 *   writer from blob: URLs it makes from code bundled into our own script.
 * - connections to this origin and to the hosts the catalogs download from (MODEL_SOURCES).
 * - styles from this origin and inline: the two pages carry a few lines of start-up CSS that must
 *   show before any script runs. Elements style themselves through constructed style sheets
 *   (Lit's adoptedStyleSheets), which the policy does not govern. Inline CSS cannot send anything
 *   anywhere: images, fonts and connections are limited to the sources above.
 * - no plugins (`object-src 'none'`), no `<base>` (`base-uri 'none'`), forms post only here, and
 *   framing only by this origin unless the host says otherwise (`frame-ancestors`).
 */

/**
 * Cross-origin isolation lets the CPU engine (wllama) run llama.cpp on several threads: they share
 * memory through SharedArrayBuffer, which browsers only offer to isolated pages. Model downloads
 * are CORS fetches, which `require-corp` allows.
 */
export const CROSS_ORIGIN_ISOLATION: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Where models come from: the Hugging Face hub (web-llm's catalog, the GGUF catalog, Whisper) and
 * raw.githubusercontent.com (web-llm's compiled model libraries). The hub answers a download with a
 * redirect to its storage hosts, and a policy checks every hop: those hosts change over time
 * (cdn-lfs.huggingface.co, then cdn-lfs*.hf.co and cas-bridge.xethub.hf.co, now also
 * us.aws.cdn.hf.co and more; the hub lists its current ones at huggingface.co/.well-known/meta.json),
 * all under hf.co or huggingface.co, so both are allowed with their subdomains.
 */
export const MODEL_SOURCES: readonly string[] = [
  'https://huggingface.co',
  'https://*.huggingface.co',
  'https://*.hf.co',
  'https://raw.githubusercontent.com',
];

export interface PolicyOptions {
  /**
   * More sources the app may download models from: a mirror, your own model host
   * (`https://models.example.org`), a test hub. Models added by URL on any other host are refused
   * by the browser.
   */
  connectSrc?: readonly string[];
  /** Pages that may show Aperto in a frame. Default `'self'`; `'none'` forbids every frame. */
  frameAncestors?: readonly string[];
}

const SOURCE = /^(?:'(?:self|none)'|(?:https?|wss?):\/\/(?:\*\.)?[a-z0-9.-]+(?::(?:\d{1,5}|\*))?(?:\/[^\s;,']*)?)$/i;

/**
 * Check sources that come from configuration (environment variables): one bad character (`;`, a
 * space) would otherwise add directives of its own to the header.
 */
export function checkedSources(sources: readonly string[], what: string): string[] {
  for (const source of sources) {
    if (!SOURCE.test(source)) {
      throw new Error(`${what}: “${source}” is not a source this policy accepts (an origin such as https://models.example.org, https://*.example.org, 'self' or 'none').`);
    }
  }
  return [...sources];
}

/** Read a space- or comma-separated list of sources, as the environment gives it. */
export function sourceList(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,]+/).filter(Boolean);
}

function directives(options: PolicyOptions): Array<[string, string[]]> {
  return [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
    ['worker-src', ["'self'", 'blob:']],
    ['connect-src', ["'self'", ...MODEL_SOURCES, ...checkedSources(options.connectSrc ?? [], 'connect-src')]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'self'"]],
    ['frame-ancestors', checkedSources(options.frameAncestors ?? ["'self'"], 'frame-ancestors')],
  ];
}

function serialise(list: Array<[string, string[]]>): string {
  return list.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** The Content-Security-Policy header value. */
export function contentSecurityPolicy(options: PolicyOptions = {}): string {
  return serialise(directives(options));
}

/**
 * The same policy for a `<meta http-equiv="Content-Security-Policy">` element, for hosts that
 * cannot send headers. Browsers ignore `frame-ancestors` there (and say so in the console), so it
 * is left out: framing can only be limited by a header.
 */
export function contentSecurityPolicyForMeta(options: PolicyOptions = {}): string {
  return serialise(directives(options).filter(([name]) => name !== 'frame-ancestors'));
}

/** Every header an Aperto page or file needs: cross-origin isolation and the policy. */
export function securityHeaders(options: PolicyOptions = {}): Record<string, string> {
  return { ...CROSS_ORIGIN_ISOLATION, 'Content-Security-Policy': contentSecurityPolicy(options) };
}

/**
 * Whether the policy lets the app download from `url`, as a browser would judge connect-src
 * (scheme, host with `*.` wildcards, port). For telling a person before a download fails.
 */
export function allowsConnection(url: string | URL, pageOrigin: string, options: PolicyOptions = {}): boolean {
  const target = new URL(url);
  if (target.origin === pageOrigin) return true;
  return [...MODEL_SOURCES, ...(options.connectSrc ?? [])].some((source) => matchesSource(target, source));
}

function matchesSource(target: URL, source: string): boolean {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(\*\.)?([^/:]+)(?::(\d+|\*))?/i.exec(source);
  if (!match) return false;
  const [, scheme, wildcard, host, port] = match;
  if (target.protocol !== `${scheme.toLowerCase()}:`) return false;
  const targetHost = target.hostname.toLowerCase();
  const hostOk = wildcard ? targetHost.endsWith(`.${host.toLowerCase()}`) : targetHost === host.toLowerCase();
  const defaultPort = target.protocol === 'https:' ? '443' : '80';
  const targetPort = target.port || defaultPort;
  const portOk = port === '*' || targetPort === (port ?? defaultPort);
  return hostOk && portOk;
}
