import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Cross-origin isolation lets the CPU engine (wllama) run llama.cpp on several threads: they share
 * memory through SharedArrayBuffer, which browsers only offer to isolated pages. Model downloads
 * are CORS fetches, which `require-corp` allows. A production host must send the same headers.
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * vad-web's MicVAD finds its AudioWorklet and its Silero model by appending their file names to one
 * folder URL, so in the build the two keep their own names, side by side, in a folder named after
 * the vad-web version (a new version gets new URLs, so no cache serves old files). The worklet is
 * under Vite's inline limit, and a data: URL has no folder, so it is never inlined.
 * src/translate/audio/vad-assets.ts references both and checks at run time that they line up.
 */
const VAD_WEB_FILES = /(?:^|[\\/])(?:silero_vad_v5\.onnx|vad\.worklet\.bundle\.min\.js)$/;
const vadWebVersion = JSON.parse(readFileSync(new URL('./node_modules/@ricky0123/vad-web/package.json', import.meta.url), 'utf8')).version;

export default defineConfig({
  // 127.0.0.1 rather than "localhost": a secure context for WebGPU, and one fixed address to print.
  server: { host: '127.0.0.1', port: 5173, headers: crossOriginIsolation },
  preview: { host: '127.0.0.1', port: 4173, headers: crossOriginIsolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // web-llm is one large module (~6 MB); there is nothing to gain from the size warning.
    chunkSizeWarningLimit: 8000,
    assetsInlineLimit: (file) => (VAD_WEB_FILES.test(file) ? false : undefined),
    rolldownOptions: {
      // Two pages: the app, and the kiosk (an unattended screen configured by its URL).
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        kiosk: fileURLToPath(new URL('./kiosk.html', import.meta.url)),
      },
      output: {
        assetFileNames: (asset) =>
          asset.names.some((name) => VAD_WEB_FILES.test(name))
            ? `assets/vad-web-${vadWebVersion}/[name][extname]`
            : 'assets/[name]-[hash][extname]',
      },
    },
  },
});
