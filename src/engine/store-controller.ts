import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EngineState, EngineStore } from './store.js';

/**
 * Keeps an element in step with the engine store: subscribes while the element is connected and
 * asks it to re-render on every change.
 */
export class EngineStateController implements ReactiveController {
  constructor(
    private readonly host: ReactiveControllerHost,
    readonly store: EngineStore,
  ) {
    host.addController(this);
  }

  get state(): EngineState {
    return this.store.state;
  }

  hostConnected(): void {
    this.store.addEventListener('change', this.onChange);
    // The state may have changed while the element was detached.
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.store.removeEventListener('change', this.onChange);
  }

  private readonly onChange = (): void => this.host.requestUpdate();
}
