/**
 * What the service worker is doing for the page: keeping the app on this device, and offering a new
 * version. A small store, like the engine's: src/pwa/register.ts feeds it, <aperto-update-prompt>
 * and <aperto-network-indicator> show it. Nothing here registers anything, so elements can import
 * it anywhere (the library build, the element tests) without a service worker.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface AppUpdateState {
  /** The app is kept on this device and opens without a network (said once, after the first install). */
  offlineReady: boolean;
  /** A new version is downloaded and waits for the person to reload into it. */
  updateReady: boolean;
  /** The service worker is downloading the app: its first install, or an update. */
  saving: boolean;
}

export class AppUpdates extends EventTarget {
  private current: AppUpdateState = Object.freeze({ offlineReady: false, updateReady: false, saving: false });
  private activate?: () => Promise<void>;
  private registration?: ServiceWorkerRegistration;
  private reloadRequested = false;

  get state(): AppUpdateState {
    return this.current;
  }

  /** `activate` tells the waiting version to take over (vite-plugin-pwa's updateSW). */
  connect(activate: () => Promise<void>): void {
    this.activate = activate;
  }

  /** Follow installs of this registration, to say when the app is being downloaded. */
  watch(registration: ServiceWorkerRegistration): void {
    this.registration = registration;
    const follow = (worker: ServiceWorker | null) => {
      if (!worker || worker.state !== 'installing') return;
      this.set({ saving: true });
      const settled = () => {
        if (worker.state === 'installing') return;
        worker.removeEventListener('statechange', settled);
        this.set({ saving: false });
      };
      worker.addEventListener('statechange', settled);
    };
    follow(registration.installing);
    registration.addEventListener('updatefound', () => follow(registration.installing));
  }

  markOfflineReady(): void {
    this.set({ offlineReady: true });
  }

  offerUpdate(): void {
    this.set({ updateReady: true });
  }

  /**
   * The new version has taken control of this page. When this page asked for it, reload now;
   * otherwise another tab did, and this one keeps running until its person reloads.
   */
  controllerChanged(): void {
    if (this.reloadRequested) location.reload();
    else this.set({ updateReady: true });
  }

  /** Reload into the new version: let the waiting version take over, then reload. */
  async reload(): Promise<void> {
    this.reloadRequested = true;
    if (this.registration?.waiting && this.activate) {
      await this.activate();
      // controllerChanged() reloads once the new version controls the page.
    } else {
      location.reload();
    }
  }

  private set(change: Partial<AppUpdateState>): void {
    this.current = Object.freeze({ ...this.current, ...change });
    this.dispatchEvent(new Event('change'));
  }
}

/** The page's one view of its service worker. */
export const appUpdates = new AppUpdates();

/** Re-renders an element whenever the service worker's state changes, while it is connected. */
export class AppUpdatesController implements ReactiveController {
  constructor(
    private readonly host: ReactiveControllerHost,
    readonly updates: AppUpdates = appUpdates,
  ) {
    host.addController(this);
  }

  get state(): AppUpdateState {
    return this.updates.state;
  }

  hostConnected(): void {
    this.updates.addEventListener('change', this.onChange);
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.updates.removeEventListener('change', this.onChange);
  }

  private readonly onChange = (): void => this.host.requestUpdate();
}
