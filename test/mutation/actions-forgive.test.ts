import { describe, expect, it } from 'vitest';
import { events, feed, runtime } from '../constructs/helpers.js';

/**
 * `forgive member on ladder L` (src/runtime/actions/forgive.ts; docs/language.md, "Ladders"):
 * which ladder it clears, when it reports, and the state it leaves. Written for the mutation run
 * (docs/testing.md).
 */

const at = (minute: number) => `2026-03-02T10:${String(minute).padStart(2, '0')}:00+08:00`;

describe('forgive member on ladder L', () => {
  const body = `event appeal.approved { ladder: string }
ladder ads { 1: say "ads 1 {member.id}"; 2: say "ads 2 {member.id}" }
ladder noise { 1: say "noise 1 {member.id}"; 2: say "noise 2 {member.id}" }
rule a { on message.posted where text == "ad" do warn member on ladder ads }
rule n { on message.posted where text == "noise" do warn member on ladder noise }
rule f { on appeal.approved where ladder == "ads" do forgive member on ladder ads }`;

  it('clears only that ladder: the next warning there runs step 1, the other ladder keeps counting', () => {
    const rt = runtime(body);
    const { join, msg, ev } = events();
    const out = feed(rt, [
      join(at(0), 'ann'),
      msg(at(1), 'ann', 'ad'),
      msg(at(2), 'ann', 'noise'),
      ev('appeal.approved', at(3), 'ann', { ladder: 'ads' }),
      msg(at(4), 'ann', 'ad'),
      msg(at(5), 'ann', 'noise'),
    ]);
    expect(out.filter((a) => a.type !== 'member.warn').map((a) => [a.type, a.text ?? a.ladder])).toEqual([
      ['message.send', 'ads 1 ann'],
      ['message.send', 'noise 1 ann'],
      ['warnings.cleared', 'ads'],
      ['message.send', 'ads 1 ann'],
      ['message.send', 'noise 2 ann'],
    ]);
    expect(out.find((a) => a.type === 'warnings.cleared')).toMatchObject({ member: 'ann', ladder: 'ads', source: 'rule:f' });
  });

  it('reports nothing when the member has no warning on L, even with warnings elsewhere', () => {
    const rt = runtime(body);
    const { join, msg, ev } = events();
    const out = feed(rt, [
      join(at(0), 'ann'),
      ev('appeal.approved', at(1), 'ann', { ladder: 'ads' }),
      msg(at(2), 'ann', 'noise'),
      ev('appeal.approved', at(3), 'ann', { ladder: 'ads' }),
    ]);
    expect(out.map((a) => a.type)).toEqual(['member.warn', 'message.send']);
    expect(rt.community('c1')!.members['ann']!.warnings).toEqual({ noise: [Date.parse(at(2))] });
  });

  it('a member whose only ladder is forgiven keeps no warnings at all, and a second forgive reports nothing', () => {
    const rt = runtime(body);
    const { join, msg, ev } = events();
    const out = feed(rt, [
      join(at(0), 'ann'),
      msg(at(1), 'ann', 'ad'),
      ev('appeal.approved', at(2), 'ann', { ladder: 'ads' }),
      ev('appeal.approved', at(3), 'ann', { ladder: 'ads' }),
    ]);
    expect(out.map((a) => a.type)).toEqual(['member.warn', 'message.send', 'warnings.cleared']);
    expect(rt.community('c1')!.members['ann']!.warnings).toBeUndefined();
    expect(rt.snapshot().communities[0]!.members['ann']).not.toHaveProperty('warnings');
  });

  it('with warnings left on another ladder, the forgiven one is gone from the state', () => {
    const rt = runtime(body);
    const { join, msg, ev } = events();
    feed(rt, [join(at(0), 'ann'), msg(at(1), 'ann', 'ad'), msg(at(2), 'ann', 'noise'), ev('appeal.approved', at(3), 'ann', { ladder: 'ads' })]);
    expect(rt.community('c1')!.members['ann']!.warnings).toEqual({ noise: [Date.parse(at(2))] });
  });
});
