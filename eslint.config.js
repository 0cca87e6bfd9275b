import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const bannedInRaft = ['Date', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout',
  'clearInterval', 'performance', 'process', 'queueMicrotask', 'fetch', 'require'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'packages/protocol/src/gen/**', 'chaos-reports/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain JavaScript scripts run on Node.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The Raft core is pure: time comes in as tick(), randomness as a seeded Prng, output as a
    // Ready. Nothing here may touch the clock, timers, the process, the network or the disk.
    files: ['packages/raft/src/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...bannedInRaft.map((name) => ({ name, message: `${name} is I/O or time; the raft core must stay pure` }))],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the seeded Prng passed in the config' }],
      'no-restricted-imports': ['error', { patterns: [{ regex: '^[^.]', message: 'packages/raft imports nothing outside itself' }] }],
    },
  },
  {
    // The simulator and its CLI may use the process (argv, exit) but still no clock or random.
    files: ['packages/raft/src/sim/cli.ts'],
    rules: { 'no-restricted-globals': 'off', 'no-restricted-imports': 'off' },
  },
);
