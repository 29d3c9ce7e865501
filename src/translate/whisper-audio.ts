/**
 * The audio side of a Whisper decode, measured before the model sees it: how much of it is voice,
 * its silent edges trimmed (Whisper invents words for silence), and audio longer than Whisper's
 * 30 s window split at quiet moments instead of silently cut off. Pure functions over 16 kHz mono.
 */
import { WHISPER_WINDOW_SECONDS, type SpeechEvidence } from './transcript-filters.js';

export const WHISPER_SAMPLE_RATE = 16_000;

/** 20 ms frames: short enough to find the edges of words, long enough for a stable level. */
const FRAME = WHISPER_SAMPLE_RATE / 50;

/**
 * A frame is voiced when it is louder than both −50 dBFS (quieter is a silent room through a
 * microphone with automatic gain) and 35 dB below the loudest frame (so steady noise in a loud
 * recording is not counted as silence, and a quiet recording is still measured against itself).
 */
const SILENCE_FLOOR = 10 ** (-50 / 20);
const BELOW_LOUDEST = 10 ** (-35 / 20);

/** Voice kept on each side of the voiced part when trimming: soft consonants fade below the threshold. */
const TRIM_MARGIN_SECONDS = 0.3;

function frameLevels(audio: Float32Array): Float32Array {
  const levels = new Float32Array(Math.ceil(audio.length / FRAME));
  for (let f = 0; f < levels.length; f++) {
    const end = Math.min(audio.length, (f + 1) * FRAME);
    let sum = 0;
    for (let i = f * FRAME; i < end; i++) sum += audio[i] * audio[i];
    levels[f] = Math.sqrt(sum / Math.max(1, end - f * FRAME));
  }
  return levels;
}

function voicedFrames(levels: Float32Array): boolean[] {
  let loudest = 0;
  for (const level of levels) loudest = Math.max(loudest, level);
  const threshold = Math.max(SILENCE_FLOOR, loudest * BELOW_LOUDEST);
  return Array.from(levels, (level) => level >= threshold);
}

export function speechEvidence(audio: Float32Array): SpeechEvidence {
  const voiced = voicedFrames(frameLevels(audio)).filter(Boolean).length;
  return { seconds: audio.length / WHISPER_SAMPLE_RATE, voicedSeconds: (voiced * FRAME) / WHISPER_SAMPLE_RATE };
}

/**
 * The audio from 0.3 s before its first voiced frame to 0.3 s after its last: the silence a voice
 * detector leaves around an utterance is where Whisper hears "Thank you.". Audio with no voiced
 * frame is returned whole (Whisper's own no-speech judgement and the phantom filter decide).
 */
export function trimSilence(audio: Float32Array): Float32Array {
  const voiced = voicedFrames(frameLevels(audio));
  const first = voiced.indexOf(true);
  if (first < 0) return audio;
  const last = voiced.lastIndexOf(true);
  const margin = TRIM_MARGIN_SECONDS * WHISPER_SAMPLE_RATE;
  const start = Math.max(0, first * FRAME - margin);
  const end = Math.min(audio.length, (last + 1) * FRAME + margin);
  return start === 0 && end === audio.length ? audio : audio.subarray(start, end);
}

/** Where a long recording may be cut: the quietest 100 ms in the last 5 s of each window. */
const CUT_SEARCH_SECONDS = 5;
const CUT_FRAMES = 5;

/**
 * Audio cut into windows Whisper can hear whole (≤ 30 s each; transformers.js would drop the rest
 * without a word). Each cut falls in the quietest 100 ms of the window's last 5 s, between words
 * where there is a pause. Windows are views on the same memory.
 */
export function splitIntoWindows(audio: Float32Array, maxSeconds = WHISPER_WINDOW_SECONDS): Float32Array[] {
  const maxSamples = Math.floor(maxSeconds * WHISPER_SAMPLE_RATE);
  const windows: Float32Array[] = [];
  let start = 0;
  while (audio.length - start > maxSamples) {
    const searchFrom = start + maxSamples - Math.min(CUT_SEARCH_SECONDS * WHISPER_SAMPLE_RATE, Math.floor(maxSamples / 2));
    const levels = frameLevels(audio.subarray(searchFrom, start + maxSamples));
    let quietest = 0;
    let quietestLevel = Infinity;
    for (let f = 0; f + CUT_FRAMES <= levels.length; f++) {
      let level = 0;
      for (let k = 0; k < CUT_FRAMES; k++) level += levels[f + k];
      if (level < quietestLevel) {
        quietestLevel = level;
        quietest = f;
      }
    }
    const cut = searchFrom + (quietest + Math.floor(CUT_FRAMES / 2)) * FRAME;
    windows.push(audio.subarray(start, cut));
    start = cut;
  }
  windows.push(audio.subarray(start));
  return windows;
}
