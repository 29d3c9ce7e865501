/** <aperto-translate> with typed text, driven as a person would, replies from the scripted engine. */
import { expect, fixture, html } from '@open-wc/testing';
import type { ApertoTranslate } from '../../src/elements/translate/translate.js';
import '../../src/elements/translate/translate.define.js';
import type { ChatRequest } from '../../src/engine/chat-engine.js';
import type { SourceListener, SpeechSource } from '../../src/translate/types.js';
import { ScriptedEngine, tokensOf } from '../support/scripted-engine.js';
import { deepQueryAll, deepText, findButton, waitFor } from '../support/dom.js';

/** The text a translation request asks to translate (between the prompt's <text> tags). */
function sourceOf(request: ChatRequest): string {
  const ask = request.messages.at(-1)!.content;
  if (!ask.includes('</text>')) return ask;
  return ask.slice(ask.lastIndexOf('<text>') + '<text>'.length, ask.lastIndexOf('</text>'));
}

async function mount(engine: ScriptedEngine, attributes = html``) {
  const element = await fixture<ApertoTranslate>(html`<aperto-translate .engine=${engine} to="it">${attributes}</aperto-translate>`);
  await element.updateComplete;
  return element;
}

async function typeAndTranslate(element: ApertoTranslate, text: string) {
  const box = deepQueryAll<HTMLTextAreaElement>(element, 'textarea[aria-label="Text to translate"]')[0];
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await element.updateComplete;
  box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
}

const translations = (element: Element) => deepQueryAll(element, '.translation, .line').map((el) => deepText(el));

describe('<aperto-translate>', () => {
  it('translates typed text with a greedy, non-thinking request into the chosen language', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: tokensOf('Buongiorno a tutti.'), delayMs: 5 })).ready();
    const element = await mount(engine);

    await typeAndTranslate(element, 'Good morning everyone.');
    await waitFor(() => translations(element)[0] === 'Buongiorno a tutti.', 'the translation');

    const request = engine.requests[0];
    expect(request.messages).to.have.length(1);
    expect(request.messages[0].role).to.equal('user');
    expect(request.messages[0].content).to.match(
      /^Translate the text between <text> and <\/text> into Italian\. Write only the translation\.\n<text>Good morning everyone\.<\/text>/,
    );
    expect(request.stop).to.deep.equal(['\n']);
    expect(request.temperature).to.equal(0);
    expect(request.enableThinking).to.equal(false);
    expect(deepText(element)).to.include('Good morning everyone.');
  });

  it('carries the last committed pairs as context for the next utterance', async () => {
    const engine = new ScriptedEngine((req) => ({ tokens: [`IT(${sourceOf(req)})`] })).ready();
    const element = await mount(engine);

    for (const line of ['one', 'two', 'three']) await typeAndTranslate(element, line);
    await waitFor(() => translations(element).length === 3 && translations(element)[2] === 'IT(three)', 'three translations');

    const turns = engine.requests[2].messages;
    expect(turns.map((m) => m.role)).to.deep.equal(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(turns.map((m) => (m.role === 'user' ? sourceOf({ ...engine.requests[2], messages: [m] }) : m.content))).to.deep.equal([
      'one',
      'IT(one)',
      'two',
      'IT(two)',
      'three',
    ]);
  });

  it('shows the last three captions in the HUD, white on black, with the source line small', async () => {
    const engine = new ScriptedEngine((req) => ({ tokens: [`T:${sourceOf(req)}`] })).ready();
    const element = await mount(engine);
    element.hud = true;
    for (const line of ['a', 'b', 'c', 'd']) await typeAndTranslate(element, line);
    await waitFor(() => deepText(element).includes('T:d'), 'the fourth caption');

    const hud = deepQueryAll<HTMLElement>(element, '[part="hud"]')[0];
    const captions = [...hud.querySelectorAll('[part="caption"]')].map((c) => c.textContent!.trim());
    expect(captions).to.deep.equal(['T:b', 'T:c', 'T:d']);
    expect(getComputedStyle(hud).backgroundColor).to.equal('rgb(0, 0, 0)');
    const caption = hud.querySelector<HTMLElement>('[part="caption"]')!;
    const source = hud.querySelector<HTMLElement>('.line-source')!;
    expect(getComputedStyle(caption).color).to.equal('rgb(255, 255, 255)');
    expect(parseFloat(getComputedStyle(source).fontSize)).to.be.lessThan(parseFloat(getComputedStyle(caption).fontSize));
  });

  it('sizes HUD captions from --aperto-caption-size', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['Ciao'] })).ready();
    const element = await mount(engine);
    element.hud = true;
    element.style.setProperty('--aperto-caption-size', '50px');
    await typeAndTranslate(element, 'Hi');

    const caption = await waitFor(() => deepQueryAll<HTMLElement>(element, '[part="caption"]')[0], 'a caption');
    expect(getComputedStyle(caption).fontSize).to.equal('50px');
  });

  it('shows latency figures per utterance', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: tokensOf('Uno due tre'), delayMs: 10 })).ready();
    const element = await mount(engine);

    await typeAndTranslate(element, 'One two three');
    const complete = await waitFor(() => {
      const cell = deepQueryAll(element, '[data-figure="complete"]')[0];
      return cell && /\d+ ms/.test(cell.textContent!) && cell;
    }, 'the figures');

    expect(deepQueryAll(element, '[data-figure="first-token"]')[0].textContent).to.match(/\d+ ms/);
    expect(complete.textContent).to.match(/\d+ ms/);
  });

  it('keeps the text and says what to do when no model is loaded', async () => {
    const element = await mount(new ScriptedEngine());

    await typeAndTranslate(element, 'Please keep this');
    await waitFor(() => deepQueryAll(element, '[role="alert"]')[0], 'the error');

    expect(deepText(element)).to.include('Please keep this');
    expect(deepQueryAll(element, '[role="alert"]')[0].textContent).to.include('No model is loaded');
  });

  it('exports the figures as JSON', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['Ciao'] })).ready();
    const element = await mount(engine);
    await typeAndTranslate(element, 'Hi');
    await waitFor(() => element.pipeline.utterances[0]?.status === 'done', 'the translation');

    const figures = element.pipeline.figures();
    expect(figures[0]).to.include({ id: 1, source: 'Hi', translation: 'Ciao' });
    expect(figures[0].finalToCompleteMs).to.be.a('number');
    expect(findButton(element, 'Export figures (JSON)')).to.exist;
  });
});

describe('<aperto-translate> speech input', () => {
  it('says clearly when the speech recognition model cannot be downloaded, keeping earlier captions', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['Ciao'] })).ready();
    const element = await mount(engine);
    await typeAndTranslate(element, 'Hi');
    await waitFor(() => element.pipeline.utterances[0]?.status === 'done', 'the typed translation');

    const input = deepQueryAll<HTMLSelectElement>(element, 'select[aria-label="Input"]')[0];
    input.value = 'microphone';
    input.dispatchEvent(new Event('change'));
    await element.updateComplete;
    findButton(element, 'Start listening')!.click();
    // This machine has no internet, like a visitor who lost the connection.
    await waitFor(() => deepText(element).includes('could not be downloaded'), 'the download error', 60_000);

    expect(deepText(element)).to.include('typed text still works');
    expect(translations(element)).to.deep.equal(['Ciao']);
    expect(findButton(element, 'Start listening')).to.exist;
  });
});

describe('<aperto-translate> conversation mode', () => {
  it('offers one button per direction, and the second person’s text goes into the first person’s language', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['Good morning'] })).ready();
    const element = await fixture<ApertoTranslate>(
      html`<aperto-translate .engine=${engine} from="en" to="it" conversation></aperto-translate>`,
    );
    const box = deepQueryAll<HTMLTextAreaElement>(element, 'textarea[aria-label="Text to translate"]')[0];
    box.value = 'Buongiorno';
    box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await element.updateComplete;

    findButton(element, 'Italiano → English')!.click();
    await waitFor(() => translations(element)[0] === 'Good morning', 'the translation');

    expect(engine.requests[0].messages[0].content).to.match(/^Translate the text between <text> and <\/text> from Italian into English\./);
    expect(sourceOf(engine.requests[0])).to.equal('Buongiorno');
    expect(findButton(element, 'English → Italiano')).to.exist;
  });
});

/** A microphone the test speaks into: each utterance is recognised as the text it was given. */
class TestMicrophone implements SpeechSource {
  readonly kind = 'microphone' as const;
  listener?: SourceListener;
  heard = '';
  async start(listener: SourceListener) {
    this.listener = listener;
  }
  async stop() {
    this.listener = undefined;
  }
  say(text: string) {
    this.heard = text;
    const now = performance.now();
    this.listener?.speechStart?.(0);
    this.listener?.speechEnd?.({ id: 1, startMs: 0, endMs: 1000, audio: new Float32Array(16000), detectedAt: now, lastVoicedAt: now - 300 });
  }
}

/**
 * Speech synthesis that plays through the room: what it says, the microphone hears while it speaks.
 * Stands in for the browser's, which headless Chromium has no voices for.
 */
class RoomSpeech {
  readonly said: string[] = [];
  constructor(private readonly microphone: TestMicrophone) {}
  getVoices() {
    return [{ localService: true, lang: 'it-IT', name: 'Italiano (on this device)' }];
  }
  speak(utterance: EventTarget & { text: string }) {
    this.said.push(utterance.text);
    setTimeout(() => this.microphone.say(utterance.text), 20);
    setTimeout(() => utterance.dispatchEvent(new Event('end')), 100);
    // The room's echo and the VAD's lag: still heard a moment after the voice stopped.
    setTimeout(() => this.microphone.say(utterance.text), 300);
  }
  cancel() {}
}

class FakeUtterance extends EventTarget {
  voice: unknown;
  lang = '';
  constructor(readonly text: string) {
    super();
  }
}

describe('<aperto-translate> reading translations aloud', () => {
  const globals = ['speechSynthesis', 'SpeechSynthesisUtterance'] as const;
  const saved = new Map<string, PropertyDescriptor | undefined>();
  beforeEach(() => globals.forEach((name) => saved.set(name, Object.getOwnPropertyDescriptor(window, name))));
  afterEach(() => {
    for (const name of globals) {
      const descriptor = saved.get(name);
      if (descriptor) Object.defineProperty(window, name, descriptor);
      else delete (window as unknown as Record<string, unknown>)[name];
    }
  });

  it('does not translate its own voice coming back through the microphone, and listens again afterwards', async () => {
    const microphone = new TestMicrophone();
    const room = new RoomSpeech(microphone);
    Object.defineProperty(window, 'speechSynthesis', { value: room, configurable: true, writable: true });
    Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: FakeUtterance, configurable: true, writable: true });
    const engine = new ScriptedEngine((req) => ({ tokens: [sourceOf(req) === 'Where is the station?' ? 'Dov’è la stazione?' : `IT(${sourceOf(req)})`] })).ready();
    const element = await fixture<ApertoTranslate>(html`<aperto-translate .engine=${engine} from="en" to="it" speak></aperto-translate>`);
    element.pipeline.recognizer = { transcribe: async () => ({ text: microphone.heard, language: 'en' }) };
    await element.pipeline.start(microphone);

    microphone.say('Where is the station?');
    await waitFor(() => room.said.length > 0, 'the translation read aloud');
    // The echo is heard at 20 ms and 300 ms; the voice ends at 100 ms, the margin lasts 500 ms more.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const afterReading = translations(element);
    microphone.say('Thank you.');
    await waitFor(() => translations(element).includes('IT(Thank you.)'), 'the next thing said');

    expect(afterReading).to.deep.equal(['Dov’è la stazione?']);
    expect(translations(element)).to.deep.equal(['Dov’è la stazione?', 'IT(Thank you.)']);
    expect(engine.requests.map(sourceOf)).to.deep.equal(['Where is the station?', 'Thank you.']);
    expect(room.said).to.deep.equal(['Dov’è la stazione?', 'IT(Thank you.)']);
    expect(deepQueryAll(element, '[data-figure="speech-end-first-token"]')[0].textContent).to.match(/\d+ ms/);
  });
});
