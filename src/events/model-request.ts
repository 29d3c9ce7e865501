export type ModelAction = 'load' | 'delete';

/** A person asked to load or delete a model (from a catalog card or the cached-models list). */
export class ApertoModelRequestEvent extends Event {
  static readonly type = 'aperto-model-request';
  constructor(
    readonly action: ModelAction,
    readonly modelId: string,
  ) {
    super(ApertoModelRequestEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'aperto-model-request': ApertoModelRequestEvent;
  }
}
