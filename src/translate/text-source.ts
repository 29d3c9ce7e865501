import type { SourceListener, SpeechSource } from './types.js';

/** Typed text: each submitted line is one finished utterance. */
export class TextSource implements SpeechSource {
  readonly kind = 'text' as const;
  private listener?: SourceListener;

  async start(listener: SourceListener): Promise<void> {
    this.listener = listener;
  }

  async stop(): Promise<void> {
    this.listener = undefined;
  }

  /** `language`: who is typing, in conversation mode. */
  submit(text: string, language?: string): void {
    const clean = text.trim();
    if (clean) this.listener?.text?.({ text: clean, final: true, detectedAt: performance.now(), ...(language ? { language } : {}) });
  }
}
