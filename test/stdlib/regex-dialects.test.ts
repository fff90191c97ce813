import { describe, expect, it } from 'vitest';
import { FOREIGN_ANCHORS, POSIX_CLASSES } from '../../src/stdlib/regex-dialects.js';
import { parseRegex, RegexFeatureError } from '../../src/stdlib/regex-syntax.js';

/** The error parseRegex (regex-syntax.ts) stops at, for a pattern of another dialect. */
function refusal(source: string): { message: string; hint: string } {
  try {
    parseRegex(source);
  } catch (e) {
    if (e instanceof RegexFeatureError) return { message: e.message, hint: e.hint };
    throw e;
  }
  throw new Error(`parseRegex accepts ${source}`);
}

describe('FOREIGN_ANCHORS, as parseRegex words them', () => {
  it('names what each anchor means elsewhere and what to write instead', () => {
    expect(refusal('\\A')).toEqual({
      message: '`\\A` is the start of the text in PCRE and Python, but JavaScript reads it as the letter `A`',
      hint: 'write `^` for the start of the text (without the `m` flag)',
    });
    for (const c of ['Z', 'z']) {
      expect(refusal(`a\\${c}`)).toEqual({
        message: `\`\\${c}\` is the end of the text in PCRE and Python, but JavaScript reads it as the letter \`${c}\``,
        hint: 'write `$` for the end of the text (without the `m` flag)',
      });
    }
    expect(refusal('\\Ga')).toEqual({
      message: '`\\G` is where the previous match ended in PCRE and Python, but JavaScript reads it as the letter `G`',
      hint: 'leave it out: a playbook tests each text once, from the start',
    });
  });

  it('has those four and nothing inherited', () => {
    expect(Object.keys(FOREIGN_ANCHORS).sort()).toEqual(['A', 'G', 'Z', 'z']);
    expect(FOREIGN_ANCHORS['constructor']).toBeUndefined();
  });
});

describe('POSIX_CLASSES, as parseRegex words them', () => {
  const instead: [string, string][] = [
    ['alpha', '`\\p{L}` (any letter) or `A-Za-z`'],
    ['digit', '`\\d`'],
    ['alnum', '`\\p{L}\\p{N}` or `A-Za-z0-9`'],
    ['upper', '`\\p{Lu}` or `A-Z`'],
    ['lower', '`\\p{Ll}` or `a-z`'],
    ['space', '`\\s`'],
    ['blank', '` \\t`'],
    ['punct', '`\\p{P}`'],
    ['word', '`\\w`'],
    ['xdigit', '`0-9A-Fa-f`'],
    ['cntrl', '`\\x00-\\x1f`'],
  ];

  it('gives the rewrite of each class, and of its negation', () => {
    for (const [name, text] of instead) {
      expect(refusal(`[[:${name}:]]`).hint, name).toBe(`write ${text} for \`[:${name}:]\``);
      expect(refusal(`[[:^${name}:]]`).hint, name).toBe(`write the negation of ${text} for \`[:^${name}:]\``);
    }
    expect(Object.keys(POSIX_CLASSES).sort()).toEqual(instead.map(([n]) => n).sort());
  });

  it('leaves a name that is no POSIX class to JavaScript, which reads it as characters', () => {
    expect(parseRegex('[[:graph:]]')).toMatchObject({ t: 'seq' });
  });
});
