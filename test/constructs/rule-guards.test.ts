import { describe, expect, it } from 'vitest';
import { events, feed, runtime, texts } from './helpers.js';
import { compile } from '../../src/compiler/compile.js';

/** A rule's `unless` vetoes it, and a stage's rule fires only while the stage runs (docs/language.md, "Rules" and "Campaigns"; issue 14, item 7). */

describe('rule guards', () => {
  it('`unless` vetoes the rule for the events it holds on', () => {
    const rt = runtime(`roles admin
rule hi { on message.posted; unless member has role admin; do say "hi {member.id}" }`);
    const { join, msg } = events();
    const out = feed(rt, [
      join('2026-03-02T08:00:00+08:00', 'ann', { roles: ['admin'] }),
      join('2026-03-02T08:00:00+08:00', 'bob'),
      msg('2026-03-02T08:01:00+08:00', 'ann'),
      msg('2026-03-02T08:02:00+08:00', 'bob'),
    ]);
    expect(texts(out)).toEqual(['hi bob']);
  });

  it("a stage's rule fires only while its stage runs", () => {
    const rt = runtime(`campaign spring {
  stage a from 2026-03-03 to 2026-03-03 {
    rule bonus { on message.posted do say "bonus" }
  }
}`);
    const { msg } = events();
    const out = feed(rt, [msg('2026-03-02T08:00:00+08:00', 'ann'), msg('2026-03-03T08:00:00+08:00', 'ann'), msg('2026-03-04T08:00:00+08:00', 'ann')]);
    expect(texts(out)).toEqual(['bonus']);
  });
});

describe('once per FIELD of a list', () => {
  it('is refused (E0108): a list is no key, so the rule would never be held back', () => {
    const r = compile('playbook "T" { timezone "Asia/Shanghai" }\nevent x.y { tags: string[] }\nrule r { on x.y once per tags do say "hi" }\n', {
      file: 'once.playbook',
    });
    expect(r.ir).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ['E0108', 3, 26, '`once per` needs one value per event, but `tags` of `x.y` is a list'],
    ]);
  });
});
