/**
 * What went wrong with an audio source, told to the person using it: what happened and what to
 * do next. Browsers report microphone trouble as DOMException names; these map them to our codes.
 */
import type { SourceError } from '../types.js';

const ALLOW_MICROPHONE_HINT =
  'Allow the microphone for this site: click the icon at the left of the address bar (in Chrome and Edge ' +
  'the site controls, in Firefox the crossed-out microphone; in Safari use Safari ▸ Settings for This ' +
  'Website), set Microphone to Allow, then press Start again.';

const SYSTEM_BLOCKED_HINT =
  'Your computer is keeping the browser away from the microphone. On macOS open System Settings ▸ Privacy & ' +
  'Security ▸ Microphone and turn your browser on; on Windows open Settings ▸ Privacy & security ▸ Microphone ' +
  'and allow desktop apps. Then restart the browser and press Start again.';

function describe(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: '', message: String(error) };
}

/** A getUserMedia (or audio start-up) failure, as a person should hear about it. */
export function microphoneError(error: unknown): SourceError {
  const { name, message } = describe(error);
  switch (name) {
    case 'NotAllowedError':
      // Chrome says "Permission denied by system" when the operating system, not the site setting, refuses.
      return /system/i.test(message)
        ? { code: 'microphone-denied', message: 'Your operating system blocked the browser from using the microphone.', hint: SYSTEM_BLOCKED_HINT }
        : { code: 'microphone-denied', message: 'The browser blocked this page from using the microphone.', hint: ALLOW_MICROPHONE_HINT };
    case 'SecurityError':
      return {
        code: 'microphone-denied',
        message: 'This page is not allowed to use the microphone here.',
        hint:
          'Open the app over https:// (or from localhost). If it is embedded in another page, that page must ' +
          'allow it the microphone (allow="microphone" on its iframe).',
      };
    case 'NotFoundError':
    case 'OverconstrainedError':
      return {
        code: 'microphone-missing',
        message: 'No microphone was found.',
        hint:
          'Connect or switch on a microphone and check it is not disabled in your system sound settings, then ' +
          'press Start again. If you chose a particular microphone, it may have been unplugged: choose another.',
      };
    case 'NotReadableError':
    case 'AbortError':
      return {
        code: 'microphone-missing',
        message: 'The microphone is there but could not be started.',
        hint:
          'Another app or tab may be using it (a call, a recorder): close it and press Start again. If that does ' +
          'not help, unplug the microphone and plug it back in.',
      };
    default:
      return {
        code: 'microphone-missing',
        message: `The microphone could not be started${message ? ` (${message})` : ''}.`,
        hint: 'Check that a microphone is connected and allowed for this site, then press Start again.',
      };
  }
}

/** The microphone went away while listening (unplugged, or turned off from the system). */
export function microphoneLost(): SourceError {
  return {
    code: 'microphone-missing',
    message: 'The microphone stopped sending sound.',
    hint: 'It may have been unplugged or switched off. Reconnect it, then press Start again.',
  };
}

/** The page has not been allowed to process sound yet (autoplay rules). */
export function audioNotAllowedYet(): SourceError {
  return {
    code: 'microphone-denied',
    message: 'The browser has not let this page listen yet.',
    hint: 'Click anywhere on the page, then press Start again: browsers only let a page process sound after you interact with it.',
  };
}

export function microphoneUnsupported(): SourceError {
  return {
    code: 'unsupported',
    message: 'This browser cannot give the page a microphone here.',
    hint: 'Open the app over https:// (or from localhost) in a current Chrome, Edge, Firefox or Safari.',
  };
}

/** An audio file that could not be fetched or decoded. */
export function fileUnreadable(fileName: string | undefined, cause: unknown): SourceError {
  const what = fileName ? `“${fileName}”` : 'The audio file';
  const { message } = describe(cause);
  const download = /^HTTP \d+/.test(message) || (cause instanceof TypeError && /fetch/i.test(message));
  return download
    ? {
        code: 'file-unreadable',
        message: `${what} could not be downloaded (${message}).`,
        hint: 'Check the address and your connection, then try again.',
      }
    : {
        code: 'file-unreadable',
        message: `${what} could not be read as audio.`,
        hint:
          'Use a WAV, MP3 or OGG file. If it plays elsewhere, it may use a format this browser cannot decode: ' +
          'converting it to WAV or MP3 works in every browser.',
      };
}

/** Silero VAD (its model or onnxruntime's WebAssembly) could not be loaded or run. */
export function vadFailed(cause: unknown): SourceError {
  const { message } = describe(cause);
  return {
    code: 'vad-failed',
    message: `Speech detection could not start${message ? ` (${message})` : ''}.`,
    hint:
      'Reload the page and try again. If it keeps failing, the app’s speech-detection files may be missing from ' +
      'the server it is hosted on.',
  };
}
