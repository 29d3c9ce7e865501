/**
 * Spoken test audio, made at test time with espeak-ng: real (synthetic) speech, so voice activity
 * detection runs on the kind of signal it was trained for, and nothing audio is ever committed.
 *
 * Files go to node_modules/.cache/aperto/speech/ (ignored), named by a hash of everything that
 * shapes them, so repeated and concurrent runs reuse one file instead of rewriting it under a
 * browser that is reading it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SPEECH_FIXTURE_DIR = join(ROOT, 'node_modules', '.cache', 'aperto', 'speech');

/** espeak-ng writes 16-bit mono WAV at this rate; we keep it, so the browser has to resample. */
const ESPEAK_RATE = 22050;
/** Samples quieter than this (of 32767) count as silence when trimming espeak's own padding. */
const SILENCE_LEVEL = 200;

function espeakVersion() {
  try {
    return execFileSync('espeak-ng', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'espeak-ng is needed to make the spoken test audio, and it is not installed.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y espeak-ng\n' +
        '  macOS: brew install espeak-ng',
    );
  }
}

/** 16-bit PCM samples of one spoken text, with espeak's leading and trailing silence cut off. */
function speak(text, { voice, wordsPerMinute }) {
  const wav = execFileSync('espeak-ng', ['-v', voice, '-s', String(wordsPerMinute), '--stdout', text], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const { samples, sampleRate } = readWav(wav);
  if (sampleRate !== ESPEAK_RATE) throw new Error(`espeak-ng wrote ${sampleRate} Hz audio; expected ${ESPEAK_RATE} Hz`);
  let first = 0;
  let last = samples.length - 1;
  while (first < last && Math.abs(samples[first]) < SILENCE_LEVEL) first++;
  while (last > first && Math.abs(samples[last]) < SILENCE_LEVEL) last--;
  return samples.subarray(first, last + 1);
}

/** Reads a 16-bit PCM mono WAV, walking its chunks (espeak's --stdout header has unknown sizes). */
function readWav(buffer) {
  if (buffer.toString('ascii', 0, 4) !== 'RIFF' || buffer.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= buffer.length) {
    const id = buffer.toString('ascii', offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const format = buffer.readUInt16LE(body);
      const channels = buffer.readUInt16LE(body + 2);
      const bits = buffer.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error('expected 16-bit PCM mono WAV');
      sampleRate = buffer.readUInt32LE(body + 4);
    } else if (id === 'data') {
      // Streamed WAVs say 0 or 0xFFFFFFFF here: the data runs to the end of the file.
      const end = size === 0 || size === 0xffffffff ? buffer.length : Math.min(buffer.length, body + size);
      const bytes = buffer.subarray(body, end - ((end - body) % 2));
      const samples = new Int16Array(bytes.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
      return { samples, sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file has no data chunk');
}

/** A canonical 44-byte-header PCM WAV: 16-bit, mono. */
function encodeWav(samples, sampleRate) {
  const header = Buffer.alloc(44);
  const dataBytes = samples.length * 2;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, Buffer.from(samples.buffer, samples.byteOffset, dataBytes)]);
}

const msToSamples = (ms) => Math.round((ms * ESPEAK_RATE) / 1000);
const samplesToMs = (n) => (n * 1000) / ESPEAK_RATE;

/**
 * Writes (once) a WAV of the given sentences separated by silences, and describes where the
 * speech and the pauses are, in milliseconds from the start of the file.
 *
 * @param {object} options
 * @param {string} options.name  file name stem
 * @param {string[]} options.sentences
 * @param {number} [options.pauseMs]  digital silence between sentences
 * @param {number} [options.leadMs]  silence before the first sentence
 * @param {number} [options.tailMs]  silence after the last sentence
 */
export function makeSpeechFixture({ name, sentences, pauseMs = 1000, leadMs = 1000, tailMs = 1500, voice = 'en-us', wordsPerMinute = 160 }) {
  const version = espeakVersion();
  const key = createHash('sha256')
    .update(JSON.stringify({ version, sentences, pauseMs, leadMs, tailMs, voice, wordsPerMinute, SILENCE_LEVEL, v: 1 }))
    .digest('hex')
    .slice(0, 12);
  const wavPath = join(SPEECH_FIXTURE_DIR, `${name}-${key}.wav`);
  const jsonPath = join(SPEECH_FIXTURE_DIR, `${name}-${key}.json`);
  if (existsSync(wavPath) && existsSync(jsonPath)) return JSON.parse(readFileSync(jsonPath, 'utf8'));

  const parts = [new Int16Array(msToSamples(leadMs))];
  const speech = [];
  let at = parts[0].length;
  sentences.forEach((text, index) => {
    if (index > 0) {
      parts.push(new Int16Array(msToSamples(pauseMs)));
      at += msToSamples(pauseMs);
    }
    const spoken = speak(text, { voice, wordsPerMinute });
    speech.push({ text, startMs: samplesToMs(at), endMs: samplesToMs(at + spoken.length) });
    parts.push(spoken);
    at += spoken.length;
  });
  parts.push(new Int16Array(msToSamples(tailMs)));
  at += msToSamples(tailMs);

  const samples = new Int16Array(at);
  let offset = 0;
  for (const part of parts) {
    samples.set(part, offset);
    offset += part.length;
  }
  const pauses = speech.slice(1).map((s, i) => ({ startMs: speech[i].endMs, endMs: s.startMs }));
  const fixture = { name, wavPath, file: `${name}-${key}.wav`, sampleRate: ESPEAK_RATE, durationMs: samplesToMs(at), speech, pauses };

  mkdirSync(SPEECH_FIXTURE_DIR, { recursive: true });
  // Write beside, then rename: a browser already playing an older copy never sees half a file.
  const temp = `${wavPath}.${process.pid}.tmp`;
  writeFileSync(temp, encodeWav(samples, ESPEAK_RATE));
  renameSync(temp, wavPath);
  writeFileSync(`${jsonPath}.${process.pid}.tmp`, JSON.stringify(fixture, null, 2));
  renameSync(`${jsonPath}.${process.pid}.tmp`, jsonPath);
  return fixture;
}

/**
 * The standard fixture: two English sentences (about 3.1 s each) with exactly one second of
 * silence between them. No commas: espeak pauses at punctuation, and a long comma pause could be a
 * real end of speech (the longest gap inside these sentences is 120 ms). The 2.5 s of silence
 * before them absorb the moment between a fake microphone starting to play and the first frame
 * reaching the detector, even on a busy machine where that moment is long; the 1.5 s after let the
 * last sentence end by silence, as in life.
 */
export function twoSentencesWithPause() {
  return makeSpeechFixture({
    name: 'two-sentences',
    sentences: [
      'The weather is lovely today and we are walking to the park.',
      'Please remember to bring some water and a small umbrella.',
    ],
    pauseMs: 1000,
    leadMs: 2500,
  });
}

/** For `node test/support/speech-fixtures.mjs`: make the fixture and print where it is. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const fixture = twoSentencesWithPause();
  console.log(JSON.stringify(fixture, null, 2));
}
