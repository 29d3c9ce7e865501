/**
 * The audio path of the translation pipeline with a scripted recogniser (Whisper's weights cannot
 * be downloaded here) and the scripted engine: partial hypotheses → LocalAgreement-2 → translation
 * of the committed source → final recognition → final translation, with figures.
 */
import { describe, expect, it } from 'vitest';
import { TranslationPipeline, type Recognizer } from '../../src/translate/pipeline.js';
import { guessLanguage } from '../../src/translate/language-guess.js';
import type { SourceListener, SpeechSource } from '../../src/translate/types.js';
import { ScriptedEngine } from '../support/scripted-engine.js';

class ScriptedSource implements SpeechSource {
  readonly kind = 'microphone' as const;
  listener!: SourceListener;
  async start(listener: SourceListener) {
    this.listener = listener;
  }
  async stop() {}
}

/** Answers each transcription with the next scripted hypothesis (the last one is the final). */
function scriptedRecognizer(hypotheses: string[], fail?: Error): Recognizer & { calls: number } {
  const recognizer = {
    calls: 0,
    async transcribe() {
      const text = hypotheses[Math.min(recognizer.calls, hypotheses.length - 1)];
      recognizer.calls++;
      if (fail && recognizer.calls === hypotheses.length) throw fail;
      return { text, language: 'en' };
    },
  };
  return recognizer;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

async function speak(source: ScriptedSource, partials: number) {
  source.listener.speechStart?.(0);
  for (let i = 0; i < partials; i++) {
    source.listener.partialAudio?.(new Float32Array(16000 * (i + 1)), 1);
    await settle();
  }
  source.listener.speechEnd?.({ id: 1, startMs: 0, endMs: 3000, audio: new Float32Array(48000), detectedAt: performance.now() });
  await settle();
  await settle();
}

describe('translation pipeline, audio path', () => {
  it('commits the agreed prefix of partials, translates it, and finishes with the final recognition', async () => {
    const engine = new ScriptedEngine((req) => ({ tokens: [`[it] ${req.messages.at(-1)!.content}`] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.to = 'it';
    pipeline.recognizer = scriptedRecognizer(['I want', 'I want to go', 'I want to go home', 'I want to go home.']);
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 3);

    const [utterance] = pipeline.utterances;
    expect(utterance.source).toEqual({ committed: 'I want to go home.', tail: '' });
    expect(utterance.status).toBe('done');
    expect(utterance.translation.committed + utterance.translation.tail).toBe('[it] I want to go home.');
    expect(engine.requests.map((r) => r.messages.at(-1)!.content)).toEqual(['I want', 'I want to go', 'I want to go home.']);
    expect(utterance.figures.speechEndToFinalMs).toBeGreaterThanOrEqual(0);
    expect(utterance.figures.finalToCompleteMs).toBeGreaterThan(0);
    expect(utterance.figures.translationErasure).toBeLessThanOrEqual(0.2);
  });

  it('keeps the recognised text and says so when no model is loaded', async () => {
    const pipeline = new TranslationPipeline(new ScriptedEngine());
    pipeline.recognizer = scriptedRecognizer(['Hello there']);
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 0);

    const [utterance] = pipeline.utterances;
    expect(utterance.source.committed).toBe('Hello there');
    expect(utterance.status).toBe('error');
    expect(utterance.error).toContain('No model is loaded');
  });

  it('reports a recognition failure at the end of speech on the utterance, keeping earlier captions', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['ok'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.recognizer = scriptedRecognizer(['first', 'first words'], Object.assign(new Error('Speech recognition failed on this utterance.'), { hint: 'Try speaking again.' }));
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 1);

    const [utterance] = pipeline.utterances;
    expect(utterance.status).toBe('error');
    expect(utterance.error).toBe('Speech recognition failed on this utterance. Try speaking again.');
  });

  it('drops an utterance in which nothing was recognised', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['x'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.recognizer = scriptedRecognizer(['']);
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 0);

    expect(pipeline.utterances).toEqual([]);
    expect(engine.requests).toEqual([]);
  });
});

describe('translation pipeline, conversation mode', () => {
  it('translates each utterance into the other person’s language, by the language it was spoken in', async () => {
    const engine = new ScriptedEngine((req) => ({ tokens: [req.messages[0].content] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.conversation = { a: 'en', b: 'it' };
    const spoken = ['Where is the station?', 'Dov’è la stazione?'];
    const languages = ['en', 'it'];
    let call = 0;
    pipeline.recognizer = {
      async transcribe() {
        return { text: spoken[Math.floor(call / 1)], language: languages[call++] };
      },
    };
    const source = new ScriptedSource();
    await pipeline.start(source);

    await speak(source, 0);
    await speak(source, 0);

    expect(pipeline.utterances.map((u) => [u.sourceLanguage, u.targetLanguage])).toEqual([
      ['en', 'it'],
      ['it', 'en'],
    ]);
    expect(engine.requests[0].messages[0].content).toContain('into Italian');
    expect(engine.requests[1].messages[0].content).toContain('into English');
  });

  it('sends typed text the other way when the second person types it', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['ok'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    pipeline.conversation = { a: 'en', b: 'ja' };
    let listener!: SourceListener;
    await pipeline.start({ kind: 'text', start: async (l) => void (listener = l), stop: async () => {} });

    listener.text?.({ text: 'こんにちは', final: true, language: 'ja', detectedAt: performance.now() });
    await settle();

    expect(pipeline.utterances[0].targetLanguage).toBe('en');
    expect(engine.requests[0].messages[0].content).toBe('Translate the following segment from Japanese into English, without additional explanation.');
  });
});

describe('translation pipeline, interim text (Web Speech)', () => {
  it('shows interim words dimmed without translating them, then translates the final text once', async () => {
    const engine = new ScriptedEngine(() => ({ tokens: ['Hello'] })).ready();
    const pipeline = new TranslationPipeline(engine);
    let listener!: SourceListener;
    await pipeline.start({ kind: 'web-speech', start: async (l) => void (listener = l), stop: async () => {} });

    listener.text?.({ text: 'Buon', final: false, language: 'it', detectedAt: 0 });
    listener.text?.({ text: 'Buongior', final: false, language: 'it', detectedAt: 0 });
    const interim = pipeline.utterances.map((u) => [u.source.tail, u.status]);
    listener.text?.({ text: 'Buongiorno', final: true, language: 'it', detectedAt: performance.now() });
    await settle();

    expect(interim).toEqual([['Buongior', 'listening']]);
    expect(pipeline.utterances).toHaveLength(1);
    expect(pipeline.utterances[0].source.committed).toBe('Buongiorno');
    expect(engine.requests).toHaveLength(1);
  });
});

describe('guessLanguage', () => {
  it.each([
    ['Where is the station, please?', 'en'],
    ['Dove è la stazione, per favore?', 'it'],
    ['¿Dónde está la estación, por favor?', 'es'],
    ['Où est la gare, s’il vous plaît ?', 'fr'],
    ['Wo ist der Bahnhof, bitte?', 'de'],
    ['駅はどこですか', 'ja'],
    ['역이 어디에 있어요?', 'ko'],
    ['火车站在哪里？', 'zh'],
    ['أين المحطة؟', 'ar'],
  ])('takes "%s" for %s', (text, language) => {
    expect(guessLanguage(text)).toBe(language);
  });

  it('chooses only between the two languages of a conversation', () => {
    expect(guessLanguage('la casa de mi madre', ['en', 'es'])).toBe('es');
  });
});
