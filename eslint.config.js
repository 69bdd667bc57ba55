// Lint, run by `npm test` (pretest). Type-aware rules catch what the compiler does not: a promise nobody awaits
// or catches (an audit write that fails silently), a promise where a callback is expected, a switch that misses a
// case of a union (a deny reason or event name added later).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'docs/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { project: './tsconfig.tests.json', tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // tap's `t.test()` returns a promise that tap itself awaits and reports (the TAP idiom); nothing else is exempt.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'skip', 'todo'], package: '@tapjs/test' }] }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-control-regex': 'error',
      // Prettier keeps code within 140 columns but never breaks a string or a comment: this catches the comments.
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      // Tests read JSON answers and audit lines and assert on their fields; typing every shape would add nothing.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
