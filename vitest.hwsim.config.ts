import { defineConfig } from 'vitest/config';

// Suites that need real kernel devices; run-suites.sh runs them inside the hw-sim VM.
// One fork, one file at a time: the suites share the guest's single dummy_hcd, ALSA card
// numbers and udev, and the emulated CPU is slow, so generous timeouts.
const out = process.env['HWSIM_OUT'];

export const config = defineConfig({
  test: {
    include: ['test/hwsim/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    isolate: false,
    sequence: { concurrent: false },
    allowOnly: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    globalSetup: ['test/hwsim/support/global-setup.ts'],
    reporters: out === undefined ? ['default'] : ['default', 'json'],
    ...(out === undefined ? {} : { outputFile: { json: `${out}/vitest.json` } }),
  },
});
// vitest reads the default export; this is the one place a default export is needed.
// eslint-disable-next-line no-restricted-syntax
export default config;
