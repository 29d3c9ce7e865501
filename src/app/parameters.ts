/**
 * Checks for every value that arrives from outside: kiosk URL parameters and element attributes.
 * Each check returns a usable value and, when the input was not usable, a sentence that names the
 * parameter, shows what was given (shortened, made printable) and lists what is allowed. The
 * caller shows the sentence and carries on with the fallback; nothing here throws.
 */
import { LANGUAGES } from '../translate/languages.js';
import { ENGINE_PREFERENCES, type EnginePreference } from './engine-choice.js';

export interface Checked<T> {
  value: T;
  /** Why the given value was not used, for people. Absent when it was fine (or absent). */
  problem?: string;
}

/** How a value arrived: "The link's" parameter or "The" attribute, for the message. */
export type ValueSource = 'parameter' | 'attribute';

const SHOWN_LENGTH = 40;

/** The given value as it can safely appear in a message: printable, short, never markup. */
export function shown(raw: string): string {
  const printable = raw.replace(/[\p{C}]/gu, '').replace(/\s+/g, ' ').trim();
  return printable.length > SHOWN_LENGTH ? `${printable.slice(0, SHOWN_LENGTH)}…` : printable;
}

function problem(name: string, source: ValueSource, raw: string, allowed: string, fallback: string): string {
  const what = source === 'parameter' ? `The link’s “${name}” parameter` : `The “${name}” attribute`;
  const given = raw.trim() === '' ? 'is empty' : `is “${shown(raw)}”, which is not allowed`;
  return `${what} ${given}. Allowed: ${allowed}. Using ${fallback}.`;
}

export function checkEngine(raw: string | null, source: ValueSource = 'parameter'): Checked<EnginePreference> {
  if (raw === null) return { value: 'auto' };
  const normal = raw.trim().toLowerCase();
  if ((ENGINE_PREFERENCES as readonly string[]).includes(normal)) return { value: normal as EnginePreference };
  return { value: 'auto', problem: problem('engine', source, raw, ENGINE_PREFERENCES.join(', '), 'auto') };
}

export type KioskMode = 'chat' | 'translate';

export function checkMode(raw: string | null, source: ValueSource = 'parameter'): Checked<KioskMode> {
  if (raw === null) return { value: 'chat' };
  const normal = raw.trim().toLowerCase();
  if (normal === 'chat' || normal === 'translate') return { value: normal };
  return { value: 'chat', problem: problem('mode', source, raw, 'chat, translate', 'chat') };
}

const LANGUAGE_CODES = LANGUAGES.map((l) => l.code);

/** A translation language: one of the offered codes; the source may also be `auto` (detect). */
export function checkLanguage(
  name: 'from' | 'to',
  raw: string | null,
  fallback: string,
  source: ValueSource = 'parameter',
): Checked<string> {
  if (raw === null) return { value: fallback };
  const normal = raw.trim().toLowerCase();
  const allowed = name === 'from' ? ['auto', ...LANGUAGE_CODES] : LANGUAGE_CODES;
  if (allowed.includes(normal)) return { value: normal };
  return { value: fallback, problem: problem(name, source, raw, allowed.join(', '), fallback) };
}

const TRUE_WORDS = ['', '1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

/** A switch: `?hud` or `hud=1|true|yes|on` turn it on, `0|false|no|off` off. */
export function checkSwitch(name: string, raw: string | null, fallback: boolean, source: ValueSource = 'parameter'): Checked<boolean> {
  if (raw === null) return { value: fallback };
  const normal = raw.trim().toLowerCase();
  if (TRUE_WORDS.includes(normal)) return { value: true };
  if (FALSE_WORDS.includes(normal)) return { value: false };
  return { value: fallback, problem: problem(name, source, raw, '1, 0, true, false, yes, no, on, off', fallback ? 'on' : 'off') };
}

/** A number in a range; decimals only where `integer` is false. */
export function checkNumber(
  name: string,
  raw: string | null,
  { min, max, fallback, integer = false, unit = '' }: { min: number; max: number; fallback: number | undefined; integer?: boolean; unit?: string },
  source: ValueSource = 'parameter',
): Checked<number | undefined> {
  if (raw === null) return { value: fallback };
  const text = raw.trim();
  const value = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value))) return { value };
  const kind = integer ? 'a whole number' : 'a number';
  const fallbackText = fallback === undefined ? 'the default' : `${fallback}${unit}`;
  return { value: fallback, problem: problem(name, source, raw, `${kind} from ${min} to ${max}${unit}`, fallbackText) };
}

/** Seconds without input before a kiosk starts over; 0 turns the reset off. */
export function checkIdle(raw: string | null, source: ValueSource = 'parameter'): Checked<number> {
  const checked = checkNumber('idle', raw, { min: 0, max: 86_400, fallback: 120, integer: true, unit: ' s' }, source);
  if (checked.value !== 0 && checked.value! < 5) {
    return { value: 120, problem: problem('idle', source, raw ?? '', '0 (off) or 5 to 86400 s', '120 s') };
  }
  return checked as Checked<number>;
}

/** Fewest and most tokens of context a link may ask the engine to allocate. */
export const CONTEXT_LIMITS = Object.freeze({ min: 256, max: 131_072 });

/**
 * Tokens of context the engine allocates for a model (`context`): less uses less memory and makes
 * long conversations drop their oldest exchanges sooner. Unset: the engine's default.
 */
export function checkContext(raw: string | null, source: ValueSource = 'parameter'): Checked<number | undefined> {
  return checkNumber('context', raw, { ...CONTEXT_LIMITS, fallback: undefined, integer: true, unit: ' tokens' }, source);
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const MAX_URL_LENGTH = 2048;

export type ModelReference = { kind: 'id'; id: string } | { kind: 'url'; url: string };

/**
 * A model: a catalog id (letters, digits, `.`, `_`, `-`) or an http(s) URL. Whether the id exists
 * depends on the engine, so that is checked later, against its catalog.
 */
export function checkModel(raw: string | null, source: ValueSource = 'parameter'): Checked<ModelReference | undefined> {
  if (raw === null) return { value: undefined };
  const text = raw.trim();
  if (MODEL_ID.test(text)) return { value: { kind: 'id', id: text } };
  if (/^https?:\/\//i.test(text) && text.length <= MAX_URL_LENGTH) {
    try {
      const url = new URL(text);
      if (url.username || url.password) throw new Error('credentials');
      return { value: { kind: 'url', url: url.href } };
    } catch {
      // falls through to the message
    }
  }
  return {
    value: undefined,
    problem: problem('model', source, raw, 'a model id from the catalog, or an http(s) URL of a model', 'the recommended model'),
  };
}

/** A BCP 47 language tag for the page (`lang`), e.g. `de` or `pt-BR`. */
export function checkLocale(raw: string | null, source: ValueSource = 'parameter'): Checked<string | undefined> {
  if (raw === null) return { value: undefined };
  try {
    const [canonical] = Intl.getCanonicalLocales(raw.trim());
    // ISO 639 languages have 2- or 3-letter codes; longer primary subtags exist only in theory.
    if (canonical && raw.length <= 35 && /^[a-z]{2,3}(-|$)/i.test(canonical)) return { value: canonical };
  } catch {
    // not a language tag
  }
  return { value: undefined, problem: problem('lang', source, raw, 'a language tag such as en, de or pt-BR', 'the browser’s language') };
}

/** Free text (a system prompt): any characters, up to a length. */
export function checkText(name: string, raw: string | null, maxLength: number, source: ValueSource = 'attribute'): Checked<string | undefined> {
  if (raw === null) return { value: undefined };
  if (raw.length <= maxLength) return { value: raw };
  const what = source === 'parameter' ? `The link’s “${name}” parameter` : `The “${name}” attribute`;
  return { value: raw.slice(0, maxLength), problem: `${what} is longer than ${maxLength} characters; only the first ${maxLength} are used.` };
}
