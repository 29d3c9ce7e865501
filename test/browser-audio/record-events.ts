/** Records everything a speech source reports, in order, for assertions. */
import type { SourceError, SourceListener, SpeechSegment } from '../../src/translate/types.js';

export interface Recording {
  listener: SourceListener;
  /** speechStart's atMs, with the wall-clock time it arrived. */
  starts: { atMs: number; at: number }[];
  partials: { segmentId: number; samples: number }[];
  segments: SpeechSegment[];
  errors: SourceError[];
  /** Event names in order: 'start', 'partial', 'end', 'error'. */
  order: string[];
}

export function recordEvents(): Recording {
  const recording: Recording = {
    starts: [],
    partials: [],
    segments: [],
    errors: [],
    order: [],
    listener: {
      speechStart(atMs) {
        recording.starts.push({ atMs, at: performance.now() });
        recording.order.push('start');
      },
      partialAudio(audio, segmentId) {
        recording.partials.push({ segmentId, samples: audio.length });
        recording.order.push('partial');
      },
      speechEnd(segment) {
        recording.segments.push(segment);
        recording.order.push('end');
      },
      error(error) {
        recording.errors.push(error);
        recording.order.push('error');
      },
    },
  };
  return recording;
}

export interface SpeechFixtureLayout {
  url: string;
  durationMs: number;
  speech: { text: string; startMs: number; endMs: number }[];
  pauses: { startMs: number; endMs: number }[];
}

/** The WAV the fake microphone plays, as served by web-test-runner.config.mjs, and where its speech is. */
export async function speechFixture(): Promise<SpeechFixtureLayout> {
  const response = await fetch('/fixtures/speech/two-sentences.json');
  if (!response.ok) throw new Error(`The speech fixture is not served (HTTP ${response.status})`);
  return response.json();
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
