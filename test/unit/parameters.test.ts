import { describe, expect, it } from 'vitest';
import { parseKioskParams } from '../../src/app/kiosk-params.js';
import { checkEngine, checkIdle, checkLanguage, checkModel, checkNumber, checkSwitch, checkText, shown } from '../../src/app/parameters.js';

const kiosk = (query: string) => parseKioskParams(new URLSearchParams(query));

/** Values people (and attackers) put in links: each must be rejected with a reason, never thrown. */
const BAD_VALUES = [
  '',
  ' ',
  'unknown',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '0x10',
  'x'.repeat(10_000),
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '\u0000\u202e\u200b',
  '../../etc/passwd',
  '%00',
  '🦄',
];

/** Values on the list that are legitimately valid for one parameter. */
const ACCEPTED: Record<string, string[]> = {
  hud: ['', ' '], // a bare `?hud` switches it on
  lang: ['NaN'], // well-formed language tags ("nan" is Min Nan)
};

describe('kiosk URL parameters', () => {
  it('takes a complete, valid link as it is', () => {
    const { config, problems } = kiosk('mode=translate&model=Qwen3-0.6B-q4f16_1-MLC&engine=cpu&from=de&to=it&hud=0&idle=30&lang=de-CH');
    expect(problems).toEqual([]);
    expect(config).toEqual({
      mode: 'translate',
      model: { kind: 'id', id: 'Qwen3-0.6B-q4f16_1-MLC' },
      engine: 'cpu',
      from: 'de',
      to: 'it',
      hud: false,
      idleSeconds: 30,
      lang: 'de-CH',
    });
  });

  it('uses sane defaults when the link says nothing', () => {
    const { config, problems } = kiosk('');
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ mode: 'chat', engine: 'auto', from: 'auto', to: 'en', hud: true, idleSeconds: 120 });
    expect(config.model).toBeUndefined();
  });

  it('accepts a model URL and a bare ?hud switch', () => {
    const { config, problems } = kiosk('model=https%3A%2F%2Fexample.org%2Fm.gguf&hud');
    expect(problems).toEqual([]);
    expect(config.model).toEqual({ kind: 'url', url: 'https://example.org/m.gguf' });
    expect(config.hud).toBe(true);
  });

  it('shows captions in the page language when no target is given', () => {
    expect(kiosk('lang=fr').config.to).toBe('fr');
    expect(kiosk('lang=sv').config.to).toBe('en'); // not a language the translator offers
  });

  const configKey = (name: string) => ({ idle: 'idleSeconds', context: 'contextSize' })[name] ?? name;
  for (const name of ['mode', 'engine', 'from', 'to', 'hud', 'idle', 'lang', 'model', 'context']) {
    it(`rejects every bad value of “${name}” with a message naming it, and falls back`, () => {
      const defaults = kiosk('').config;
      for (const value of BAD_VALUES) {
        if (ACCEPTED[name]?.includes(value)) continue;
        if (name === 'model' && /^[A-Za-z0-9]/.test(value) && !/[^A-Za-z0-9._-]/.test(value) && value.length < 200) continue; // an id
        const { config, problems } = kiosk(`${name}=${encodeURIComponent(value)}`);
        expect(problems, `${name}=${value.slice(0, 30)}`).toHaveLength(1);
        expect(problems[0]).toContain(`“${name}”`);
        expect(problems[0]).toMatch(/Allowed: .+\. Using .+\.$/);
        expect(problems[0].length).toBeLessThan(400);
        expect((config as unknown as Record<string, unknown>)[configKey(name)]).toEqual(
          (defaults as unknown as Record<string, unknown>)[configKey(name)],
        );
      }
    });
  }

  it('takes a context size in tokens, within what engines can allocate', () => {
    expect(kiosk('context=512').config.contextSize).toBe(512);
    expect(kiosk('').config.contextSize).toBeUndefined();
    expect(kiosk('context=100').problems).toEqual([
      'The link’s “context” parameter is “100”, which is not allowed. Allowed: a whole number from 256 to 131072 tokens. Using the default.',
    ]);
  });

  it('names unknown parameters and ignores them', () => {
    const { problems } = kiosk('mdoe=chat&kiosk');
    expect(problems).toEqual([expect.stringMatching(/parameter “mdoe” that the kiosk does not know.*Known: mode, model/)]);
  });
});

describe('value checks', () => {
  it('shortens and cleans what it quotes back', () => {
    expect(shown('a\u0000b\u202ec' + 'x'.repeat(100))).toBe(`abc${'x'.repeat(37)}…`);
  });

  it('reads engine names case-insensitively', () => {
    expect(checkEngine(' WebGPU ')).toEqual({ value: 'webgpu' });
    expect(checkEngine('gpu', 'attribute').problem).toBe('The “engine” attribute is “gpu”, which is not allowed. Allowed: auto, webgpu, cpu, remote. Using auto.');
  });

  it('keeps numbers inside their range', () => {
    expect(checkNumber('temperature', '0.7', { min: 0, max: 2, fallback: undefined })).toEqual({ value: 0.7 });
    expect(checkNumber('temperature', '2.5', { min: 0, max: 2, fallback: undefined }).problem).toMatch(/from 0 to 2/);
    expect(checkNumber('temperature', '1e0', { min: 0, max: 2, fallback: undefined }).value).toBeUndefined();
  });

  it('allows an idle reset of 0 (off) or at least 5 s', () => {
    expect(checkIdle('0')).toEqual({ value: 0 });
    expect(checkIdle('5')).toEqual({ value: 5 });
    expect(checkIdle('3')).toMatchObject({ value: 120, problem: expect.stringMatching(/0 \(off\) or 5 to 86400/) });
    expect(checkIdle('2.5').value).toBe(120);
  });

  it('lets the source language be detected, but not the target', () => {
    expect(checkLanguage('from', 'auto', 'auto')).toEqual({ value: 'auto' });
    expect(checkLanguage('to', 'auto', 'en').problem).toMatch(/“to”.*Using en/);
  });

  it('reads switches', () => {
    expect(checkSwitch('hud', 'off', true)).toEqual({ value: false });
    expect(checkSwitch('hud', 'maybe', true).value).toBe(true);
  });

  it('refuses model URLs with credentials or other schemes', () => {
    expect(checkModel('https://user:pw@example.org/m.gguf').problem).toBeDefined();
    expect(checkModel('ftp://example.org/m.gguf').problem).toBeDefined();
    expect(checkModel('data:text/plain,hi').problem).toBeDefined();
  });

  it('cuts over-long text and says so', () => {
    expect(checkText('system-prompt', 'abcdef', 3)).toEqual({ value: 'abc', problem: expect.stringMatching(/longer than 3/) });
  });
});
