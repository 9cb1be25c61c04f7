// Lint rules that catch the bugs this project cannot afford: floating promises (a lost write in
// a batch handler), import cycles, and layers reaching for I/O they must not touch.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';

const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tools/**',
      '.run/**',
      'coverage/**',
      '.bench-build/**',
      '.chaos-build/**',
      '.dashboards-build/**',
      'chaos/results/**',
      'bench/peers/**/target/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/metrics/**'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['prom-client'], message: 'Only src/metrics/ talks to prom-client.' },
      ]),
    },
  },
  {
    files: ['src/pipeline/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: [
            'ioredis',
            '@confluentinc/*',
            'prom-client',
            'node:fs*',
            'node:net',
            'node:http',
            '**/state/*',
            '**/source/*',
            '**/sinks/*',
            '**/http/*',
          ],
          message: 'pipeline/ is pure: it takes interfaces and imports no I/O.',
        },
      ]),
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/state/**', 'src/metrics/**', 'src/pipeline/**'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['ioredis'], message: 'Only src/state/ talks to Redis.' },
        { group: ['prom-client'], message: 'Only src/metrics/ talks to prom-client.' },
      ]),
    },
  },
  {
    // The per-partition protocol is shared by the worker and the rebuild; neither it nor the
    // rebuild may reach into the worker's wiring, or the two would drift into two protocols.
    // (This block replaces the one above for these files, so it repeats its two patterns.)
    files: ['src/protocol/**/*.ts', 'src/rebuild/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['ioredis'], message: 'Only src/state/ talks to Redis.' },
        { group: ['prom-client'], message: 'Only src/metrics/ talks to prom-client.' },
        {
          group: ['**/worker/*', '**/worker'],
          message: 'protocol/ and rebuild/ must not import from worker/: use src/protocol/.',
        },
      ]),
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
