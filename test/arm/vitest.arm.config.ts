import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The arm stage's suites (test/arm/run-arm.sh runs them under Debian's Node on arm64 and
 * armhf, through qemu-user): the engine, codec, clock logic, performance engine and the
 * model, music, groove and recorder code they stand on, plus the golden answers and the
 * native addons. Every file here needs no real device; the rest of the unit suite stays on
 * x86-64 only, because emulation makes it ~10-40x slower.
 */
export const ARM_SUITES = [
  'src/model/**/*.test.ts',
  'src/midi/**/*.test.ts',
  'src/clock/**/*.test.ts',
  'src/perform/**/*.test.ts',
  'src/music/**/*.test.ts',
  'src/groove/**/*.test.ts',
  'src/record/**/*.test.ts',
  'test/arm/**/*.test.ts',
];

/**
 * Tests left out under emulation: they compare two reads of real clocks within a few ms,
 * i.e. they assert speed, which means nothing under qemu (measured there: 11 ms apart).
 */
export const WALL_CLOCK_TESTS = [
  'puts performance.now() stamps on the hrtime clock the scheduler uses',
  // fetch() to a server in the same emulated process failed once of two arm64 runs on a loaded
  // machine ('fetch failed'): a socket test of the host's loopback, not of the architecture.
  'loads over HTTP',
];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const out = process.env['ANTIPHON_ARM_OUT'];

export const config = defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ARM_SUITES,
    exclude: ['node_modules/**', 'dist/**'],
    allowOnly: false,
    testNamePattern: new RegExp(`^(?!.*(?:${WALL_CLOCK_TESTS.map(escape).join('|')}))`),
    // Under qemu-user a fresh Node and vitest per file cost seconds each: keep every worker
    // for many files (these suites share no module state they depend on), one per core.
    isolate: false,
    maxWorkers: availableParallelism(),
    // Timing under emulation means nothing: no test here asserts speed, and the limits are
    // only there to stop a hang.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: out === undefined ? ['default'] : ['default', 'json'],
    ...(out === undefined ? {} : { outputFile: { json: `${out}/vitest.json` } }),
  },
});
// vitest reads the default export; this is the one place a default export is needed.
// eslint-disable-next-line no-restricted-syntax
export default config;
