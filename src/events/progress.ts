import type { LoadPhase } from '../engine/progress.js';

export interface ApertoProgressDetail {
  modelId: string;
  /** What is happening: downloading, reading-cache, compiling, … */
  phase: LoadPhase;
  /** 0…1 for the whole load. */
  progress: number;
  loadedBytes: number;
  /** Absent when the host did not say how large the download is. */
  totalBytes?: number;
}

/** Model loading moved on (at most once per animation frame). */
export class ApertoProgressEvent extends CustomEvent<ApertoProgressDetail> {
  static readonly type = 'aperto-progress';
  constructor(detail: ApertoProgressDetail) {
    super(ApertoProgressEvent.type, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'aperto-progress': ApertoProgressEvent;
  }
}
