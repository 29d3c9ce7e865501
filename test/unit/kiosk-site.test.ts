/**
 * The site owner's kiosk settings (src/app/kiosk-site.ts, vite.kiosk.ts): kiosk.json holds the
 * owner's model and a salted hash of the PIN, never the PIN; a file that is missing, an HTML page,
 * or unreadable is no configuration; and a link cannot carry any of it.
 */
import type { Plugin } from 'vite';
import { describe, expect, it } from 'vitest';
import { parseKioskParams } from '../../src/app/kiosk-params.js';
import { hashPin, kioskSiteFile, loadKioskSiteConfig, parseKioskSiteConfig, pinMatches } from '../../src/app/kiosk-site.js';

/**
 * vite.kiosk.ts sits beside vite.config.ts, outside the type-checked tree (its `.ts` imports are
 * for Vite's config loader), so it is imported here by a path the type checker does not follow.
 */
const VITE_KIOSK = '../../vite.kiosk.ts';
const { kioskSiteSettings } = (await import(/* @vite-ignore */ VITE_KIOSK)) as {
  kioskSiteSettings: (env: Record<string, string | undefined>) => Plugin[];
};

/** Few iterations: these tests check the arithmetic, not the cost. */
const FAST = 10_000;

describe('the kiosk PIN', () => {
  it('matches the PIN it was made from and no other', async () => {
    const stored = await hashPin('482913', FAST);
    expect(await pinMatches('482913', stored)).toBe(true);
    expect(await pinMatches('482914', stored)).toBe(false);
    expect(await pinMatches('', stored)).toBe(false);
  });

  it('is stored salted: the same PIN twice gives different hashes, neither containing it', async () => {
    const [a, b] = [await hashPin('482913', FAST), await hashPin('482913', FAST)];
    expect(a.hash).not.toBe(b.hash);
    expect(JSON.stringify(a)).not.toContain('482913');
  });

  it('must have at least 4 characters', async () => {
    await expect(hashPin('123')).rejects.toThrow(/at least 4 characters/);
  });
});

describe('kiosk.json', () => {
  it('may name the owner’s OpenAI-compatible server, which must be a usable address', async () => {
    const file = JSON.parse(await kioskSiteFile({ models: ['smollm2'], server: 'http://10.0.0.5:8000' }));
    expect(parseKioskSiteConfig(file).config).toMatchObject({ models: ['smollm2'], server: 'http://10.0.0.5:8000/v1' });

    const bad = parseKioskSiteConfig({ model: 'smollm2', server: 'ftp://10.0.0.5' });
    expect(bad.config.server).toBeUndefined();
    expect(bad.problems.join(' ')).toMatch(/“server” that cannot be used, so the kiosk runs models on this device/);
  });

  it('reads a model (or a list) and a PIN hash written by the build', async () => {
    const text = await kioskSiteFile({ models: ['Qwen3-0.6B-Q8_0-GGUF', 'Qwen3-0.6B-q4f16_1-MLC'], pin: '482913' });
    expect(text).not.toContain('482913');
    const { config, problems } = parseKioskSiteConfig(JSON.parse(text));
    expect(problems).toEqual([]);
    expect(config.models).toEqual(['Qwen3-0.6B-Q8_0-GGUF', 'Qwen3-0.6B-q4f16_1-MLC']);
    expect(await pinMatches('482913', config.pin!)).toBe(true);
  });

  it('names what it cannot use, and keeps the way out closed when the PIN is not a hash', () => {
    const { config, problems } = parseKioskSiteConfig({ model: 42, pin: '1234', colour: 'red' });
    expect(config).toEqual({ models: [] });
    expect(problems).toEqual([
      expect.stringMatching(/“model” that is not a model id or URL/),
      expect.stringMatching(/“pin” that is not a PIN hash .* the way out of the kiosk stays closed/),
      expect.stringMatching(/entry “colour” the kiosk does not know/),
    ]);
    expect(parseKioskSiteConfig([1, 2]).problems[0]).toMatch(/is not an object/);
  });

  const respond = (body: string, status = 200, type = 'application/json') => (async () =>
    new Response(status === 404 ? null : body, { status, headers: { 'Content-Type': type } })) as unknown as typeof fetch;
  const url = new URL('https://kiosk.example.org/kiosk.json');

  it('is no configuration when missing, answered with an HTML page, or out of reach', async () => {
    expect(await loadKioskSiteConfig(url, respond('', 404))).toEqual({ config: { models: [] }, problems: [] });
    expect(await loadKioskSiteConfig(url, respond('<!doctype html><title>App</title>', 200, 'text/html'))).toEqual({ config: { models: [] }, problems: [] });
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    expect(await loadKioskSiteConfig(url, offline)).toEqual({ config: { models: [] }, problems: [] });
  });

  it('says so when the file is there but not JSON', async () => {
    const { config, problems } = await loadKioskSiteConfig(url, respond('{ model: nope'));
    expect(config).toEqual({ models: [] });
    expect(problems[0]).toMatch(/kiosk\.json is not valid JSON/);
  });

  it('cannot come from a link: “pin” and the like are unknown kiosk parameters', () => {
    const { problems } = parseKioskParams(new URLSearchParams('pin=1234&kiosk_model=x'));
    expect(problems).toEqual([
      expect.stringMatching(/parameter “pin” that the kiosk does not know/),
      expect.stringMatching(/parameter “kiosk_model” that the kiosk does not know/),
    ]);
  });
});

describe('the build setting (APERTO_KIOSK_MODEL, APERTO_KIOSK_PIN)', () => {
  type Hook = (this: { emitFile: (file: { fileName: string; source: string }) => void }) => Promise<void>;

  it('writes nothing when neither is set', () => {
    expect(kioskSiteSettings({})).toEqual([]);
  });

  it('writes kiosk.json beside the pages with the model and the PIN’s hash', async () => {
    const [plugin] = kioskSiteSettings({ APERTO_KIOSK_MODEL: 'Qwen3-0.6B-Q8_0-GGUF', APERTO_KIOSK_PIN: '482913' }) as Plugin[];
    const emitted: Array<{ fileName: string; source: string }> = [];
    await (plugin.generateBundle as unknown as Hook).call({ emitFile: (file) => emitted.push(file) });
    expect(emitted.map((f) => f.fileName)).toEqual(['kiosk.json']);
    expect(emitted[0].source).not.toContain('482913');
    const { config } = parseKioskSiteConfig(JSON.parse(emitted[0].source));
    expect(config.models).toEqual(['Qwen3-0.6B-Q8_0-GGUF']);
    expect(await pinMatches('482913', config.pin!)).toBe(true);
  });

  it('stops the build on a PIN too short', async () => {
    const [plugin] = kioskSiteSettings({ APERTO_KIOSK_PIN: '12' }) as Plugin[];
    await expect((plugin.buildStart as unknown as Hook).call({ emitFile: () => undefined })).rejects.toThrow(/at least 4 characters/);
  });
});
