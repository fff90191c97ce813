import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime } from '../constructs/helpers.js';

/**
 * Who a target names (src/runtime/constructs/targets.ts; docs/language.md, "Targets"): the
 * inviter from a join's `invitedBy` alone, from an `invite.accepted` of a member already there,
 * and empty or self ids that name no one. Written for the mutation run (docs/testing.md,
 * "Mutation testing").
 */

const at = (min: number) => `2026-03-02T10:${String(min).padStart(2, '0')}:00+08:00`;
const SOURCE = `rule pay { on order.paid do award 10 points to inviter reason "邀请" }`;
const paid = (ev: ReturnType<typeof events>['ev'], min: number, who: string) => ev('order.paid', at(min), who, { orderId: `o${min}`, amount: 1 });
const awarded = (out: ReturnType<typeof feed>) => ofType(out, 'points.award').map((a) => `${String(a.member)} ${String(a.amount)}`);

describe('the inviter', () => {
  it("is the join's invitedBy when no invite.accepted came first", () => {
    const rt = runtime(SOURCE);
    const { ev, join } = events();
    expect(awarded(feed(rt, [join(at(0), 'kol'), join(at(1), 'bob', { invitedBy: 'kol' }), paid(ev, 2, 'bob')]))).toEqual(['kol 10']);
  });

  it('an empty invitedBy names no one', () => {
    const rt = runtime(SOURCE);
    const { ev, join } = events();
    const out = feed(rt, [join(at(0), 'kol'), join(at(1), 'bob', { invitedBy: '' }), paid(ev, 2, 'bob')]);
    expect(awarded(out)).toEqual([]);
    expect(rt.community('c1')!.members['bob']!.invitedBy).toBeUndefined();
  });

  it('an invite.accepted for a member already in the group makes its sender their inviter', () => {
    const rt = runtime(SOURCE);
    const { ev, join } = events();
    const out = feed(rt, [join(at(0), 'kol'), join(at(1), 'bob'), ev('invite.accepted', at(2), 'kol', { invitee: 'bob' }), paid(ev, 3, 'bob')]);
    expect(awarded(out)).toEqual(['kol 10']);
  });

  it('an invite.accepted naming its own sender, or no one, records nothing', () => {
    const rt = runtime(SOURCE);
    const { ev, join } = events();
    const out = feed(rt, [join(at(0), 'kol'), ev('invite.accepted', at(1), 'kol', { invitee: 'kol' }), paid(ev, 2, 'kol')]);
    expect(awarded(out)).toEqual([]);
    expect(rt.community('c1')!.members['kol']!.invitedBy).toBeUndefined();
    feed(rt, [ev('invite.accepted', at(3), 'kol', { invitee: '' })]);
    expect(rt.community('c1')!.inviters ?? {}).toEqual({});
  });
});

describe('a field target', () => {
  it('an empty author names no one: nothing is aimed, no member is created', () => {
    const rt = runtime(`rule report { on message.reported do award 1 points to author }`);
    const { ev, join } = events();
    const out = feed(rt, [join(at(0), 'ann'), ev('message.reported', at(1), 'ann', { messageId: 'm1', author: '' })]);
    expect(awarded(out)).toEqual([]);
    expect(Object.keys(rt.community('c1')!.members)).toEqual(['ann']);
  });
});
