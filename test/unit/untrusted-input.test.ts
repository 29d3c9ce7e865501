/**
 * Fuzzing every door untrusted text comes in by: kiosk URL parameters, element attribute values,
 * imported conversation files, conversations and settings read back from storage, models added by
 * URL and the app's own link parameters. Hundreds of random and hostile values (seeded, so a
 * failure repeats): nothing may throw anything but a rejection that says why, in a sentence.
 */
import { describe, expect, it } from 'vitest';
import { parseEnginePreference } from '../../src/app/engine-choice.js';
import { parseKioskParams } from '../../src/app/kiosk-params.js';
import { checkEngine, checkLanguage, checkModel, checkNumber, checkSwitch, checkText } from '../../src/app/parameters.js';
import { parseRoute } from '../../src/app/routes.js';
import { ImportError, parseImport, parseStoredConversation, parseStoredSettings } from '../../src/chat/conversation.js';
import { customCpuEntry } from '../../src/engine/cpu/cpu-library.js';
import { customGpuEntry } from '../../src/engine/gpu-library.js';
import { CustomModelError } from '../../src/engine/model-library.js';

const HOSTILE = [
  '',
  ' ',
  '\u0000',
  '\u202e\u200b\ufeff',
  '<script>alert(1)</script>',
  '"><svg onload=alert(1)>',
  "'; DROP TABLE models; --",
  'javascript:alert(1)',
  'data:text/html,<b>x</b>',
  'blob:https://example.org/1',
  'file:///etc/passwd',
  'http://',
  'https://user:pass@example.org/m.gguf',
  'https://example.org/../../m.gguf',
  'https://example.org/m.gguf?x=<script>',
  'https://[::1]/m.gguf',
  'https://example.org/' + 'a'.repeat(5000) + '.gguf',
  '__proto__',
  'constructor',
  '{"__proto__":{"polluted":true}}',
  '1e309',
  '-0',
  'NaN',
  '%00%2e%2e',
  '🦄'.repeat(300),
  'x'.repeat(100_000),
];

/** xorshift32: the same "random" values on every run. */
function randomValues(count: number, seed = 0x2545f491): string[] {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const alphabet = 'aZ09-_.:/?#[]@!$&\'()*+,;=%<>"{}|\\^`~ \t\n\u0000\u00e9\u4e2d\u{1f600}';
  const chars = [...alphabet];
  return Array.from({ length: count }, (_, i) => {
    const length = Math.floor(next() ** 3 * 400);
    const body = Array.from({ length }, () => chars[Math.floor(next() * chars.length)]).join('');
    // Some values start like the real thing, to reach deeper checks.
    const prefixes = ['', 'https://example.org/', 'http://127.0.0.1/hub/', 'Qwen3-', 'auto', '0.', '{"messages":['];
    return prefixes[i % prefixes.length] + body;
  });
}

const VALUES = [...HOSTILE, ...randomValues(400)];

/** A rejection explains itself: a real sentence, not a stack trace or an empty string. */
function expectExplained(message: string | undefined): void {
  expect(message).toBeTypeOf('string');
  expect(message!.trim().length).toBeGreaterThan(10);
  expect(message!.length).toBeLessThan(600);
  expect(message).not.toMatch(/\n\s+at |undefined|\[object Object\]/);
}

describe('untrusted input (fuzzed, ' + VALUES.length + ' values per door)', () => {
  it('kiosk URL parameters: never throw; every rejection names the parameter', () => {
    for (const value of VALUES) {
      for (const name of ['mode', 'model', 'engine', 'from', 'to', 'hud', 'idle', 'lang', 'context']) {
        const { problems } = parseKioskParams(new URLSearchParams([[name, value]]));
        for (const problem of problems) {
          expectExplained(problem);
          expect(problem).toContain(`“${name}”`);
        }
      }
      const raw = parseKioskParams(new URLSearchParams(value.slice(0, 2000)));
      raw.problems.forEach(expectExplained);
    }
  });

  it('element attributes: every check returns a usable value, and a reason when it rejected the input', () => {
    for (const value of VALUES) {
      const checks = [
        checkEngine(value, 'attribute'),
        checkLanguage('from', value, 'auto', 'attribute'),
        checkLanguage('to', value, 'en', 'attribute'),
        checkNumber('temperature', value, { min: 0, max: 2, fallback: undefined }, 'attribute'),
        checkSwitch('hud', value, false, 'attribute'),
        checkModel(value, 'attribute'),
        checkText('system-prompt', value, 8000),
      ];
      for (const checked of checks) {
        if (checked.problem !== undefined) expectExplained(checked.problem);
      }
      const temperature = checks[3].value as number | undefined;
      if (temperature !== undefined) expect(temperature >= 0 && temperature <= 2).toBe(true);
    }
  });

  it('imported conversations: a bad file is refused with an ImportError saying why, never another error', () => {
    const files = [
      ...VALUES,
      ...VALUES.slice(0, 100).map((v) => JSON.stringify({ format: 'aperto.conversation/v1', conversation: { title: v, messages: [{ role: 'user', content: v }, { role: v, content: 1 }] } })),
      ...VALUES.slice(0, 100).map((v) => JSON.stringify({ messages: [{ role: 'assistant', content: v, status: v, figures: { decodeTokensPerSecond: v } }], settings: { temperature: v } })),
      '{"__proto__":{"polluted":1},"messages":[]}',
    ];
    let refused = 0;
    for (const file of files) {
      try {
        const conversation = parseImport(file);
        expect(Array.isArray(conversation.messages)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(ImportError);
        expectExplained((error as Error).message);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(files.length / 2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stored conversations and settings: a bad record is refused with an ImportError saying why, never another error', () => {
    const parsed = (v: string): unknown => {
      try {
        return JSON.parse(v);
      } catch {
        return v;
      }
    };
    const records: unknown[] = [
      undefined,
      null,
      ...VALUES.map(parsed),
      ...VALUES.slice(0, 100).map((v) => ({ id: v, title: v, updatedAt: v, messages: [{ role: 'user', content: v, id: 1 }] })),
      ...VALUES.slice(0, 100).map((v) => ({ messages: [{ role: 'assistant', content: v, status: v, droppedTurns: v }], settings: { systemPrompt: v, topP: v } })),
    ];
    let refused = 0;
    for (const record of records) {
      for (const read of [() => parseStoredConversation(record, 'id'), () => parseStoredSettings(record)]) {
        try {
          read();
        } catch (error) {
          expect(error).toBeInstanceOf(ImportError);
          expectExplained((error as Error).message);
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(records.length / 2);
  });

  it('models added by URL: refused with a CustomModelError saying why, never another error', () => {
    for (const value of VALUES) {
      for (const add of [
        () => customCpuEntry({ url: value }, new Set()),
        () => customGpuEntry({ url: value, libraryUrl: value }, new Set()),
        () => customGpuEntry({ url: 'https://example.org/m', libraryUrl: value }, new Set()),
      ]) {
        try {
          const entry = add();
          expect(entry.modelUrl).toMatch(/^https?:\/\//);
        } catch (error) {
          expect(error, String(error)).toBeInstanceOf(CustomModelError);
          expectExplained((error as Error).message);
        }
      }
    }
  });

  it('the app link: engine and route values never throw, and an unknown engine is explained', () => {
    for (const value of VALUES) {
      const engine = parseEnginePreference(value);
      if (engine.error) expectExplained(engine.error);
      expect(() => parseRoute(`#/${value}`)).not.toThrow();
    }
  });
});
