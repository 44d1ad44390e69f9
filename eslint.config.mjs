// Lint the TypeScript sources and tests with the recommended rule sets, and forbid the
// HTTP modules in the server: the network is node:net, the parser and writer are ours.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['server/dist/**', 'node_modules/**', 'coverage/**', 'reports/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['server/src/**/*.ts'],
    rules: {
      // Functions a student can read on one screen, with few enough parameters to name in one breath.
      'max-lines-per-function': ['error', { max: 40, skipBlankLines: true, skipComments: true }],
      'max-params': ['error', 4],
      'no-restricted-imports': [
        'error',
        {
          paths: ['http', 'https', 'http2', 'node:http', 'node:https', 'node:http2'].map((name) => ({
            name,
            message: 'The server speaks HTTP itself over node:net.',
          })),
        },
      ],
    },
  },
  {
    // Tests are tables inside describe blocks: a describe is long by nature, a test itself is not.
    files: ['server/test/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 125, skipBlankLines: true, skipComments: true }],
      'max-params': ['error', 6],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Layout is prettier's (npm run format); no lint rule argues with it.
  prettier,
);
