/**
 * An audio file (WAV, MP3, OGG, whatever the browser can decode) as 16 kHz mono samples, converted
 * by the browser itself.
 *
 * decodeAudioData already converts to the rate of the context it is called on, with a proper
 * band-limited (sinc) resampler, so we decode on a 16 kHz OfflineAudioContext. Rendering a 48 kHz
 * buffer through a 16 kHz OfflineAudioContext instead would resample by the playback path's
 * interpolation, which lets high frequencies fold back into the speech band. The OfflineAudioContext
 * render is kept for what it does well: mixing several channels down to one by the Web Audio rules
 * (stereo → (L + R) / 2, 5.1 → its standard down-mix).
 */
import { SPEECH_SAMPLE_RATE } from '../types.js';

export type AudioInput = Blob | URL | string;

export async function readAudioBytes(input: AudioInput): Promise<ArrayBuffer> {
  if (input instanceof Blob) return input.arrayBuffer();
  const response = await fetch(input);
  if (!response.ok) throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  return response.arrayBuffer();
}

export async function decodeToSpeechRate(bytes: ArrayBuffer): Promise<Float32Array> {
  const decoder = new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate: SPEECH_SAMPLE_RATE });
  const decoded = await decoder.decodeAudioData(bytes);
  if (decoded.numberOfChannels === 1) return decoded.getChannelData(0);

  const mixer = new OfflineAudioContext({ numberOfChannels: 1, length: decoded.length, sampleRate: SPEECH_SAMPLE_RATE });
  const player = new AudioBufferSourceNode(mixer, { buffer: decoded });
  player.connect(mixer.destination);
  player.start();
  return (await mixer.startRendering()).getChannelData(0);
}
