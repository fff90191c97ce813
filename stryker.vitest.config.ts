import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The suite as Stryker runs it (stryker.config.json): the usual config without the end-to-end
 * bot tests, which drive real chat servers and mutate nothing Stryker measures.
 * STRYKER_TESTS="test/constructs/**\/*.test.ts test/runtime-semantics.test.ts" (globs, space
 * separated) runs only those files, for a quick look at one module (docs/testing.md).
 */
const only = process.env['STRYKER_TESTS']?.split(/\s+/).filter(Boolean);
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: only?.length ? only : base.test!.include!,
    exclude: ['**/node_modules/**', 'test/e2e/**'],
  },
});
