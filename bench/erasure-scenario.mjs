/**
 * One realistic utterance as a recogniser re-hears it about once a second (the partials) and as it
 * ends up (the final): a misheard word corrected ("Thirsty" → "Thursday"), a word cut mid-way
 * ("after" → "afternoon"), a partial ending at a pause between sentences, an early comma that a
 * re-decoding inserts and the final drops, and a final that adds the last words. Used by
 * bench/erasure.mjs (scripted translations) and bench/real-model.mjs (a real model's).
 */
export const partials = [
  'So the',
  'So the meeting on',
  'So the meeting on Thirsty has',
  'So the meeting on Thursday has been moved',
  'So the meeting on Thursday has been moved to Friday',
  'So the meeting on Thursday has been moved to Friday after',
  'So the meeting on Thursday has been moved to Friday afternoon.',
  'So the meeting on Thursday has been moved to Friday afternoon. Could you let the other',
  'So, the meeting on Thursday has been moved to Friday afternoon. Could you let the others know',
  'So, the meeting on Thursday has been moved to Friday afternoon. Could you let the others know before the end',
];
export const finalText =
  'So the meeting on Thursday has been moved to Friday afternoon. Could you let the others know before the end of the day?';

