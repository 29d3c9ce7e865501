/**
 * The kiosk is configured entirely by its URL. Every parameter is checked; a bad one gives a
 * message naming it and what is allowed, and the kiosk carries on with a sane default, so an
 * unattended screen never ends up blank because of a typo in a link.
 */
import type { EnginePreference } from './engine-choice.js';
import {
  checkContext,
  checkEngine,
  checkIdle,
  checkLanguage,
  checkLocale,
  checkMode,
  checkModel,
  checkSwitch,
  shown,
  type KioskMode,
  type ModelReference,
} from './parameters.js';

export interface KioskConfig {
  mode: KioskMode;
  model?: ModelReference;
  engine: EnginePreference;
  from: string;
  to: string;
  hud: boolean;
  /** Seconds without input before the screen starts over; 0: never. */
  idleSeconds: number;
  /** The page's language tag, when given. */
  lang?: string;
  /** Tokens of context to allocate for the model; undefined: the engine's default. */
  contextSize?: number;
}

export const KIOSK_PARAMETERS = ['mode', 'model', 'engine', 'from', 'to', 'hud', 'idle', 'lang', 'context', 'kiosk'] as const;

export interface ParsedKiosk {
  config: KioskConfig;
  /** One sentence per parameter that could not be used. */
  problems: string[];
}

export function parseKioskParams(params: URLSearchParams): ParsedKiosk {
  const problems: string[] = [];
  const take = <T>(checked: { value: T; problem?: string }): T => {
    if (checked.problem) problems.push(checked.problem);
    return checked.value;
  };
  const get = (name: string) => params.get(name);

  const lang = take(checkLocale(get('lang')));
  const contextSize = take(checkContext(get('context')));
  const langTarget = lang?.split('-')[0];
  const config: KioskConfig = {
    mode: take(checkMode(get('mode'))),
    model: take(checkModel(get('model'))),
    engine: take(checkEngine(get('engine'))),
    from: take(checkLanguage('from', get('from'), 'auto')),
    // Captions default to the page's language when it is one the translator offers.
    to: take(checkLanguage('to', get('to'), checkLanguage('to', langTarget ?? null, 'en').value)),
    hud: take(checkSwitch('hud', get('hud'), true)),
    idleSeconds: take(checkIdle(get('idle'))),
    ...(lang ? { lang } : {}),
    ...(contextSize ? { contextSize } : {}),
  };

  const unknown = [...new Set(params.keys())].filter((name) => !(KIOSK_PARAMETERS as readonly string[]).includes(name));
  for (const name of unknown.slice(0, 5)) {
    problems.push(`The link has a parameter “${shown(name)}” that the kiosk does not know; it is ignored. Known: ${KIOSK_PARAMETERS.filter((p) => p !== 'kiosk').join(', ')}.`);
  }
  return { config, problems };
}
