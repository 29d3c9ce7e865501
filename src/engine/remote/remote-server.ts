/**
 * A remote OpenAI-compatible server (vLLM, llama.cpp's server, Ollama, LM Studio, MLC-LLM's REST
 * server): where its API is, and the key it may want. What a person or site owner types is checked
 * here, with a sentence for each way it can be wrong.
 */

export interface RemoteServer {
  /** The API's base, without a trailing slash: `…/v1`, under which `/models` and `/chat/completions` live. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never stored unless the person asks, never in a link or an export. */
  apiKey?: string;
}

/** A server address that cannot be used, with a sentence saying why. */
export class RemoteServerError extends Error {
  override name = 'RemoteServerError';
}

/** Hosts a page on https may still reach over plain http: the computer itself. */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The API base for what was typed: "http://127.0.0.1:8080", "…:8080/", "…:8080/v1" and "…/v1/" all
 * give "http://127.0.0.1:8080/v1" (every server named above serves the API under /v1); a longer path
 * (a gateway's "…/openai/v1") is kept as written.
 */
export function parseServerUrl(text: string, pageProtocol = globalThis.location?.protocol): string {
  const typed = text.trim();
  if (typed && !typed.includes('://')) {
    throw new RemoteServerError(`The server address needs its scheme: http://${typed.slice(0, 120)} or https://${typed.slice(0, 120)}.`);
  }
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    throw new RemoteServerError(`The server address must be a full web address such as http://127.0.0.1:8080/v1 (got “${typed.slice(0, 120)}”).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RemoteServerError(`The server address must start with https:// or http://, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new RemoteServerError('The server address must not contain a user name or password: put an API key in its own field.');
  }
  if (url.search || url.hash) throw new RemoteServerError('The server address must not have a query (?…) or fragment (#…).');
  if (url.protocol === 'http:' && pageProtocol === 'https:' && !LOOPBACK.test(url.hostname)) {
    throw new RemoteServerError(
      `This page is on https, so the browser will not let it talk to ${url.host} over plain http: use the server's https address, or a server on this computer (localhost).`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path === '' ? '/v1' : path}`;
}

/** "llm.example.org:8000": how the server is named to people. */
export function serverHost(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

export function serverOrigin(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

/** An endpoint of the API: `endpoint(base, 'models')`. */
export function endpoint(baseUrl: string, path: 'models' | 'chat/completions'): string {
  return `${baseUrl}/${path}`;
}

/** The sentence a person sees while the remote engine is in use. */
export function leavesTheDevice(baseUrl: string): string {
  return `Runs on ${serverHost(baseUrl)} — what you type is sent there.`;
}
