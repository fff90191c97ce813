import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { DurableRuntime } from '../src/store/durable.js';
import { MemoryDurableStore } from '../src/store/memory.js';

/**
 * A durable runtime writes the rows of the members an action changed, not only the event's own
 * member: `tag members` in a job, and a network goal's actions in other groups (docs/runtime.md,
 * "State and time"). Before, such changes lived in memory only and a restart lost them.
 */

const ir = (body: string) => compile(`playbook "T" { timezone "Asia/Shanghai" }\n${body}`).ir!;

describe('member changes made by actions survive a restart', () => {
  it('tag members in a job', () => {
    const playbook = ir('job daily every day at 10:00 { tag members "vip" }');
    const store = new MemoryDurableStore();
    const d = new DurableRuntime(playbook, store);
    d.dispatchBatch([{ id: 'e1', type: 'member.joined', at: '2026-03-02T09:00:00+08:00', community: 'c', member: 'ann' }]);
    expect(d.advance(Date.parse('2026-03-02T10:00:00+08:00')).actions.map((a) => a.type)).toEqual(['member.tag']);
    expect(new DurableRuntime(playbook, store).rt.community('c')!.members['ann']!.tags).toEqual(['vip']);
  });

  it('a network goal that tags the members of every group', () => {
    const playbook = ir(`
campaign d11 across all groups {
  stage sale from 2026-11-05 to 2026-11-11
  goal two when count(order.paid) >= 2 { tag members "双十一达成" }
}`);
    const store = new MemoryDurableStore();
    const d = new DurableRuntime(playbook, store);
    const order = (id: string, community: string, member: string) => ({
      id,
      type: 'order.paid',
      at: '2026-11-06T10:00:00+08:00',
      community,
      member,
      orderId: id,
      amount: 1,
    });
    d.dispatchBatch([order('a', 'g1', 'ann')]);
    const out = d.dispatchBatch([order('b', 'g2', 'bob')]).actions;
    expect(out.filter((a) => a.type === 'member.tag').map((a) => `${a.community} ${String(a.member)}`)).toEqual(['g1 ann', 'g2 bob']);
    const again = new DurableRuntime(playbook, store).rt;
    expect(again.community('g1')!.members['ann']!.tags).toEqual(['双十一达成']);
    expect(again.community('g2')!.members['bob']!.tags).toEqual(['双十一达成']);
  });

  it('points to an inviter, a warning to an author, points to a ranked member', () => {
    const playbook = ir(`
ladder reported { 1: say to member "被举报" }
rule pay { on order.paid do award 10 points to inviter }
rule report { on message.reported do warn author on ladder reported }
leaderboard weekly top 1 by points every mon at 10:00 { for each member: award 5 points reason "周榜" }`);
    const store = new MemoryDurableStore();
    const d = new DurableRuntime(playbook, store);
    const at = '2026-03-02T09:00:00+08:00';
    d.dispatchBatch([
      { id: 'e1', type: 'member.joined', at, community: 'c', member: 'kol' },
      { id: 'e2', type: 'member.joined', at, community: 'c', member: 'bob', invitedBy: 'kol' },
      { id: 'e3', type: 'order.paid', at, community: 'c', member: 'bob', orderId: 'o1', amount: 1 },
      { id: 'e4', type: 'message.reported', at, community: 'c', member: 'bob', messageId: 'm1', author: 'kol' },
    ]);
    d.advance(Date.parse('2026-03-09T10:00:00+08:00'));
    const kol = new DurableRuntime(playbook, store).rt.community('c')!.members['kol']!;
    expect(kol.points).toBe(15);
    expect(kol.warnings?.['reported']).toHaveLength(1);
  });
});
