/**
 * The person's answer to "Add this model?": `add` once they have seen where its weights and code
 * come from, or not. Only an answer of `add` may put a model in the catalog or save it.
 */
export class ApertoModelDecisionEvent extends Event {
  static readonly type = 'aperto-model-decision';
  constructor(readonly add: boolean) {
    super(ApertoModelDecisionEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'aperto-model-decision': ApertoModelDecisionEvent;
  }
}
