import { defineConfig } from 'vitest/config';

export const config = defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/hwsim/**', 'node_modules/**', 'dist/**'],
    allowOnly: false,
    testTimeout: 20_000,
    globalSetup: ['test/support/temp-root.ts'],
  },
});
// vitest reads the default export; this is the one place a default export is needed.
// eslint-disable-next-line no-restricted-syntax
export default config;
