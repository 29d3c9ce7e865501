import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { assetFileNames, assetsInlineLimit, chunkFileNamesIn, workerOutput } from './vite.shared.ts';
import { securityHeaders, sourceList } from './src/security/policy.ts';
import { cspMetaTag, offlineApp } from './vite.pwa.ts';
import { kioskSiteSettings } from './vite.kiosk.ts';
import { remoteServers, remoteServerSettings } from './vite.remote.ts';
import { serverOrigins } from './src/engine/remote/site-servers.ts';
import { webLlmAppConfig } from './scripts/web-llm-app-config.mjs';
import { firstViewBudget } from './scripts/first-view-budget.mjs';

/**
 * Cross-origin isolation (several threads for llama.cpp) and the Content-Security-Policy, from one
 * module (src/security/policy.ts); a production host must send the same headers (README, Hosting).
 * APERTO_MODEL_HOSTS adds model hosts to connect-src, APERTO_FRAME_ANCESTORS says who may frame
 * the app (both space-separated sources); APERTO_CSP_META=1 also writes the policy into the pages.
 * APERTO_KIOSK_MODEL and APERTO_KIOSK_PIN are the kiosk owner's settings, written to kiosk.json
 * (vite.kiosk.ts): a link can set neither. APERTO_REMOTE_SERVERS names the OpenAI-compatible servers
 * the remote engine may use: their origins join connect-src, and remote-servers.json lists them
 * (vite.remote.ts); no link can add one.
 */
const servers = remoteServers();
// The kiosk's own server (APERTO_KIOSK_SERVER) must be reachable too.
const kioskServer = process.env.APERTO_KIOSK_SERVER?.trim() ? remoteServers({ APERTO_REMOTE_SERVERS: process.env.APERTO_KIOSK_SERVER }) : [];
const policy = {
  connectSrc: [...sourceList(process.env.APERTO_MODEL_HOSTS), ...serverOrigins([...servers, ...kioskServer])],
  ...(process.env.APERTO_FRAME_ANCESTORS ? { frameAncestors: sourceList(process.env.APERTO_FRAME_ANCESTORS) } : {}),
};
const headers = securityHeaders(policy);

export default defineConfig({
  // 127.0.0.1 rather than "localhost": a secure context for WebGPU, and one fixed address to print.
  server: { host: '127.0.0.1', port: 5173, headers },
  preview: { host: '127.0.0.1', port: 4173, headers },
  // The installable, offline app: manifest and service worker (see vite.pwa.ts).
  plugins: [
    // web-llm's model list as data, so the page never loads web-llm itself (only its worker does).
    webLlmAppConfig(),
    offlineApp(),
    ...(process.env.APERTO_CSP_META ? [cspMetaTag(policy)] : []),
    ...kioskSiteSettings(),
    ...remoteServerSettings(servers),
    // The build fails when the app page's first-view JavaScript is over its budget (120 kB gzip).
    firstViewBudget(),
  ],
  worker: { format: 'es', rolldownOptions: { output: workerOutput } },
  build: {
    target: 'es2022',
    // web-llm is one large module (~6 MB), in the model worker's script: the first view has its own budget.
    chunkSizeWarningLimit: 8000,
    // vad-web's files keep their names side by side (see vite.shared.ts).
    assetsInlineLimit,
    rolldownOptions: {
      // Two pages: the app, and the kiosk (an unattended screen configured by its URL).
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        kiosk: fileURLToPath(new URL('./kiosk.html', import.meta.url)),
      },
      output: { assetFileNames, chunkFileNames: chunkFileNamesIn('assets') },
    },
  },
});
