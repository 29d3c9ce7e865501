/**
 * For elements that show the page's engine without choosing or loading it (the status strip, the
 * network indicator): a hold on the page's one engine while the element is on the page, so the
 * engine it shows is never one already freed (on an embedding page, the engine is freed once the
 * last element holding it leaves, and a later element gets a new one), and a re-render on every
 * change of its state. Elements that load models use PageEngineController instead.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { leasePageEngine, type EngineLease, type PageEngine } from '../../engine/page-engine.js';
import type { EngineState } from '../../engine/store.js';

const NO_ENGINE_YET: EngineState = Object.freeze({ status: 'idle' });

export class PageEngineObserver implements ReactiveController {
  /** The page's engine, once known (at once if one exists, else after the device probe). */
  page?: PageEngine;
  private lease?: EngineLease;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get state(): EngineState {
    return this.page?.store.state ?? NO_ENGINE_YET;
  }

  hostConnected(): void {
    // `auto`: an observer takes whatever engine the page has, and never picks the GPU for a page
    // whose other elements (or device) want the CPU.
    const lease = (this.lease = leasePageEngine());
    if (lease.current) this.adopt(lease.current);
    else void lease.ready.then((page) => this.lease === lease && this.adopt(page));
  }

  hostDisconnected(): void {
    this.page?.store.removeEventListener('change', this.onChange);
    this.page = undefined;
    this.lease?.release();
    this.lease = undefined;
  }

  private adopt(page: PageEngine): void {
    this.page = page;
    page.store.addEventListener('change', this.onChange);
    this.host.requestUpdate();
  }

  private readonly onChange = (): void => this.host.requestUpdate();
}
