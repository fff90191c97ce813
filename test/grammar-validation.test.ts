/**
 * The parser skips chevrotain's grammar validations at run time for a faster start
 * (src/parser/grammar/base.ts); they run here instead, so an ambiguous or left-recursive rule still
 * fails the suite. They are slow on this grammar (tens of seconds: every alternative's
 * lookahead is checked for ambiguity), so the validated parser is built once, with its own timeout.
 */
import { beforeAll, describe, it, expect } from 'vitest';
import { PlaybookParser } from '../src/parser/grammar.js';

describe('grammar validation', () => {
  let validated: PlaybookParser | Error;
  beforeAll(() => {
    // With validations on, chevrotain's performSelfAnalysis throws on any definition error.
    try {
      validated = new PlaybookParser({ validate: true });
    } catch (e) {
      validated = e as Error;
    }
  }, 600_000);

  it('the grammar passes chevrotain validations (ambiguity, left recursion, unreachable alternatives)', () => {
    expect(validated instanceof Error ? validated.message : 'no definition errors').toBe('no definition errors');
  });

  it('validations run only when asked: chevrotain reads its skipValidations flag from the option', () => {
    // Without this, the test above would pass just as well with validations skipped.
    const flag = (p: PlaybookParser) => (p as unknown as { skipValidations: boolean }).skipValidations;
    expect(validated).toBeInstanceOf(PlaybookParser);
    expect(flag(validated as PlaybookParser)).toBe(false);
    expect(flag(new PlaybookParser())).toBe(true);
  });
});
