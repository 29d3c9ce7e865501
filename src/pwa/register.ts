/// <reference types="vite-plugin-pwa/vanillajs" />
/**
 * Registers the service worker that keeps the app on this device (built by vite-plugin-pwa, see
 * vite.pwa.ts) and connects it to the page's `appUpdates` store. Imported by the app's entry only.
 *
 * In `npm start` (Vite's dev server) vite-plugin-pwa gives a `registerSW` that does nothing, so
 * development never runs a service worker that would serve stale modules.
 *
 * Updates are offered, never forced: a new version installs in the background and waits; the page
 * shows "A new version of Aperto is ready" and reloads only when its person says so. The service
 * worker does not poll for updates either (that would be traffic after load): browsers look for a
 * new version when the app is opened or reloaded.
 */
import { registerSW } from 'virtual:pwa-register';
import { appUpdates } from './app-updates.js';

/**
 * Once the page has loaded and shown its first view: Workbox would wait for the load anyway, and
 * its helper (workbox-window) and the service worker's downloads then never compete with what the
 * first view needs (scripts/first-view-budget.mjs).
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const afterFirstView = () => requestAnimationFrame(() => setTimeout(register));
  if (document.readyState === 'complete') afterFirstView();
  else window.addEventListener('load', afterFirstView, { once: true });
}

function register(): void {
  const activate = registerSW({
    onOfflineReady: () => appUpdates.markOfflineReady(),
    onNeedRefresh: () => appUpdates.offerUpdate(),
    // Called instead of vite-plugin-pwa's own forced reload when the new version takes control.
    onNeedReload: () => appUpdates.controllerChanged(),
    onRegisteredSW: (_url, registration) => {
      if (registration) appUpdates.watch(registration);
    },
    onRegisterError: (error: unknown) => console.warn('Aperto could not be kept on this device for offline use:', error),
  });
  appUpdates.connect(() => activate());
}
