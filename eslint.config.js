// `npm run lint` (docs/architecture.md, "Habits"): typescript-eslint's strict type-checked rules
// on src/, import cycles and the layer boundaries of the architecture everywhere.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

/** What each layer may not import (docs/architecture.md): the pipeline only points downwards. */
const LAYERS = [
  {
    files: ['src/stdlib/**/*.ts', 'src/limits.ts'],
    forbid: '^\\.\\./',
    why: 'the stdlib and the limits import nothing of the project',
  },
  {
    files: ['src/ir/**/*.ts'],
    forbid: '^\\.\\./(?!stdlib/)',
    why: 'the IR is the leaf contract: it imports only the stdlib',
  },
  {
    files: ['src/parser/**/*.ts'],
    forbid: '^(\\.\\./)+(runtime|compiler|ir|cli|server|bots|store|hosting|report|testing|format|graph|language-service)/',
    why: 'the parser knows only tokens, the tree and its diagnostics',
  },
  {
    files: ['src/compiler/**/*.ts', 'src/format/**/*.ts', 'src/graph/**/*.ts'],
    forbid: '^(\\.\\./)+(runtime|cli|server|bots|store|hosting|report|testing|language-service)/',
    why: 'compiling, formatting and drawing a playbook never run it',
  },
  {
    files: ['src/runtime/**/*.ts'],
    forbid: '^(\\.\\./)+(cli|server|bots|store|hosting|report|testing|parser|format|graph|language-service)/',
    why: 'the runtime runs an IR: no parser, and nothing that hosts or reports it',
  },
  {
    files: ['src/language-service/**/*.ts'],
    forbid: '^(\\.\\./)+(runtime|cli|server|bots|store|hosting|report|testing|graph)/',
    why: 'the language service answers editors from the parser, the checker and the formatter; `playbook lsp` and the studio use it, not the other way round',
  },
  {
    files: ['src/studio/**/*.ts', 'src/studio/**/*.js'],
    forbid: '^(\\.\\./)+(cli|server|bots|store|hosting)/',
    why: 'the studio edits playbooks through the language service and the formatter; `playbook studio` starts it',
  },
  {
    files: ['src/store/**/*.ts', 'src/hosting/**/*.ts', 'src/report/**/*.ts', 'src/testing/**/*.ts'],
    forbid: '^(\\.\\./)+(cli|server|bots)/',
    why: 'the store, hosting, report and test runner are used by the commands, not the other way round',
  },
  {
    files: ['src/server/**/*.ts', 'src/bots/**/*.ts'],
    forbid: '^(\\.\\./)+(cli)/',
    why: 'serve and bot are embeddable without the command line',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'bench/out/**', 'coverage/**', 'editors/**/out/**'] },
  js.configs.recommended,
  {
    // Tests, benchmarks and scripts: typescript-eslint's recommended rules, without type information.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests feed control characters on purpose (names, messages, graph labels).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Numbers and booleans in messages read naturally (`${count} warnings`); objects still may not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // With noUncheckedIndexedAccess every index read is `T | undefined`; `xs[i]!` after a bounds
      // check is the idiom that says so, and the alternative (a runtime check per read) would cost
      // the hot loops of the runtime what docs/performance.md measures.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `_unused` parameters keep a callback's shape.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
      },
    },
  },
  {
    // The studio's page script runs in the browser (scripts/bundle-studio.mjs).
    files: ['src/studio/browser/**/*.js'],
    languageOptions: { globals: { document: 'readonly', fetch: 'readonly', globalThis: 'readonly', self: 'readonly', Worker: 'readonly' } },
  },
  {
    // import-x's TypeScript preset tells it to read .ts files; the resolver maps `./x.js` to x.ts.
    ...importX.flatConfigs.typescript,
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
  },
  ...LAYERS.map(({ files, forbid, why }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: forbid, message: why }] }] },
  })),
);
