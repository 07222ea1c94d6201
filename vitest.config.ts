import { defineConfig } from 'vitest/config';

// Workspace packages are read from source through the "@acc/source" export condition,
// so tests never depend on a previous build.
export default defineConfig({
  resolve: { conditions: ['@acc/source'] },
  ssr: { resolve: { conditions: ['@acc/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The browser tests serve the built dashboard: rebuilt here, once, when its sources are newer.
    globalSetup: ['apps/server/test/support/web-build.ts'],
  },
});
