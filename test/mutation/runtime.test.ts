import { describe, expect, it } from 'vitest';
import { createRuntime, MemoryStore, type Runtime } from '../../src/runtime/runtime.js';
import { Network } from '../../src/runtime/network.js';
import type { CommunityState } from '../../src/runtime/state.js';
import { events, feed, load, ofType, runtime, texts } from '../constructs/helpers.js';

/**
 * The runtime's own work (src/runtime/runtime.ts): options, the store it is given, the clock of
 * `dispatch` and `advance`, every kind of timer handed to its construct, the order of one event
 * through the constructs, and the snapshot. Written for the mutation run (docs/testing.md).
 */

const RITUAL = `
ritual intro {
  starts on member.joined
  step hello: message.posted
  remind after 1h: say "remind {member.id}"
}`;

/** A store that records what it is asked, around a MemoryStore. */
class CountingStore extends MemoryStore {
  puts: string[] = [];
  override put(state: CommunityState) {
    this.puts.push(state.id);
    super.put(state);
  }
}

const rng = (rt: Runtime, id: string) => rt.community(id)!.rng;

describe('options', () => {
  it('uses the store it is given, and writes a community back after each event and each advance that moves it', () => {
    const store = new CountingStore();
    const rt = createRuntime(load(RITUAL), { store });
    const a = events('a');
    feed(rt, [a.join('2026-03-02T10:00:00+08:00', 'ann')]);
    expect(store.puts).toEqual(['a']);
    expect(store.get('a')!.members['ann']!.present).toBe(true);
    rt.advance('2026-03-02T10:30:00+08:00');
    expect(store.puts).toEqual(['a', 'a']);
    // Not moved (the clock is there already): not written.
    rt.advance('2026-03-02T10:30:00+08:00');
    expect(store.puts).toEqual(['a', 'a']);
    // A duplicate is not written either.
    rt.dispatch({ id: 'a-1', type: 'member.joined', at: '2026-03-02T10:40:00+08:00', community: 'a', member: 'ann' });
    expect(store.puts).toEqual(['a', 'a']);
  });

  it('a community starts with its PRNG at the seed XOR the FNV-1a hash of its id (seed 1 unless given)', () => {
    // FNV-1a 32-bit test vectors: "a" -> 0xe40c292c, "foobar" -> 0xbf9cf968.
    const rt = runtime(RITUAL);
    feed(rt, [events('a').join('2026-03-02T10:00:00+08:00', 'ann'), events('foobar').join('2026-03-02T10:00:00+08:00', 'ann')]);
    expect(rng(rt, 'a')).toBe((1 ^ 0xe40c292c) >>> 0);
    expect(rng(rt, 'foobar')).toBe((1 ^ 0xbf9cf968) >>> 0);
    const seeded = runtime(RITUAL, { seed: 0x7fff0000 });
    feed(seeded, [events('a').join('2026-03-02T10:00:00+08:00', 'ann')]);
    expect(rng(seeded, 'a')).toBe((0x7fff0000 ^ 0xe40c292c) >>> 0);
  });

  it('maxSkewMs and horizonMs must be positive; horizonMs comes from the option, then the playbook, then 7 days', () => {
    const ir = load(RITUAL);
    expect(() => createRuntime(ir, { maxSkewMs: -1 })).toThrow('maxSkewMs must be a positive number of milliseconds, not -1');
    expect(() => createRuntime(ir, { maxSkewMs: 0 })).toThrow('maxSkewMs must be a positive number of milliseconds, not 0');
    expect(() => createRuntime(ir, { horizonMs: 0 })).toThrow(RangeError);
    expect(() => createRuntime(ir, { horizonMs: -5 })).toThrow('horizonMs must be a positive number of milliseconds, not -5');
    expect(() => createRuntime(ir, { horizonMs: Number.NaN })).toThrow(/horizonMs/);
    expect(createRuntime(ir, { maxSkewMs: 1 })).toBeDefined();
    expect(createRuntime(ir).horizonMs).toBe(7 * 86_400_000);
    expect(createRuntime(ir, { horizonMs: 5 }).horizonMs).toBe(5);
    const withHorizon = { ...ir, horizonMs: 2 * 86_400_000 };
    expect(createRuntime(withHorizon).horizonMs).toBe(2 * 86_400_000);
    expect(createRuntime(withHorizon, { horizonMs: 9 }).horizonMs).toBe(9);
  });
});

describe('dispatch and the clock', () => {
  it('an event exactly at the clock is not late; one a millisecond before it is, and runs at the clock', () => {
    const rt = runtime(`${RITUAL}\nrule echo { on message.posted do say "echo" }`);
    const e = events();
    feed(rt, [e.join('2026-03-02T10:00:00+08:00', 'ann')]);
    const same = rt.dispatchDetailed(e.msg('2026-03-02T10:00:00+08:00', 'bob'));
    expect([same.status, same.late]).toEqual(['processed', false]);
    const before = rt.dispatchDetailed(e.msg('2026-03-02T09:59:59.999+08:00', 'bob'));
    expect([before.status, before.late]).toEqual(['processed', true]);
    expect(before.actions.map((a) => a.at)).toEqual(['2026-03-02T10:00:00+08:00']);
    expect(rt.community('c1')!.clock).toBe(Date.parse('2026-03-02T10:00:00+08:00'));
  });

  it('a stale event is refused, not late, and changes nothing', () => {
    const rt = runtime(RITUAL, { horizonMs: 3_600_000 });
    const e = events();
    feed(rt, [e.join('2026-03-02T10:00:00+08:00', 'ann')]);
    const snap = JSON.stringify(rt.snapshot());
    expect(rt.dispatchDetailed(e.msg('2026-03-02T08:59:59+08:00', 'ann'))).toEqual({ status: 'stale', actions: [], late: false });
    expect(JSON.stringify(rt.snapshot())).toBe(snap);
  });

  it('ids older than the horizon are forgotten as the clock moves on', () => {
    const rt = runtime(RITUAL, { horizonMs: 3_600_000 });
    const e = events();
    feed(rt, [e.join('2026-03-02T10:00:00+08:00', 'ann'), e.msg('2026-03-02T10:30:00+08:00', 'bob')]);
    expect(rt.snapshot().communities[0]!.processed).toEqual(['c1-1', 'c1-2']);
    feed(rt, [e.msg('2026-03-02T11:10:00+08:00', 'bob')]);
    expect(rt.snapshot().communities[0]!.processed).toEqual(['c1-2', 'c1-3']);
  });

  it('a skew bound counts from the clock a timer left, and the reason says by how much', () => {
    const rt = runtime(RITUAL, { maxSkewMs: 3_600_000 });
    const e = events();
    feed(rt, [e.join('2026-03-02T10:00:00+08:00', 'ann')]);
    const r = rt.dispatchDetailed(e.msg('2026-03-02T11:00:00.001+08:00', 'ann'));
    expect(r).toEqual({
      status: 'invalid',
      actions: [],
      late: false,
      reason: `"at" is PT1H0.001S ahead of the community's clock (2026-03-02T10:00:00+08:00); the limit is PT1H`,
    });
    expect(rt.dispatchDetailed(e.msg('2026-03-02T11:00:00+08:00', 'ann')).status).toBe('processed');
  });
});

describe('advance', () => {
  it('runs communities in the order of their ids, whatever order they were created in', () => {
    const rt = runtime(RITUAL);
    feed(rt, [events('b').join('2026-03-02T10:00:00+08:00', 'bob'), events('a').join('2026-03-02T10:00:00+08:00', 'ann')]);
    expect(rt.advance('2026-03-02T12:00:00+08:00').map((x) => x.community)).toEqual(['a', 'b']);
  });

  it('with `only`, moves that community alone; an unknown one moves nothing', () => {
    const rt = runtime(RITUAL);
    feed(rt, [events('a').join('2026-03-02T10:00:00+08:00', 'ann'), events('b').join('2026-03-02T10:00:00+08:00', 'bob')]);
    expect(rt.advance('2026-03-02T12:00:00+08:00', 'zz')).toEqual([]);
    expect(rt.community('a')!.clock).toBe(Date.parse('2026-03-02T10:00:00+08:00'));
    expect(texts(rt.advance('2026-03-02T12:00:00+08:00', 'b'))).toEqual(['remind bob']);
    expect(rt.community('b')!.clock).toBe(Date.parse('2026-03-02T12:00:00+08:00'));
    expect(rt.community('a')!.clock).toBe(Date.parse('2026-03-02T10:00:00+08:00'));
    expect(texts(rt.advance('2026-03-02T12:00:00+08:00'))).toEqual(['remind ann']);
  });

  it('to the clock itself touches nothing for takeChanges', () => {
    const rt = runtime(RITUAL, { trackChanges: true });
    feed(rt, [events('a').join('2026-03-02T10:00:00+08:00', 'ann')]);
    rt.takeChanges();
    rt.advance('2026-03-02T10:00:00+08:00');
    expect(rt.takeChanges().size).toBe(0);
    rt.advance('2026-03-02T10:00:00.001+08:00');
    expect([...rt.takeChanges().keys()]).toEqual(['a']);
  });
});

describe('takeChanges after an event', () => {
  it('names the event’s member even when no construct changed them', () => {
    const rt = runtime(RITUAL, { trackChanges: true });
    feed(rt, [events('a').ev('custom.thing', '2026-03-02T10:00:00+08:00', 'ann')]);
    // An unknown type is ignored: nothing changed.
    expect(rt.takeChanges().size).toBe(0);
    feed(rt, [events('a').msg('2026-03-02T10:00:00+08:00', 'ann')]);
    const changed = rt.takeChanges();
    expect([...changed.keys()]).toEqual(['a']);
    expect([...changed.get('a')!]).toEqual(['ann']);
  });
});

describe('every kind of timer goes to the construct that armed it', () => {
  const ALL = `
job hello every day at 09:00 { say "job" }
leaderboard best top 3 by points every day at 21:00: say "board {board}"
schedule talk every day at 19:20 until 20:00 { at start: say "start {session}" }
campaign sale { stage s from 2026-03-03 to 2026-03-05 { on enter: say "enter {stage}" } }
agenda launch on 2026-03-03 { 10:00 kick: say "kick" }
direct messages { at most 1 per member per 1d, else hold }
rule dm { on message.posted; do say to member "re {text}" }
${RITUAL}`;

  it('machine, job, leaderboard, session open/hook/close, stage, agenda and direct timers', () => {
    const rt = runtime(ALL);
    const e = events();
    const first = feed(rt, [
      e.join('2026-03-02T08:00:00+08:00', 'ann'),
      e.msg('2026-03-02T08:10:00+08:00', 'bob', 'a'),
      e.msg('2026-03-02T08:20:00+08:00', 'bob', 'b'),
    ]);
    expect(first.map((a) => a.text)).toEqual(['re a']);
    const out = rt.advance('2026-03-03T12:00:00+08:00');
    expect(out.map((a) => `${a.at.slice(5, 16)} ${a.type} ${String(a.text)} ${String(a.source)}`)).toEqual([
      '03-02T09:00 message.send job job:hello',
      '03-02T09:00 message.send remind ann ritual:intro',
      '03-02T19:20 message.send start 2026-03-02T19:20:00+08:00 schedule:talk',
      '03-02T21:00 message.send board  leaderboard:best',
      '03-03T00:00 stage.entered undefined campaign:sale',
      '03-03T00:00 message.send enter s campaign:sale',
      '03-03T08:10 message.send re b rule:dm',
      '03-03T09:00 message.send job job:hello',
      '03-03T10:00 message.send kick agenda:launch',
    ]);
    expect(rt.community('c1')!.sessions['talk']!.map((s) => s.start)).toEqual([Date.parse('2026-03-02T19:20:00+08:00')]);
  });
});

describe('one event through the constructs', () => {
  it('a departed member produces nothing; a member.left cancels their timers; other events keep them present', () => {
    const rt = runtime(`${RITUAL}\nrule echo { on message.posted do say "echo {member.id}" }`);
    const e = events();
    expect(
      texts(
        feed(rt, [
          e.join('2026-03-02T10:00:00+08:00', 'ann'),
          e.join('2026-03-02T10:00:00+08:00', 'bob'),
          e.ev('checkin.done', '2026-03-02T10:01:00+08:00', 'bob'),
        ]),
      ),
    ).toEqual([]);
    expect(rt.community('c1')!.members['bob']!.present).toBe(true);
    feed(rt, [e.leave('2026-03-02T10:05:00+08:00', 'ann')]);
    expect(rt.community('c1')!.members['ann']!.present).toBe(false);
    expect(texts(feed(rt, [e.msg('2026-03-02T10:10:00+08:00', 'ann')]))).toEqual([]);
    expect(texts(rt.advance('2026-03-02T12:00:00+08:00'))).toEqual(['remind bob']);
  });

  it('an inviter named by the join is kept for the target `inviter`', () => {
    const rt = runtime(`rule thanks { on member.joined do say "thanks {inviter.id}" }`);
    const e = events();
    expect(texts(feed(rt, [e.join('2026-03-02T10:00:00+08:00', 'ann', { invitedBy: 'bob' })]))).toEqual(['thanks bob']);
    expect(rt.community('c1')!.members['ann']!.invitedBy).toBe('bob');
    feed(rt, [e.ev('invite.accepted', '2026-03-02T10:01:00+08:00', 'cy', { invitee: 'dee' }), e.join('2026-03-02T10:02:00+08:00', 'dee')]);
    expect(rt.community('c1')!.members['dee']!.invitedBy).toBe('cy');
  });

  for (const engine of ['fast', 'generated'] as const) {
    it(`points once per event, none for a roster entry, badges with their source, the last post after the rules (${engine})`, () => {
      const rt = runtime(
        `points { message.posted: +2; member.seen: +5 }
badge 一天 streak 1 days of message.posted: say to member "got {badge}"
rule first { on message.posted; when member has never posted; do say "first {member.id}" }`,
        { engine },
      );
      const e = events();
      const out = feed(rt, [
        e.ev('member.seen', '2026-03-02T09:00:00+08:00', 'bob', { name: 'Bob' }),
        e.msg('2026-03-02T10:00:00+08:00', 'ann'),
        e.msg('2026-03-02T10:05:00+08:00', 'ann'),
      ]);
      expect(ofType(out, 'points.award').map((a) => [a.member, a.amount])).toEqual([
        ['ann', 2],
        ['ann', 2],
      ]);
      expect(rt.community('c1')!.members['ann']!.points).toBe(4);
      expect(rt.community('c1')!.members['bob']!.points).toBe(0);
      expect(ofType(out, 'message.send').map((a) => [a.text, a.source])).toEqual([
        ['first ann', 'rule:first'],
        ['got 一天', 'badge:一天'],
      ]);
      expect(rt.community('c1')!.members['ann']!.lastPosted).toBe(Date.parse('2026-03-02T10:05:00+08:00'));
    });
  }

  it('a post during a session is attendance; a join is not a post', () => {
    const rt = runtime(`schedule talk every day at 19:20 until 20:00 { at start: say "s" }
rule first { on message.posted; when member has never posted; do say "first {member.id}" }`);
    const e = events();
    const out = feed(rt, [e.join('2026-03-02T19:00:00+08:00', 'ann'), e.msg('2026-03-02T19:30:00+08:00', 'ann')]);
    expect(texts(out)).toEqual(['s', 'first ann']);
    expect(rt.community('c1')!.sessions['talk']![0]!.attended).toEqual(['ann']);
  });

  it('a member removed by a rule earns no points for that event', () => {
    const rt = runtime(`points { message.posted: +2 }
rule spam { on message.posted; when text contains "spam"; do remove member reason "spam" }`);
    const e = events();
    const out = feed(rt, [e.msg('2026-03-02T10:00:00+08:00', 'ann', 'ok'), e.msg('2026-03-02T10:01:00+08:00', 'ann', 'spam')]);
    expect(out.map((a) => a.type)).toEqual(['points.award', 'member.remove']);
  });

  it('a member removed by a ritual step is not stepped by a lifecycle, nor checked for a badge', () => {
    const rt = runtime(`
ritual intro { starts on member.joined; step hello: message.posted; done { remove member reason "done" } }
lifecycle journey { initial a; a -> b on message.posted { say to member "moved" } }
badge 一天 streak 1 days of message.posted: say to member "got {badge}"`);
    const e = events();
    const out = feed(rt, [e.join('2026-03-02T10:00:00+08:00', 'ann'), e.msg('2026-03-02T10:05:00+08:00', 'ann')]);
    expect(out.map((a) => a.type)).toEqual(['member.remove']);
  });

  it('a member removed by a lifecycle is not checked for a badge', () => {
    const rt = runtime(`
lifecycle journey { initial a; a -> b on message.posted { remove member reason "out" } }
badge 一天 streak 1 days of message.posted: say to member "got {badge}"`);
    const e = events();
    const out = feed(rt, [e.join('2026-03-02T10:00:00+08:00', 'ann'), e.msg('2026-03-02T10:05:00+08:00', 'ann')]);
    expect(out.map((a) => a.type)).toEqual(['lifecycle.changed', 'member.remove']);
  });

  it('a campaign goal is checked after each event', () => {
    const rt = runtime(`campaign sale {
  stage s from 2026-03-01 to 2026-03-05
  goal two when count(order.paid) >= 2 { say "two orders" }
}`);
    const e = events();
    expect(texts(feed(rt, [e.ev('order.paid', '2026-03-02T10:00:00+08:00', 'ann', { orderId: 'o', amount: 1 })]))).toEqual([]);
    expect(texts(feed(rt, [e.ev('order.paid', '2026-03-02T10:01:00+08:00', 'ann', { orderId: 'o', amount: 1 })]))).toEqual(['two orders']);
  });
});

describe('the network and the snapshot', () => {
  const NET = `rule r { on order.paid; when count(order.paid across groups) >= 2; once per community; do say "two" }`;

  it('a networked playbook lists its groups in the order first seen and snapshots them; another snapshots no network', () => {
    const network = new Network();
    const rt = runtime(NET, { network });
    feed(rt, [
      events('b').ev('order.paid', '2026-03-02T10:00:00+08:00', 'ann', { orderId: 'o', amount: 1 }),
      events('a').ev('order.paid', '2026-03-02T10:01:00+08:00', 'ann', { orderId: 'o', amount: 1 }),
    ]);
    expect(network.state.groups).toEqual(['b', 'a']);
    const snap = rt.snapshot();
    expect(snap.communities.map((c) => c.id)).toEqual(['a', 'b']);
    expect(snap.network?.groups).toEqual(['b', 'a']);
    const resumed = runtime(NET, { snapshot: JSON.parse(JSON.stringify(snap)) });
    expect(resumed.snapshot()).toEqual(snap);
    const plain = new Network();
    const rt2 = runtime(RITUAL, { network: plain });
    feed(rt2, [events('a').join('2026-03-02T10:00:00+08:00', 'ann')]);
    expect(plain.state.groups).toEqual([]);
    expect('network' in rt2.snapshot()).toBe(false);
  });

  it('a snapshot without a network leaves the network given as it is', () => {
    const network = new Network();
    network.see('x');
    const rt = runtime(NET, { network, snapshot: { version: 1, playbook: 'T', communities: [] } });
    expect(rt.snapshot().network?.groups).toEqual(['x']);
    const from = runtime(NET, {
      network: new Network(),
      snapshot: { version: 1, playbook: 'T', communities: [], network: { counters: {}, goals: {}, groups: ['y'] } },
    });
    expect(from.snapshot().network?.groups).toEqual(['y']);
  });

  it('directMessages() adds up every community', () => {
    const rt = runtime(`direct messages { at most 1 per member per 1d, else drop }\nrule dm { on message.posted; do say to member "re" }`);
    const a = events('a');
    const b = events('b');
    feed(rt, [
      a.msg('2026-03-02T10:00:00+08:00', 'ann'),
      a.msg('2026-03-02T10:01:00+08:00', 'ann'),
      b.msg('2026-03-02T10:00:00+08:00', 'bob'),
      b.msg('2026-03-02T10:01:00+08:00', 'bob'),
    ]);
    expect(rt.directMessages()).toEqual({ held: 0, released: 0, dropped: 2, gone: 0, waiting: 0 });
  });
});
