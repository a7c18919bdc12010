import tseslint from 'typescript-eslint';

/**
 * The pure core: the performance engine, the music types, the model maths, the groove and
 * the parameter registry. No I/O, no threads, no devices: what they need comes in as
 * arguments, so they run the same on virtual time, in a worker and on every architecture.
 */
export const CORE_FILES = [
  'src/perform/**/*.ts',
  'src/music/**/*.ts',
  'src/model/**/*.ts',
  'src/groove/**/*.ts',
  'src/control/**/*.ts',
];
/** Inside the core's folders, the few files whose job is I/O (reading and writing checkpoints and groove tables). */
const CORE_IO_FILES = ['src/model/checkpoint/source.ts', 'src/model/checkpoint/writer.ts', 'src/groove/load-groove.ts'];
const OUTSIDE_THE_CORE = [
  '**/devices/**',
  '**/system/**',
  '**/cli/**',
  '**/box/**',
  '**/voices/**',
  '**/panel/**',
  '**/push2/**',
  '**/web/**',
  '**/synth/**',
  '**/link/**',
];

// ESLint reads the default export of its config: the one place a default export is needed.
// eslint-disable-next-line no-restricted-syntax
export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'os-image/build/**'] },
  ...tseslint.configs.strict,
  {
    rules: {
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: CORE_FILES,
    ignores: [...CORE_IO_FILES, '**/*.test.ts', '**/testing.ts', '**/test-rig.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'worker_threads', 'child_process'],
              message: 'The pure core does no I/O: take what you need as an argument.',
            },
            {
              group: OUTSIDE_THE_CORE,
              message: 'The pure core does not reach outside itself: the box wires it to devices and the system.',
            },
            {
              group: ['**/testing.js', '**/testing/**', '**/test-rig.js'],
              message: 'Test helpers are for tests; they do not ship.',
            },
          ],
        },
      ],
    },
  },
);
