/**
 * What the site owner sets for the kiosk, as opposed to what a link says: the model the kiosk may
 * start by itself, and the PIN that guards its settings and the way out to the app. It lives in
 * `kiosk.json`, served beside the page by the host (the build writes it from APERTO_KIOSK_MODEL and
 * APERTO_KIOSK_PIN; see vite.kiosk.ts). A link cannot set or point elsewhere for any of it: the
 * file's address is fixed, and nothing in it is read from the URL.
 *
 * The file is public (anyone can fetch it), so it never holds the PIN itself, only a salted
 * PBKDF2-SHA-256 hash of it. That keeps people at the screen out; it does not make a short PIN
 * secret from someone who fetches the file and tries every PIN offline, so use six digits or more.
 *
 * Plain code, no DOM: the build (Node) and the page share it.
 */
import { parseServerUrl, RemoteServerError } from '../engine/remote/remote-server.js';

/** A PIN as stored: never the PIN itself. */
export interface PinHash {
  algorithm: 'PBKDF2-SHA-256';
  iterations: number;
  /** Base64. */
  salt: string;
  /** Base64, 32 bytes. */
  hash: string;
}

export interface KioskSiteConfig {
  /** Models the kiosk may start by itself, in order of preference: catalog ids or model URLs. */
  models: readonly string[];
  /** Set: the hidden settings ask for the PIN, and offer the way out to the app. */
  pin?: PinHash;
  /**
   * Set: the kiosk runs on this OpenAI-compatible server (the remote engine), its `models` the
   * server's ids. Only the owner sets it; a link can neither set nor change it.
   */
  server?: string;
}

export interface ReadSiteConfig {
  config: KioskSiteConfig;
  /** One sentence per entry of the file that could not be used. */
  problems: string[];
}

export const NO_SITE_CONFIG: KioskSiteConfig = Object.freeze({ models: Object.freeze([]) });

/** Enough that one guess takes a noticeable fraction of a second on a phone. */
export const PIN_ITERATIONS = 600_000;
const MIN_ITERATIONS = 10_000;
const MAX_ITERATIONS = 10_000_000;
export const MIN_PIN_LENGTH = 4;
const MAX_PIN_LENGTH = 128;
const MAX_MODELS = 8;
const MAX_MODEL_LENGTH = 2048;
const KNOWN_KEYS = ['model', 'pin', 'server'];
/** A host that does not answer does not keep the kiosk at "Starting…". */
const FETCH_TIMEOUT_MS = 5000;

function base64(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

function fromBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

async function derive(pin: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('This page cannot check a PIN: the browser offers no Web Crypto here (it needs https or localhost).');
  const key = await subtle.importKey('raw', new TextEncoder().encode(pin.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** The stored form of a PIN, with a fresh random salt. For the build, never for the page. */
export async function hashPin(pin: string, iterations = PIN_ITERATIONS): Promise<PinHash> {
  const problem = pinProblem(pin);
  if (problem) throw new Error(problem);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return { algorithm: 'PBKDF2-SHA-256', iterations, salt: base64(salt), hash: base64(await derive(pin, salt, iterations)) };
}

/** Why a PIN cannot be used, or undefined. */
export function pinProblem(pin: string): string | undefined {
  if (pin.length < MIN_PIN_LENGTH) return `The kiosk PIN must have at least ${MIN_PIN_LENGTH} characters (six digits or more is better).`;
  if (pin.length > MAX_PIN_LENGTH) return `The kiosk PIN must have at most ${MAX_PIN_LENGTH} characters.`;
  return undefined;
}

/** Whether `pin` is the one the owner set. Compares the whole hash, whatever differs first. */
export async function pinMatches(pin: string, stored: PinHash): Promise<boolean> {
  const salt = fromBase64(stored.salt);
  const expected = fromBase64(stored.hash);
  if (!salt || !expected || pin.length > MAX_PIN_LENGTH) return false;
  const actual = await derive(pin, salt, stored.iterations);
  let difference = actual.length ^ expected.length;
  for (let i = 0; i < actual.length; i++) difference |= actual[i] ^ (expected[i] ?? 0);
  return difference === 0;
}

/** The contents of `kiosk.json` for these settings (the build calls this). */
export async function kioskSiteFile(settings: { models?: readonly string[]; pin?: string; server?: string }): Promise<string> {
  const models = [...(settings.models ?? [])];
  const file: Record<string, unknown> = {};
  if (models.length) file.model = models.length === 1 ? models[0] : models;
  if (settings.server !== undefined) file.server = settings.server;
  if (settings.pin !== undefined) file.pin = await hashPin(settings.pin);
  const { problems } = parseKioskSiteConfig(file);
  if (problems.length) throw new Error(problems.join(' '));
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Read the file's parsed JSON. Anything unusable is left out and named; nothing throws. */
export function parseKioskSiteConfig(json: unknown): ReadSiteConfig {
  const problems: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { config: NO_SITE_CONFIG, problems: ['The site’s kiosk.json is not an object with “model” and “pin”; it is ignored.'] };
  }
  const record = json as Record<string, unknown>;
  const config: { models: readonly string[]; pin?: PinHash; server?: string } = { models: [] };

  const model = record.model;
  const models = typeof model === 'string' ? [model] : Array.isArray(model) ? model : model === undefined ? [] : undefined;
  if (!models || models.length > MAX_MODELS || models.some((m) => typeof m !== 'string' || !m.trim() || m.length > MAX_MODEL_LENGTH)) {
    problems.push(`The site’s kiosk.json has a “model” that is not a model id or URL (or a list of up to ${MAX_MODELS}); no model is configured.`);
  } else {
    config.models = (models as string[]).map((m) => m.trim());
  }

  if (record.pin !== undefined) {
    const pin = checkPinHash(record.pin);
    if (pin) config.pin = pin;
    else {
      problems.push('The site’s kiosk.json has a “pin” that is not a PIN hash the kiosk can check, so the way out of the kiosk stays closed. Write it with the build (APERTO_KIOSK_PIN).');
    }
  }
  if (record.server !== undefined) {
    try {
      if (typeof record.server !== 'string') throw new RemoteServerError('It is not a text.');
      config.server = parseServerUrl(record.server, 'http:');
    } catch (error) {
      problems.push(`The site’s kiosk.json has a “server” that cannot be used, so the kiosk runs models on this device. ${(error as Error).message}`);
    }
  }
  for (const key of Object.keys(record).filter((k) => !KNOWN_KEYS.includes(k)).slice(0, 3)) {
    problems.push(`The site’s kiosk.json has an entry “${key.slice(0, 40)}” the kiosk does not know; it is ignored. Known: ${KNOWN_KEYS.join(', ')}.`);
  }
  return { config, problems };
}

function checkPinHash(value: unknown): PinHash | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { algorithm, iterations, salt, hash } = value as Record<string, unknown>;
  if (algorithm !== 'PBKDF2-SHA-256') return undefined;
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) return undefined;
  if (typeof salt !== 'string' || (fromBase64(salt)?.length ?? 0) < 8) return undefined;
  if (typeof hash !== 'string' || fromBase64(hash)?.length !== 32) return undefined;
  return { algorithm, iterations, salt, hash };
}

/**
 * Fetch and read the site's kiosk.json. No file (404, or a host answering with its HTML page) is
 * no configuration; so is no network (an offline kiosk then starts a model stored on the device,
 * and keeps the way out closed), and so is a host that does not answer within 5 s. A file that is
 * there but unusable is named in `problems`.
 */
export async function loadKioskSiteConfig(url: URL, fetcher: typeof fetch = fetch): Promise<ReadSiteConfig> {
  let response: Response;
  try {
    // Asking for JSON keeps single-page-app hosts from answering with their index.html.
    response = await fetcher(url, {
      cache: 'no-store',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch {
    return { config: NO_SITE_CONFIG, problems: [] };
  }
  if (!response.ok || !/json/i.test(response.headers.get('content-type') ?? '')) return { config: NO_SITE_CONFIG, problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(await response.text());
  } catch (error) {
    if (error instanceof DOMException) return { config: NO_SITE_CONFIG, problems: [] };
    return { config: NO_SITE_CONFIG, problems: ['The site’s kiosk.json is not valid JSON; it is ignored, so no model is configured and the way out of the kiosk stays closed.'] };
  }
  return parseKioskSiteConfig(json);
}
