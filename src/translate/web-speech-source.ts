/**
 * The browser's own speech recognition (Web Speech API). Used only where the browser recognises on
 * the device (`processLocally`, Chrome 139+); otherwise it sends audio to the browser maker's servers,
 * so it is offered only when the person allows that explicitly.
 */
import type { SourceErrorCode, SourceListener, SpeechSource } from './types.js';

export type WebSpeechMode = 'on-device' | 'server' | 'unsupported';

interface RecognitionAlternative {
  transcript: string;
}
interface RecognitionResult {
  readonly isFinal: boolean;
  readonly 0: RecognitionAlternative;
}
interface RecognitionEvent {
  readonly resultIndex: number;
  readonly results: ArrayLike<RecognitionResult>;
}
interface Recognition {
  lang: string;
  continuous: boolean;
  interimResults: boolean;
  processLocally?: boolean;
  onresult: ((event: RecognitionEvent) => void) | null;
  onerror: ((event: { error: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
}
interface RecognitionConstructor {
  new (): Recognition;
  available?(options: { langs: string[]; processLocally: boolean }): Promise<string>;
  install?(options: { langs: string[]; processLocally: boolean }): Promise<boolean>;
}

function recognitionClass(scope: object): RecognitionConstructor | undefined {
  const s = scope as { SpeechRecognition?: RecognitionConstructor; webkitSpeechRecognition?: RecognitionConstructor };
  return s.SpeechRecognition ?? s.webkitSpeechRecognition;
}

/** Whether this browser can recognise `language` on the device, only through a server, or not at all. */
export async function webSpeechMode(language: string, scope: object = globalThis): Promise<WebSpeechMode> {
  const Recognition = recognitionClass(scope);
  if (!Recognition) return 'unsupported';
  if (!Recognition.available) return 'server';
  try {
    const availability = await Recognition.available({ langs: [language], processLocally: true });
    if (availability === 'available') return 'on-device';
    if (availability === 'downloadable' || availability === 'downloading') {
      const installed = await Recognition.install?.({ langs: [language], processLocally: true });
      return installed ? 'on-device' : 'server';
    }
  } catch {
    // Treat an API that throws like one that cannot recognise locally.
  }
  return 'server';
}

const ERRORS: Record<string, { code: SourceErrorCode; message: string; hint: string }> = {
  'not-allowed': {
    code: 'microphone-denied',
    message: 'The browser did not allow the microphone.',
    hint: 'Allow the microphone for this site (the icon in the address bar), then start again.',
  },
  'audio-capture': {
    code: 'microphone-missing',
    message: 'No microphone was found.',
    hint: 'Connect a microphone, or choose an audio file or typed text instead.',
  },
  'language-not-supported': {
    code: 'unsupported',
    message: 'The browser cannot recognise speech in that language.',
    hint: 'Choose another language, or use the Whisper microphone input.',
  },
};

export class WebSpeechSource implements SpeechSource {
  readonly kind = 'web-speech' as const;
  private recognition?: Recognition;
  private stopped = false;

  constructor(
    private readonly language: string,
    private readonly options: { allowServer?: boolean; scope?: object } = {},
  ) {}

  async start(listener: SourceListener): Promise<void> {
    this.stopped = false;
    const scope = this.options.scope ?? globalThis;
    const mode = await webSpeechMode(this.language, scope);
    if (mode === 'unsupported' || (mode === 'server' && !this.options.allowServer)) {
      listener.error?.({
        code: 'unsupported',
        message:
          mode === 'unsupported'
            ? 'This browser has no speech recognition of its own.'
            : 'This browser can only recognise speech by sending the audio to its maker’s servers.',
        hint: 'Use the Microphone input, which recognises speech on this device.',
      });
      return;
    }
    const Recognition = recognitionClass(scope)!;
    const recognition = (this.recognition = new Recognition());
    recognition.lang = this.language;
    recognition.continuous = true;
    recognition.interimResults = true;
    if (mode === 'on-device') recognition.processLocally = true;
    recognition.onresult = (event) => {
      for (let i = event.resultIndex; i < event.results.length; i++) {
        const result = event.results[i];
        listener.text?.({ text: result[0].transcript, final: result.isFinal, language: this.language.slice(0, 2), detectedAt: performance.now() });
      }
    };
    recognition.onerror = (event) => {
      if (event.error === 'no-speech' || event.error === 'aborted') return;
      const known = ERRORS[event.error];
      listener.error?.(
        known ?? { code: 'unsupported', message: `Speech recognition stopped (${event.error}).`, hint: 'Start listening again.' },
      );
    };
    // Browsers end continuous recognition after a while of silence; keep listening until stopped.
    recognition.onend = () => {
      if (!this.stopped) recognition.start();
    };
    recognition.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.recognition?.stop();
    this.recognition = undefined;
  }
}
