import type { EngineKind } from '../engine/store.js';

export interface ApertoReadyDetail {
  /** The model that is now loaded and ready to answer. */
  modelId: string;
  /** Which engine runs it: `webgpu` (web-llm on the GPU) or `cpu` (llama.cpp in WebAssembly). */
  engine: EngineKind;
}

/** A model finished loading and the element can be used. Fired by every element sharing the engine. */
export class ApertoReadyEvent extends CustomEvent<ApertoReadyDetail> {
  static readonly type = 'aperto-ready';
  constructor(detail: ApertoReadyDetail) {
    super(ApertoReadyEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'aperto-ready': ApertoReadyEvent;
  }
}
