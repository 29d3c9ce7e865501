/**
 * Tells the other tabs of the site that the models stored on this device changed (a download ended,
 * a model is being deleted), so each tab's Models view lists what is really there, and a tab waiting
 * to load a model another tab deletes stops waiting. A BroadcastChannel: messages reach the other
 * tabs of the origin only, never this one.
 */
const CHANNEL = 'aperto-stored-models';

export interface StoredModelsChange {
  /** The model whose files are being deleted, if that is the change. */
  deleted?: string;
}

function post(change: StoredModelsChange): void {
  if (typeof BroadcastChannel !== 'function') return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage(change);
  channel.close();
}

/** Say, to every other tab of the site, that stored models changed. */
export function announceStoredModelsChanged(): void {
  post({});
}

/** Say, before deleting them, that a model's files are going: a tab waiting to load it stops waiting. */
export function announceModelDeleted(modelId: string): void {
  post({ deleted: modelId });
}

/** Call `listener` whenever another tab says stored models changed; returns the function that stops it. */
export function onStoredModelsChanged(listener: (change: StoredModelsChange) => void): () => void {
  if (typeof BroadcastChannel !== 'function') return () => undefined;
  const channel = new BroadcastChannel(CHANNEL);
  // Another tab's word is checked like any stored data: only a string id is taken from it.
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const deleted = (event.data as StoredModelsChange | null)?.deleted;
    listener(typeof deleted === 'string' ? { deleted } : {});
  };
  return () => channel.close();
}
