// @ts-check
// Type-aware lint over the workspaces. recommendedTypeChecked catches the promise and `any`
// mistakes the compiler lets through; files outside any tsconfig (the CLI launcher, the db
// script) go through the project service's default project.
import eslint from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/.turbo/',
    '**/coverage/',
    'packages/db/src/migrations/',
    'packages/client/src/openapi/schema.d.ts',
    'bench/',
    'eslint.config.js',
    'vitest.config.ts',
  ]),
  {
    files: ['apps/**/*.{ts,tsx,js}', 'packages/**/*.{ts,js}'],
    extends: [eslint.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['apps/cli/bin/*.js', 'packages/db/scripts/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed parameters and destructured leftovers are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // With verbatimModuleSyntax, `import { type A }` still loads the module; `import type` does not.
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  {
    // Plain-JavaScript launchers run on node.
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    // Tests read untyped JSON bodies (`await res.json()` is `any`, their `body: any`) and assert on them
    // field by field; typing every answer would restate the contracts the tests exist to check.
    files: ['**/test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Fakes implement async interfaces with canned answers.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
