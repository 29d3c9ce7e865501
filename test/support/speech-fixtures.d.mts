export interface SpeechFixture {
  name: string;
  /** Absolute path on this machine (for Chromium's fake microphone). */
  wavPath: string;
  /** File name inside SPEECH_FIXTURE_DIR (served to the browser as /fixtures/speech/<file>). */
  file: string;
  sampleRate: number;
  durationMs: number;
  /** Where each sentence's speech starts and ends, in ms from the start of the file. */
  speech: { text: string; startMs: number; endMs: number }[];
  /** The silences between sentences, in ms from the start of the file. */
  pauses: { startMs: number; endMs: number }[];
}
export declare const SPEECH_FIXTURE_DIR: string;
export declare function makeSpeechFixture(options: {
  name: string;
  sentences: string[];
  pauseMs?: number;
  leadMs?: number;
  tailMs?: number;
  voice?: string;
  wordsPerMinute?: number;
}): SpeechFixture;
export declare function twoSentencesWithPause(): SpeechFixture;
