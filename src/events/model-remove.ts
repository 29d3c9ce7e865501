/** A person asked to take a model they added by URL out of the catalog (and off this device). */
export class ApertoModelRemoveEvent extends Event {
  static readonly type = 'aperto-model-remove';
  constructor(readonly modelId: string) {
    super(ApertoModelRemoveEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'aperto-model-remove': ApertoModelRemoveEvent;
  }
}
