import { describe, expect, it } from 'vitest';
import type { Action, Cond, IR } from '../../src/ir/schema.js';
import { newCommunity } from '../../src/runtime/community.js';
import { FastConditions } from '../../src/runtime/conditions/fast.js';
import { newCtx, type Ctx, type OutputAction } from '../../src/runtime/context.js';
import { Core } from '../../src/runtime/core.js';
import type { InputEvent } from '../../src/runtime/events.js';
import { FastMachines } from '../../src/runtime/machines/fast.js';
import { newMember } from '../../src/runtime/member.js';
import { Network } from '../../src/runtime/network.js';
import type { CommunityState, MemberState } from '../../src/runtime/state.js';
import { load } from '../constructs/helpers.js';

/**
 * What the constructs share (src/runtime/core.ts): templates filled for the moment, actions made
 * in one shape, changes noted for durable stores, compiled conditions kept once, and a list of
 * actions run with removed members and targets in mind. Written for the mutation run
 * (docs/testing.md).
 */

const T0 = Date.parse('2026-03-02T10:00:00+08:00');
const DAY = 86_400_000;

const BODY = `
levels { 活跃 at 20; 核心 at 40 }
rule r { on message.reported; do say "hi"; say to member "dm"; tag member "t"; notify admins "n"; say to author "to author" }
`;

function setUp(body = BODY, tracking = false, closes?: string[]) {
  const ir = load(body);
  const conditions = new FastConditions(ir, new Network());
  const engine = closes
    ? { compile: (c: Cond) => conditions.compile(c), compileValue: conditions.compileValue.bind(conditions), close: () => closes.push('closed') }
    : conditions;
  const core = new Core(ir, engine, new FastMachines(ir), tracking);
  const c = newCommunity('c1', T0, 1);
  return { ir, core, c };
}

function member(c: CommunityState, id: string, extra: Partial<MemberState> = {}): MemberState {
  const m = newMember(id, T0);
  Object.assign(m, extra);
  c.members[id] = m;
  return m;
}

function event(payload: Record<string, unknown>, member = 'ann'): InputEvent {
  const full = { id: 'e1', type: 'message.posted', at: '2026-03-02T10:00:00+08:00', community: 'c1', member, ...payload };
  return { id: 'e1', type: 'message.posted', at: full.at, atMs: T0, community: 'c1', member, payload: full };
}

function ctxOf(c: CommunityState, now: number, m?: MemberState, ev?: InputEvent, out: OutputAction[] = []): Ctx {
  return newCtx(c, now, 'e1', 'rule:r', out, m, ev);
}

describe('text: placeholders', () => {
  it('a text without a placeholder or an escaped brace is returned as written', () => {
    const { core, c } = setUp();
    expect(core.text(ctxOf(c, T0), 'plain words')).toBe('plain words');
  });

  it('the member’s id, name (the id when none), points, level and whole days since joining', () => {
    const { core, c } = setUp();
    const ann = member(c, 'ann', { name: 'Ann', points: 25, joinedAt: T0 });
    const bob = member(c, 'bob', { points: 40, joinedAt: T0 });
    const t = '{member.id}/{member.name}/{member.points}/{member.level}/{member.joinedDays}';
    expect(core.text(ctxOf(c, T0 + 3 * DAY - 1, ann), t)).toBe('ann/Ann/25/活跃/2');
    expect(core.text(ctxOf(c, T0 + 3 * DAY, bob), t)).toBe('bob/bob/40/核心/3');
    // The member given beats the context's.
    expect(core.text(ctxOf(c, T0, ann), '{member.id}', bob)).toBe('bob');
    // No member: left as written; an attribute members lack: left as written.
    expect(core.text(ctxOf(c, T0), '{member.id}')).toBe('{member.id}');
    expect(core.text(ctxOf(c, T0, ann), '{member.tags}')).toBe('{member.tags}');
  });

  it('levels are read in the order of their thresholds, however declared', () => {
    const { ir } = setUp();
    const reversed: IR = { ...ir, levels: [...ir.levels].reverse() };
    const core = new Core(reversed, new FastConditions(reversed, new Network()), new FastMachines(reversed), false);
    expect(core.levels.map((l) => l.at)).toEqual([20, 40]);
  });

  it('extras come first', () => {
    const { core, c } = setUp();
    const ann = member(c, 'ann');
    const ctx = { ...ctxOf(c, T0, ann), extras: { count: 3, 'member.id': 'X' } } as unknown as Ctx;
    expect(core.text(ctx, '{count} {member.id}')).toBe('3 X');
  });

  it('another member named by an event field or the inviter: the id, or the name (the id while unknown)', () => {
    const { core, c } = setUp();
    const ann = member(c, 'ann', { invitedBy: 'cy' });
    member(c, 'bob', { name: 'Bob' });
    const ev = event({ author: 'bob', a: 'dee', 'x.y': 'bob', n: 5 });
    const ctx = ctxOf(c, T0, ann, ev);
    expect(core.text(ctx, '{author.id} {author.name} {a.id} {a.name} {x.y.name} {inviter.id} {inviter.name}')).toBe('bob Bob dee dee Bob cy cy');
    // A field that holds no member id, or an attribute other than id and name: not a member.
    expect(core.text(ctx, '{n.id}|{author.points}|{.name}|{nobody.id}')).toBe('{n.id}|{author.points}|{.name}|{nobody.id}');
    // A name without a dot is a plain field, whatever the fields beside it hold.
    expect(core.text(ctxOf(c, T0, ann, event({ name: 'x', nam: 'bob' })), '{name}')).toBe('x');
    // Without an inviter, or without a member.
    expect(core.text(ctxOf(c, T0, member(c, 'eve'), ev), '{inviter.id}')).toBe('{inviter.id}');
    expect(core.text(ctxOf(c, T0, undefined, ev), '{inviter.id}')).toBe('{inviter.id}');
  });

  it('the community, the local date and time, and event fields (not the envelope)', () => {
    const { core, c } = setUp();
    const ev = event({ text: 'yo', count: 7, mentions: ['a', 'b'], flag: true, obj: { k: 1 } });
    const ctx = ctxOf(c, Date.parse('2026-03-02T23:45:00Z'), undefined, ev);
    expect(core.text(ctx, '{community} {date} {time}')).toBe('c1 2026-03-03 07:45');
    expect(core.text(ctx, '{text}|{event.text}|{count}|{event.mentions}')).toBe('yo|yo|7|a, b');
    expect(core.text(ctx, '{id}|{event.type}|{event.member}|{flag}|{obj}|{missing}')).toBe('{id}|{event.type}|{event.member}|{flag}|{obj}|{missing}');
  });
});

describe('emit', () => {
  it('keys in the documented order; no member key without a member; fields, cause and source', () => {
    const { core, c } = setUp();
    const out: OutputAction[] = [];
    const ctx = ctxOf(c, T0, undefined, undefined, out);
    core.emit(ctx, 'message.send', undefined, { text: 'x' });
    core.emit(ctx, 'member.tag', 'ann', { tag: 't' });
    core.emit(ctx, 'pin', 'bob');
    expect(out.map((a) => Object.keys(a))).toEqual([
      ['at', 'type', 'community', 'text', 'cause', 'source'],
      ['at', 'type', 'community', 'member', 'tag', 'cause', 'source'],
      ['at', 'type', 'community', 'member', 'cause', 'source'],
    ]);
    expect(out[1]).toEqual({ at: '2026-03-02T10:00:00+08:00', type: 'member.tag', community: 'c1', member: 'ann', tag: 't', cause: 'e1', source: 'rule:r' });
  });

  it('formats each instant once, and a new instant anew', () => {
    const { core } = setUp();
    expect(core.at(T0)).toBe('2026-03-02T10:00:00+08:00');
    expect(core.at(T0)).toBe('2026-03-02T10:00:00+08:00');
    expect(core.at(T0 + 1000)).toBe('2026-03-02T10:00:01+08:00');
  });

  it('with trackChanges, notes the member an action is about', () => {
    const { core, c } = setUp(BODY, true);
    core.emit(ctxOf(c, T0), 'message.send', undefined, { text: 'x' });
    expect([...core.changed.keys()]).toEqual([]);
    core.emit(ctxOf(c, T0), 'member.tag', 'ann', { tag: 't' });
    expect([...core.changed.get('c1')!]).toEqual(['ann']);
    const { core: off, c: c2 } = setUp(BODY, false);
    off.emit(ctxOf(c2, T0), 'member.tag', 'ann', { tag: 't' });
    expect(off.changed.size).toBe(0);
  });

  it('a message to one member passes `direct messages`; a group message does not', () => {
    const { core, c } = setUp(`direct messages { at most 1 per member per 1d, else drop }`);
    const out: OutputAction[] = [];
    const ctx = ctxOf(c, T0, member(c, 'ann'), undefined, out);
    // A member whose id is the text "undefined" has no say over group messages.
    member(c, 'undefined');
    core.emit(ctx, 'message.send', undefined, { text: 'g1' });
    core.emit(ctx, 'message.send', undefined, { text: 'g2' });
    core.emit(ctx, 'message.send', 'ann', { to: 'ann', text: 'd1' });
    core.emit(ctx, 'message.send', 'ann', { to: 'ann', text: 'd2' });
    core.emit(ctx, 'member.tag', 'ann', { to: 'ann', tag: 't1' });
    expect(out.map((a) => a['text'] ?? a['tag'])).toEqual(['g1', 'g2', 'd1', 't1']);
    expect(c.directMessages?.dropped).toBe(1);
  });
});

describe('touch', () => {
  it('notes nothing without trackChanges', () => {
    const { core, c } = setUp(BODY, false);
    core.touch(c, 'ann');
    expect(core.changed.size).toBe(0);
  });

  it('notes the community, and the member when one is named', () => {
    const { core, c } = setUp(BODY, true);
    core.touch(c);
    expect([...core.changed.get('c1')!]).toEqual([]);
    core.touch(c, 'ann');
    core.touch(c, 'bob');
    expect([...core.changed.get('c1')!]).toEqual(['ann', 'bob']);
  });
});

describe('compiled conditions', () => {
  it('each condition and value is compiled once; a counter without `where` has no filter', () => {
    const { core, ir } = setUp(`rule r { on message.posted; when text contains "x" and count(message.posted) >= 2; do say "x" }`);
    const cond = ir.rules[0]!.when!;
    expect(core.fn(cond)).toBe(core.fn(cond));
    const v: Cond = { op: 'eq', left: { field: 'text' }, right: { const: 'x' } } as unknown as Cond;
    const value = (v as unknown as { left: Parameters<Core['value']>[0] }).left;
    expect(core.value(value)).toBe(core.value(value));
    expect(core.counterFilter(ir.counters[0]!)).toBeUndefined();
  });

  it('a value reads from the context; a counter with `where` tests it', () => {
    const { core, ir, c } = setUp(`rule r { on message.posted; when count(message.posted where text contains "x") >= 2; do say "x" }`);
    const read = core.value({ field: 'text' } as Parameters<Core['value']>[0]);
    const ctx = ctxOf(c, T0, member(c, 'ann'), event({ text: 'axe' }));
    expect(read(ctx)).toBe('axe');
    const filter = core.counterFilter(ir.counters[0]!)!;
    expect([filter(ctx), filter(ctxOf(c, T0, member(c, 'bob'), event({ text: 'abc' })))]).toEqual([true, false]);
  });

  it('test and guard evaluate the condition in the context', () => {
    const { core, ir, c } = setUp(`rule r { on message.posted; when text contains "x"; do say "x" }`);
    const cond = ir.rules[0]!.when!;
    const yes = ctxOf(c, T0, member(c, 'ann'), event({ text: 'axe' }));
    const no = ctxOf(c, T0, member(c, 'ann'), event({ text: 'abc' }));
    expect([core.test(cond, yes), core.test(cond, no)]).toEqual([true, false]);
    expect([core.guard(yes)(cond), core.guard(no)(cond)]).toEqual([true, false]);
  });

  it('close() releases what the condition engine holds', () => {
    const closes: string[] = [];
    const { core } = setUp(BODY, false, closes);
    core.close();
    expect(closes).toEqual(['closed']);
    expect(() => setUp().core.close()).not.toThrow();
  });
});

describe('runActions', () => {
  const actions = (ir: IR): Action[] => ir.rules[0]!.actions;

  it('runs each action in order', () => {
    const { core, ir, c } = setUp();
    const out: OutputAction[] = [];
    const ann = member(c, 'ann');
    member(c, 'bob');
    core.runActions(ctxOf(c, T0, ann, event({ author: 'bob' }), out), actions(ir));
    expect(out.map((a) => [a.type, a.member, a['text'] ?? a['tag']])).toEqual([
      ['message.send', undefined, 'hi'],
      ['message.send', 'ann', 'dm'],
      ['member.tag', 'ann', 't'],
      ['admin.notify', undefined, 'n'],
      ['message.send', 'bob', 'to author'],
    ]);
  });

  it('once the member is removed, drops what is aimed at them and runs the rest', () => {
    const { core, ir, c } = setUp();
    const out: OutputAction[] = [];
    const ann = member(c, 'ann', { present: false, removed: true });
    member(c, 'bob');
    core.runActions(ctxOf(c, T0, ann, event({ author: 'bob' }), out), actions(ir));
    expect(out.map((a) => a['text'] ?? a['tag'])).toEqual(['hi', 'n', 'to author']);
  });

  it('an action aimed at a target who is not there is skipped, and nothing else runs in its place', () => {
    const { core, ir, c } = setUp();
    const out: OutputAction[] = [];
    const ann = member(c, 'ann');
    member(c, 'bob', { present: false });
    core.runActions(ctxOf(c, T0, ann, event({ author: 'bob' }), out), actions(ir));
    expect(out.map((a) => a['text'] ?? a['tag'])).toEqual(['hi', 'dm', 't', 'n']);
  });

  it('an action whose target is undefined is a plain action', () => {
    const { core, c } = setUp();
    const out: OutputAction[] = [];
    core.runActions(ctxOf(c, T0, member(c, 'ann'), undefined, out), [{ do: 'say', to: { kind: 'group' }, text: 'x', target: undefined } as Action]);
    expect(out.map((a) => a['text'])).toEqual(['x']);
  });

  it('an action kind this runtime does not know does nothing', () => {
    const { core, c } = setUp();
    const out: OutputAction[] = [];
    core.runActions(ctxOf(c, T0, member(c, 'ann'), undefined, out), [{ do: 'teleport' } as unknown as Action]);
    expect(out).toEqual([]);
  });
});

describe('tables', () => {
  it('lotteries by name; whether the playbook has direct messages', () => {
    const { core } = setUp(`rule lucky { on message.posted do draw 1 members as 手气: tag member "手气王" }`);
    expect(core.directMessages).toBe(false);
    expect([...core.lotteries.keys()]).toEqual(['手气']);
    // An IR stored before lotteries has none.
    const { ir } = setUp();
    const old: IR = { ...ir };
    delete (old as { lotteries?: unknown }).lotteries;
    expect(new Core(old, new FastConditions(old, new Network()), new FastMachines(old), false).lotteries.size).toBe(0);
    expect(setUp(`direct messages { at most 1 per member per 1d, else drop }`).core.directMessages).toBe(true);
  });
});
