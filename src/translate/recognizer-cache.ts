/**
 * The speech recognition models kept on this device. transformers.js stores downloaded files in the
 * Cache Storage cache "transformers-cache", keyed by URL; this lists and deletes them per Whisper
 * model, so the model manager can show them next to the language models.
 */
import type { StoredModel } from '../engine/model-library.js';
import { WHISPER_REPOS, type WhisperModel } from './asr-protocol.js';

export const RECOGNIZER_CACHE = 'transformers-cache';

export const RECOGNIZER_NAMES: Record<WhisperModel, string> = {
  'whisper-base': 'Whisper base (speech recognition)',
  'whisper-tiny': 'Whisper tiny (speech recognition)',
};

function belongsTo(url: string, model: WhisperModel): boolean {
  return new URL(url).pathname.includes(`/${WHISPER_REPOS[model]}/`);
}

export async function listStoredRecognizers(): Promise<StoredModel[]> {
  if (typeof caches === 'undefined' || !(await caches.has(RECOGNIZER_CACHE))) return [];
  const cache = await caches.open(RECOGNIZER_CACHE);
  const requests = await cache.keys();
  const stored: StoredModel[] = [];
  for (const model of Object.keys(WHISPER_REPOS) as WhisperModel[]) {
    const mine = requests.filter((request) => belongsTo(request.url, model));
    if (!mine.length) continue;
    const sizes = await Promise.all(mine.map(async (request) => (await (await cache.match(request))?.blob())?.size ?? 0));
    stored.push({
      location: `https://huggingface.co/${WHISPER_REPOS[model]}`,
      modelIds: [model],
      bytes: sizes.reduce((sum, size) => sum + size, 0),
      complete: true,
    });
  }
  return stored;
}

export async function deleteStoredRecognizer(model: WhisperModel): Promise<void> {
  if (typeof caches === 'undefined' || !(await caches.has(RECOGNIZER_CACHE))) return;
  const cache = await caches.open(RECOGNIZER_CACHE);
  for (const request of await cache.keys()) if (belongsTo(request.url, model)) await cache.delete(request);
}

export function isRecognizerId(id: string): id is WhisperModel {
  return Object.hasOwn(WHISPER_REPOS, id);
}
