/**
 * A source keeps running whatever its listener does: a caption renderer that throws must not stop
 * the microphone or abort a file half way. Each call is caught and logged instead.
 */
import type { SourceListener } from '../types.js';

export function safeListener(listener: SourceListener): Required<SourceListener> {
  const guard =
    <A extends unknown[]>(name: keyof SourceListener, call: ((...args: A) => void) | undefined) =>
    (...args: A): void => {
      if (!call) return;
      try {
        call.apply(listener, args);
      } catch (error) {
        console.error(`A speech source listener's ${name}() threw; the source keeps running.`, error);
      }
    };
  return {
    speechStart: guard('speechStart', listener.speechStart),
    partialAudio: guard('partialAudio', listener.partialAudio),
    pause: guard('pause', listener.pause),
    speechEnd: guard('speechEnd', listener.speechEnd),
    text: guard('text', listener.text),
    error: guard('error', listener.error),
  };
}
