/**
 * The parser skips chevrotain's grammar validations at run time for a faster start
 * (src/parser/grammar/base.ts); they run here instead, so an ambiguous or left-recursive rule still
 * fails the suite.
 */
import { describe, it, expect } from 'vitest';
import { PlaybookParser } from '../src/parser/grammar.js';

describe('grammar validation', () => {
  it('the grammar passes chevrotain validations (ambiguity, left recursion, unreachable alternatives)', () => {
    // With validations on, chevrotain's performSelfAnalysis throws on any definition error.
    expect(() => new PlaybookParser({ validate: true })).not.toThrow();
  });

  it('validations run only when asked: chevrotain reads its skipValidations flag from the option', () => {
    // Without this, the test above would pass just as well with validations skipped.
    const flag = (p: PlaybookParser) => (p as unknown as { skipValidations: boolean }).skipValidations;
    expect(flag(new PlaybookParser({ validate: true }))).toBe(false);
    expect(flag(new PlaybookParser())).toBe(true);
  });
});
