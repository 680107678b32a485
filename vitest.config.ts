import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@synctrail/types/enums': fileURLToPath(new URL('./packages/types/src/enums.ts', import.meta.url)),
      '@synctrail/types': fileURLToPath(new URL('./packages/types/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    allowOnly: false,
    pool: 'forks',
  },
});
