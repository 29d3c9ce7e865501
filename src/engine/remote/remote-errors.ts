/**
 * What can go wrong talking to a remote server, each as a sentence a person can act on. The browser
 * reports a refused connection and a server that forbids this page (CORS) alike; a second request
 * that needs no permission tells them apart (`diagnoseUnreachable`), except on a cross-origin
 * isolated page such as the app, where that request is blocked too: one sentence then names both.
 */
import type { EngineError } from '../errors.js';
import { serverHost } from './remote-server.js';

function remote(message: string, hint: string, detail?: string): EngineError {
  return { code: 'remote', message, hint, ...(detail ? { detail } : {}) };
}

export function unreachable(baseUrl: string, detail?: string): EngineError {
  return remote(
    `Could not connect to ${serverHost(baseUrl)}: nothing answered there.`,
    'Check that the server is running and the address (host, port, /v1) is right; what you typed is kept.',
    detail,
  );
}

function thisPage(): string {
  return globalThis.location?.origin ?? 'this page';
}

export function unreachableOrCors(baseUrl: string, detail?: string): EngineError {
  return remote(
    `Could not reach ${serverHost(baseUrl)}: nothing answers there, or the server does not allow this page (${thisPage()}) to read its answers (CORS).`,
    `Check that the server is running at this address (host, port, /v1), and that its CORS settings allow ${thisPage()} (README: Remote engine).`,
    detail,
  );
}

export function corsRefused(baseUrl: string, detail?: string): EngineError {
  const origin = thisPage();
  return remote(
    `${serverHost(baseUrl)} answered, but does not allow this page (${origin}) to read its answers (CORS).`,
    `Allow ${origin} in the server's CORS settings (see the README: llama.cpp, vLLM, Ollama, LM Studio), then try again.`,
    detail,
  );
}

export function refusedKey(baseUrl: string, status: number, detail?: string): EngineError {
  return remote(
    `${serverHost(baseUrl)} refused the API key (HTTP ${status}).`,
    status === 401 ? 'Check the API key in Models → Remote server; it is sent as "Authorization: Bearer …".' : 'This key may not use that model or endpoint: check its permissions on the server.',
    detail,
  );
}

export function noSuchModel(baseUrl: string, modelId: string, offered: readonly string[] = []): EngineError {
  return remote(
    `${serverHost(baseUrl)} has no model “${modelId.slice(0, 120)}”.`,
    offered.length ? `It offers: ${offered.slice(0, 8).join(', ')}${offered.length > 8 ? ', …' : ''}. Choose one in Models.` : 'Choose one of its models in Models.',
  );
}

export function httpFailure(baseUrl: string, status: number, detail?: string): EngineError {
  return remote(`${serverHost(baseUrl)} answered with an error (HTTP ${status}).`, 'Try again; if it keeps failing, look at the server’s log.', detail);
}

export function notAnApi(baseUrl: string, detail?: string): EngineError {
  return remote(
    `${serverHost(baseUrl)} answered, but not as an OpenAI-compatible API.`,
    'Check the address: it usually ends in /v1 (for example http://127.0.0.1:8080/v1).',
    detail,
  );
}

export function silent(baseUrl: string, seconds: number): EngineError {
  return remote(
    `${serverHost(baseUrl)} has not answered for ${seconds} s.`,
    'The server may be overloaded or stuck: try again, or check it. What arrived so far is kept.',
  );
}

export function cutOff(baseUrl: string, detail?: string): EngineError {
  return remote(
    `The connection to ${serverHost(baseUrl)} broke off in the middle of the reply; what arrived is kept.`,
    'Check that the server is still running, then send again.',
    detail,
  );
}

export function notAllowedBySite(baseUrl: string, allowed: readonly string[]): EngineError {
  return remote(
    `This site does not let the app talk to ${serverHost(baseUrl)}.`,
    allowed.length
      ? `It allows: ${allowed.join(', ')}. A site owner adds a server with APERTO_REMOTE_SERVERS (README, Remote engine).`
      : 'A site owner allows a server with APERTO_REMOTE_SERVERS when building or starting the app (README, Remote engine).',
  );
}

/**
 * After a fetch failed without a response: ask once more in a way that needs no permission (an
 * opaque `no-cors` request). An answer means the server is there and CORS forbade the first
 * request. No answer means nothing answered, except on a cross-origin isolated page (COEP), which
 * blocks an opaque answer from a server that does not opt in (CORP) just as it blocks silence.
 */
export async function diagnoseUnreachable(
  baseUrl: string,
  url: string,
  raw: unknown,
  fetcher: typeof fetch = fetch,
  isolated: boolean = globalThis.crossOriginIsolated === true,
): Promise<EngineError> {
  const detail = raw instanceof Error ? `${raw.name}: ${raw.message}` : String(raw);
  try {
    await fetcher(url, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(5000) });
    return corsRefused(baseUrl, detail);
  } catch {
    return isolated ? unreachableOrCors(baseUrl, detail) : unreachable(baseUrl, detail);
  }
}
