// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'packages/web/src/routeTree.gen.ts',
      '**/node_modules/**',
      'data/**',
      '.bench/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'off',
    },
  },
  {
    // Plain JavaScript run by node as is (the CLI's bin, test fixtures, the SQLite CSV worker): outside
    // the TypeScript project.
    files: [
      'eslint.config.js',
      'packages/cli/bin/*.js',
      'packages/*/test/fixtures/**/*.mjs',
      'packages/server/src/**/*.mjs',
    ],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['packages/cli/bin/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
