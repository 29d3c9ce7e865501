import { defineConfig } from 'vite';

export default defineConfig({
  // 127.0.0.1 rather than "localhost": a secure context for WebGPU, and one fixed address to print.
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // web-llm is one large module (~6 MB); there is nothing to gain from the size warning.
    chunkSizeWarningLimit: 8000,
  },
});
