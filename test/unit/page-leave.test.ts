import { describe, expect, it, vi } from 'vitest';
import type { PageEngine } from '../../src/engine/page-engine.js';
import { releasePageEngineOnLeave } from '../../src/engine/page-leave.js';
import { EngineStore } from '../../src/engine/store.js';

/** A window that only hears page events, and a page engine that records being let go. */
function setUp(status: 'idle' | 'loading' | 'ready') {
  const target = Object.assign(new EventTarget(), { location: { reload: vi.fn() } });
  const store = new EngineStore('cpu', (flush) => flush());
  if (status !== 'idle') store.startLoading('synthetic');
  if (status === 'ready') store.markReady('synthetic');
  const page = { store, engine: { dispose: vi.fn() }, recovery: { stop: vi.fn() } } as unknown as PageEngine;
  releasePageEngineOnLeave(() => page, target as unknown as Window);
  const send = (type: 'pagehide' | 'pageshow', persisted: boolean) => target.dispatchEvent(Object.assign(new Event(type), { persisted }));
  return { page, send, reload: target.location.reload };
}

describe('a page left for another', () => {
  it('lets go of a model that is loading when the browser keeps the page, and reloads if shown again', () => {
    const { page, send, reload } = setUp('loading');
    send('pagehide', true);
    expect(page.engine.dispose).toHaveBeenCalledOnce();
    expect(page.recovery.stop).toHaveBeenCalledOnce();
    send('pageshow', true);
    expect(reload).toHaveBeenCalledOnce();
  });

  it('lets go of a loaded model too', () => {
    const { page, send } = setUp('ready');
    send('pagehide', true);
    expect(page.engine.dispose).toHaveBeenCalledOnce();
  });

  it('keeps a page with no model as it is, and shows it again without reloading', () => {
    const { page, send, reload } = setUp('idle');
    send('pagehide', true);
    send('pageshow', true);
    expect(page.engine.dispose).not.toHaveBeenCalled();
    expect(reload).not.toHaveBeenCalled();
  });

  it('leaves a page being discarded to the browser, which frees everything itself', () => {
    const { page, send } = setUp('loading');
    send('pagehide', false);
    expect(page.engine.dispose).not.toHaveBeenCalled();
  });
});
