/**
 * The Web Speech source is used only where the browser recognises on the device, unless the person
 * allows sending audio away. These tests give it stand-in recognition classes shaped like the
 * browser's (headless Chromium has no speech service), and check what reaches the pipeline.
 */
import { describe, expect, it } from 'vitest';
import { WebSpeechSource, webSpeechMode } from '../../src/translate/web-speech-source.js';
import type { SourceError, TextUtterance } from '../../src/translate/types.js';

function browserWith(availability?: string, installs = false) {
  const started: Array<{ processLocally?: boolean; lang: string; emit: (texts: Array<[string, boolean]>) => void }> = [];
  class Recognition {
    lang = '';
    continuous = false;
    interimResults = false;
    processLocally?: boolean;
    onresult: ((e: unknown) => void) | null = null;
    onerror = null;
    onend = null;
    start() {
      started.push({
        processLocally: this.processLocally,
        lang: this.lang,
        emit: (texts) =>
          this.onresult?.({ resultIndex: 0, results: texts.map(([t, isFinal]) => ({ isFinal, 0: { transcript: t } })) }),
      });
    }
    stop() {}
    static available = availability === undefined ? undefined : async () => availability;
    static install = async () => installs;
  }
  return { scope: { SpeechRecognition: Recognition }, started };
}

describe('Web Speech availability', () => {
  it.each([
    [undefined, false, 'server'],
    ['available', false, 'on-device'],
    ['downloadable', true, 'on-device'],
    ['downloadable', false, 'server'],
    ['unavailable', false, 'server'],
  ] as const)('availability %s (install works: %s) means %s', async (availability, installs, mode) => {
    expect(await webSpeechMode('en-US', browserWith(availability, installs).scope)).toBe(mode);
  });

  it('is unsupported where the browser has no recognition at all', async () => {
    expect(await webSpeechMode('en-US', {})).toBe('unsupported');
  });
});

describe('WebSpeechSource', () => {
  it('recognises on the device when it can, and passes interim and final text on', async () => {
    const browser = browserWith('available');
    const texts: TextUtterance[] = [];
    const source = new WebSpeechSource('it-IT', { scope: browser.scope });

    await source.start({ text: (t) => texts.push(t) });
    browser.started[0].emit([['Buon', false]]);
    browser.started[0].emit([['Buongiorno', true]]);

    expect(browser.started[0].processLocally).toBe(true);
    expect(browser.started[0].lang).toBe('it-IT');
    expect(texts.map((t) => [t.text, t.final, t.language])).toEqual([
      ['Buon', false, 'it'],
      ['Buongiorno', true, 'it'],
    ]);
  });

  it('refuses to send audio to a server unless the person allowed it', async () => {
    const browser = browserWith('unavailable');
    const errors: SourceError[] = [];

    await new WebSpeechSource('en-US', { scope: browser.scope }).start({ error: (e) => errors.push(e) });

    expect(browser.started).toHaveLength(0);
    expect(errors[0].message).toContain('sending the audio to its maker’s servers');
  });

  it('uses the server recogniser when the person allowed it', async () => {
    const browser = browserWith('unavailable');

    await new WebSpeechSource('en-US', { scope: browser.scope, allowServer: true }).start({});

    expect(browser.started).toHaveLength(1);
    expect(browser.started[0].processLocally).toBeUndefined();
  });
});
