/**
 * How we ask Silero VAD to cut speech into utterances, shared by every audio source so a file and
 * the microphone are cut the same way.
 */
import type { FrameProcessorOptions } from '@ricky0123/vad-web';
import { SPEECH_SAMPLE_RATE } from '../types.js';

/** Silero v5 (v4 is vad-web's "legacy"): better at telling speech from noise, and finer frames. */
export const VAD_MODEL = 'v5';

/** v5 judges 512 samples at a time: 32 ms at 16 kHz. Every boundary we report is on this grid. */
export const FRAME_SAMPLES = 512;
export const MS_PER_FRAME = (FRAME_SAMPLES * 1000) / SPEECH_SAMPLE_RATE;

/**
 * Tuned for captions, where a sentence should be handed on as soon as the speaker pauses.
 *
 * - `redemptionMs` 400 (12 frames, 384 ms): vad-web's default of 1.4 s would hold every caption
 *   back by more than a second. Much below 300 ms and the gaps inside a sentence (a breath, a
 *   stop consonant, a comma) start splitting it in two, which hurts the translation more than a
 *   short wait.
 * - `preSpeechPadMs` 200 (6 frames, 192 ms): Silero notices speech a frame or two after it starts,
 *   and soft onsets ("f", "h", "s") come before it notices; a short pad keeps them for the
 *   recogniser without pulling in the previous speaker's tail.
 * - `minSpeechMs` 250 (7 frames of speech): short enough for "Yes." or "Thank you.", long enough
 *   that a cough, a click or a door is dropped as a misfire.
 * - Thresholds stay at vad-web's defaults (0.3 to start speech, below 0.25 to count towards its
 *   end): in the gap between them a frame neither extends nor ends an utterance.
 * - `submitUserSpeechOnPause`: stopping the microphone mid-sentence still delivers that sentence.
 */
export const CAPTION_VAD_TUNING: FrameProcessorOptions = {
  positiveSpeechThreshold: 0.3,
  negativeSpeechThreshold: 0.25,
  redemptionMs: 400,
  preSpeechPadMs: 200,
  minSpeechMs: 250,
  submitUserSpeechOnPause: true,
};

/** The frames vad-web keeps before the one where speech starts (it rounds down, as we do). */
export const PRE_SPEECH_PAD_FRAMES = Math.floor(CAPTION_VAD_TUNING.preSpeechPadMs / MS_PER_FRAME);

/**
 * The silence kept after the last voiced frame when a segment is handed on: 4 frames, 128 ms.
 * vad-web's segment ends with the whole `redemptionMs` of silence that ended it (384 ms); Whisper
 * pads to 30 s anyway, so that silence costs no encoder time, but it invites phantom endings
 * ("Thank you.") and hides where speech stopped. A short tail keeps a soft final consonant that
 * Silero scored below the speech threshold (its score falls over a frame or two at the end).
 */
export const TRAILING_SILENCE_KEPT_FRAMES = 4;
