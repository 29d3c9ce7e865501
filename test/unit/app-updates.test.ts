import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppUpdates } from '../../src/pwa/app-updates.js';

/** A service worker as far as AppUpdates looks at it: a state and `statechange`. */
class FakeWorker extends EventTarget {
  constructor(public state: ServiceWorkerState) {
    super();
  }
  become(state: ServiceWorkerState): void {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

class FakeRegistration extends EventTarget {
  installing: FakeWorker | null = null;
  waiting: FakeWorker | null = null;
}

const asRegistration = (r: FakeRegistration) => r as unknown as ServiceWorkerRegistration;

describe('the service worker as the page sees it', () => {
  let reload: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    reload = vi.fn();
    vi.stubGlobal('location', { reload });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('says the app is being saved while a version installs, and stops saying so once it has', () => {
    const updates = new AppUpdates();
    const registration = new FakeRegistration();
    const installing = (registration.installing = new FakeWorker('installing'));

    updates.watch(asRegistration(registration));
    expect(updates.state.saving).toBe(true);

    installing.become('installed');
    expect(updates.state.saving).toBe(false);
  });

  it('follows an update found later too', () => {
    const updates = new AppUpdates();
    const registration = new FakeRegistration();
    updates.watch(asRegistration(registration));
    expect(updates.state.saving).toBe(false);

    const next = (registration.installing = new FakeWorker('installing'));
    registration.dispatchEvent(new Event('updatefound'));
    expect(updates.state.saving).toBe(true);
    next.become('redundant');
    expect(updates.state.saving).toBe(false);
  });

  it('on Reload, lets the waiting version take over and reloads only once it controls the page', async () => {
    const updates = new AppUpdates();
    const registration = new FakeRegistration();
    registration.waiting = new FakeWorker('installed');
    const activate = vi.fn(async () => undefined);
    updates.connect(activate);
    updates.watch(asRegistration(registration));
    updates.offerUpdate();

    await updates.reload();
    expect(activate).toHaveBeenCalledOnce();
    expect(reload).not.toHaveBeenCalled();

    updates.controllerChanged();
    expect(reload).toHaveBeenCalledOnce();
  });

  it('does not reload when another tab let the new version take over; it offers the reload instead', () => {
    const updates = new AppUpdates();

    updates.controllerChanged();

    expect(reload).not.toHaveBeenCalled();
    expect(updates.state.updateReady).toBe(true);
  });

  it('reloads at once when nothing is waiting any more (another tab already activated it)', async () => {
    const updates = new AppUpdates();
    updates.connect(vi.fn(async () => undefined));
    updates.watch(asRegistration(new FakeRegistration()));

    await updates.reload();

    expect(reload).toHaveBeenCalledOnce();
  });

  it('announces every change', () => {
    const updates = new AppUpdates();
    const changes: boolean[] = [];
    updates.addEventListener('change', () => changes.push(updates.state.offlineReady));

    updates.markOfflineReady();

    expect(changes).toEqual([true]);
    expect(Object.isFrozen(updates.state)).toBe(true);
  });
});
