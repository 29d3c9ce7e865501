import { defineConfig } from 'vitest/config';
import { webLlmAppConfig } from './scripts/web-llm-app-config.mjs';

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [webLlmAppConfig()],
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        plugins: [webLlmAppConfig()],
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/serve-built-app.ts', 'test/e2e/serve-embed.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One Chromium at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
