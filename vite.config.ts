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

export default defineConfig({
  // 127.0.0.1 rather than "localhost": a secure context for WebGPU, and one fixed address to print.
  server: { host: '127.0.0.1', port: 5173, headers: crossOriginIsolation },
  preview: { host: '127.0.0.1', port: 4173, headers: crossOriginIsolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // web-llm is one large module (~6 MB); there is nothing to gain from the size warning.
    chunkSizeWarningLimit: 8000,
  },
});
