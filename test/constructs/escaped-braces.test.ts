import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, texts } from './helpers.js';

/**
 * `\{` and `\}` in strings that are compared, not rendered (docs/language.md, "Strings and
 * escapes"): a condition's text, a tested tag, a value. They are plain braces there, as in the
 * messages and tags the playbook writes; they used to keep their private markers and never match.
 */

const PLAYBOOK = `
rule braces { on message.posted when text contains "\\{x\\}" do say "found \\{x\\}"; tag member "a\\{b\\}" }
rule exact { on message.posted when text == "\\{y\\}" do say "exact" }
rule words { on message.posted when text matches any ["\\{z\\}", /never/] do say "matched" }
rule tagged { on checkin.done when member has tag "a\\{b\\}" do say "has the tag" }
job roll every day at 21:00 { say to members tagged "a\\{b\\}" "hello {member.name}" }
`;

function run(engine: 'fast' | 'reference' | 'generated') {
  const rt = createRuntime(load(PLAYBOOK), { engine });
  const { join, msg, checkin } = events();
  const out = feed(rt, [
    join('2026-03-02T08:00:00+08:00', 'ann', { name: 'Ann' }),
    join('2026-03-02T08:00:00+08:00', 'bob', { name: 'Bob' }),
    checkin('2026-03-02T08:30:00+08:00', 'ann'),
    msg('2026-03-02T09:00:00+08:00', 'ann', 'see {x} here'),
    msg('2026-03-02T09:01:00+08:00', 'bob', '{y}'),
    msg('2026-03-02T09:02:00+08:00', 'bob', 'x {z} y'),
    msg('2026-03-02T09:03:00+08:00', 'bob', 'no braces: x y z'),
    checkin('2026-03-02T10:00:00+08:00', 'ann'),
  ]);
  out.push(...rt.advance('2026-03-02T21:00:00+08:00'));
  rt.close?.();
  return out;
}

describe('escaped braces in compared strings', () => {
  it('match literal braces in text, equality, matches, tags and member filters', () => {
    const out = run('fast');
    expect(texts(out)).toEqual(['found {x}', 'exact', 'matched', 'has the tag', 'hello Ann']);
    expect(ofType(out, 'member.tag').map((a) => [a.member, a.tag])).toEqual([['ann', 'a{b}']]);
  });

  it('give the same actions in every engine', () => {
    const fast = run('fast');
    expect(run('reference')).toEqual(fast);
    expect(run('generated')).toEqual(fast);
  });
});
