/**
 * The installable, offline app (vite-plugin-pwa, used by vite.config.ts; the library build has no
 * service worker): the web app manifest, and a Workbox service worker that keeps the app on this
 * device so it opens, loads a stored model and chats with the network off.
 *
 * What the service worker keeps, and what it leaves alone:
 * - Precached at install, so the first offline visit has them: both pages, every script (the app,
 *   web-llm's worker, the speech worker), the manifest, the icons and llama.cpp's WebAssembly
 *   (wllama, 8.8 MB: the CPU engine cannot start without it).
 * - Cached on first use, then served from the cache (cache-first): onnxruntime-web's runtimes
 *   (14 MB for voice detection, 27 MB for Whisper) and vad-web's worklet and Silero model. Only
 *   speech input uses them, and speech needs Whisper's weights anyway, which transformers.js itself
 *   downloads on first use; precaching them would add 43 MB to every install and every update for
 *   people who only chat or type. Their names change with their contents (hashed, or a folder named
 *   after the vad-web version), so a cached copy is never stale; old versions age out.
 * - Never touched: model downloads. web-llm (Cache Storage), wllama (Origin Private File System) and
 *   transformers.js (Cache Storage) keep their own copies; the service worker has no route for
 *   other hosts or for any other path of this origin, so those requests pass straight through.
 * - No navigation fallback: the app has two pages, both precached and found whatever their query
 *   string (`?model=…`, `?kiosk`); any other address goes to the network, so an unknown path (or a
 *   model file on this origin) is never answered with the app's HTML.
 *
 * Updates are offered, never forced (`registerType: 'prompt'`): a new version waits until the
 * person presses Reload in <aperto-update-prompt> (src/pwa/register.ts).
 */
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { contentSecurityPolicyForMeta, type PolicyOptions } from './src/security/policy.ts';

/** Same-origin files only speech uses: onnxruntime-web's runtimes and vad-web's folder. */
const SPEECH_RUNTIME = /\/assets\/(?:ort-wasm-[^/]+|vad-web-[^/]+\/[^/]+)$/;

export function offlineApp(): Plugin[] {
  return VitePWA({
    registerType: 'prompt',
    // src/pwa/register.ts registers it; an injected inline script would break the CSP.
    injectRegister: false,
    // The icons are in globPatterns below; listing them again would only duplicate entries.
    includeManifestIcons: false,
    manifest: {
      id: '/',
      name: 'Aperto',
      short_name: 'Aperto',
      description: 'Open-weight language models running entirely in your browser.',
      lang: 'en',
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: '#2456d6',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
      ],
    },
    workbox: {
      globPatterns: ['**/*.{html,js,mjs,css,wasm,svg,png,webmanifest}'],
      globIgnores: ['**/ort-wasm-*', '**/vad-web-*/**'],
      // wllama.wasm is 8.8 MB; the GPU model worker (web-llm inside) about 6 MB.
      maximumFileSizeToCacheInBytes: 12 * 1024 * 1024,
      navigateFallback: null,
      // Query strings are read by the page itself; `/?model=…#/models` is the cached `/`.
      ignoreURLParametersMatching: [/./],
      cleanupOutdatedCaches: true,
      runtimeCaching: [
        {
          urlPattern: SPEECH_RUNTIME,
          handler: 'CacheFirst',
          options: {
            cacheName: 'aperto-speech-runtime',
            // Six files per version: room for the current one and the one before.
            expiration: { maxEntries: 12, purgeOnQuotaError: true },
            cacheableResponse: { statuses: [200] },
          },
        },
      ],
    },
  });
}

/**
 * Writes the policy into every built page as `<meta http-equiv="Content-Security-Policy">`, for
 * hosts that cannot send headers (`APERTO_CSP_META=1 npm run build`). Off by default: the header
 * is the policy, and a second copy baked into the HTML would silently veto any host the server's
 * header adds later. Without the header there is no `frame-ancestors` and workers run without a
 * policy of their own.
 */
export function cspMetaTag(options: PolicyOptions): Plugin {
  return {
    name: 'aperto-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicyForMeta(options) },
          injectTo: 'head-prepend',
        },
      ],
    },
  };
}
