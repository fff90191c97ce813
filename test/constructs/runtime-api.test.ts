import { describe, expect, it } from 'vitest';
import { communityFromJSON, communityToJSON, createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime } from './helpers.js';

/**
 * The runtime's own public surface (src/runtime/runtime.ts), beside what each construct does
 * (issue 14, item 7): options checked at once, `nextDue` over every community, `takeChanges`,
 * the statuses of `dispatchDetailed`, and a community's JSON form.
 */

const RITUAL = `
ritual intro {
  starts on member.joined
  step hello: message.posted
  remind after 1h: say to member "remind"
  deadline 2h: remove member reason "late"
}`;

describe('runtime options', () => {
  it('an unknown engine is refused at once; the known ones are kept', () => {
    const ir = load(RITUAL);
    expect(() => createRuntime(ir, { engine: 'quick' as never })).toThrow(RangeError);
    expect(() => createRuntime(ir, { engine: 'quick' as never })).toThrow(/unknown engine quick: fast, generated, reference/);
    expect(createRuntime(ir).engine).toBe('fast');
    expect(createRuntime(ir, { engine: 'generated' }).engine).toBe('generated');
    const ref = createRuntime(ir, { engine: 'reference' });
    expect(ref.engine).toBe('reference');
    ref.close();
  });

  it('takeChanges() without trackChanges is a programming error', () => {
    const rt = runtime(RITUAL);
    expect(() => rt.takeChanges()).toThrow(/trackChanges: true/);
  });
});

describe('nextDue', () => {
  it('is undefined with no timer, then the earliest due of any community, whichever comes first in the store', () => {
    const rt = runtime(RITUAL);
    expect(rt.nextDue()).toBeUndefined();
    const a = events('a');
    const b = events('b');
    feed(rt, [a.join('2026-03-02T12:00:00+08:00', 'ann')]);
    expect(rt.nextDue()).toBe(Date.parse('2026-03-02T13:00:00+08:00'));
    // b finished its ritual and has no timer left: it is skipped.
    feed(rt, [b.join('2026-03-02T12:00:00+08:00', 'bob'), b.msg('2026-03-02T12:00:00+08:00', 'bob')]);
    expect(rt.nextDue()).toBe(Date.parse('2026-03-02T13:00:00+08:00'));
    const c = events('c');
    feed(rt, [c.join('2026-03-02T11:00:00+08:00', 'cy')]);
    expect(rt.nextDue()).toBe(Date.parse('2026-03-02T12:00:00+08:00'));
    // A community stored later with a later timer does not replace the earliest.
    const d = events('d');
    feed(rt, [d.join('2026-03-02T11:30:00+08:00', 'dee')]);
    expect(rt.nextDue()).toBe(Date.parse('2026-03-02T12:00:00+08:00'));
  });
});

describe('takeChanges', () => {
  it('names the communities an advance touched, and the members whose timers fired', () => {
    const rt = runtime(RITUAL, { trackChanges: true });
    const a = events('a');
    const b = events('b');
    feed(rt, [a.join('2026-03-02T10:00:00+08:00', 'ann'), b.join('2026-03-02T10:00:00+08:00', 'bob'), b.msg('2026-03-02T10:01:00+08:00', 'bob')]);
    expect([...rt.takeChanges().keys()].sort()).toEqual(['a', 'b']);
    expect(rt.takeChanges().size).toBe(0);
    rt.advance('2026-03-02T11:30:00+08:00');
    const changed = rt.takeChanges();
    expect([...changed.keys()].sort()).toEqual(['a', 'b']);
    expect([...changed.get('a')!]).toEqual(['ann']);
    expect([...changed.get('b')!]).toEqual([]);
  });
});

describe('dispatchDetailed statuses', () => {
  it('duplicate ids, unknown types and late events', () => {
    const rt = runtime(RITUAL);
    const e = events();
    const join = e.join('2026-03-02T10:00:00+08:00', 'ann');
    expect(rt.dispatchDetailed(join)).toMatchObject({ status: 'processed', late: false });
    expect(rt.dispatchDetailed(join)).toEqual({ status: 'duplicate', actions: [], late: false });
    // An unknown type moves no clock: the reminder due at 11:00 does not fire.
    const stray = e.ev('platform.thing', '2026-03-02T18:00:00+08:00', 'ann');
    expect(rt.dispatchDetailed(stray)).toEqual({ status: 'ignored', actions: [], late: false });
    expect(rt.community('c1')!.clock).toBe(Date.parse('2026-03-02T10:00:00+08:00'));
    expect(rt.dispatchDetailed({ id: 'x' })).toMatchObject({ status: 'invalid', actions: [], late: false, reason: 'missing envelope key "type"' });
    const r = rt.dispatchDetailed(e.msg('2026-03-02T11:30:00+08:00', 'ann'));
    expect(r.status).toBe('processed');
    expect(ofType(r.actions, 'message.send').map((a) => a.at)).toEqual(['2026-03-02T11:00:00+08:00']);
    const late = rt.dispatchDetailed(e.msg('2026-03-02T11:00:00+08:00', 'ann'));
    expect(late).toMatchObject({ status: 'processed', late: true });
  });

  it('a timer that fires during an event acts at its own due time, the event after it at the event time', () => {
    const rt = runtime(`${RITUAL}
rule echo { on message.posted do say "echo" }`);
    const e = events();
    feed(rt, [e.join('2026-03-02T10:00:00+08:00', 'ann')]);
    const out = rt.dispatch(e.ev('message.posted', '2026-03-02T11:30:00+08:00', 'bob', { messageId: 'm', text: 'x' }));
    expect(out.map((a) => [a.type, a.at])).toEqual([
      ['message.send', '2026-03-02T11:00:00+08:00'],
      ['message.send', '2026-03-02T11:30:00+08:00'],
    ]);
  });
});

describe("a community's JSON form", () => {
  it('leaves members out on request, and loads back into the same state', () => {
    const rt = runtime(RITUAL);
    const e = events();
    feed(rt, [e.join('2026-03-02T10:00:00+08:00', 'ann'), e.join('2026-03-02T10:05:00+08:00', 'bob')]);
    const c = rt.community('c1')!;
    expect(Object.keys(communityToJSON(c, { members: false }).members)).toEqual([]);
    const json = communityToJSON(c);
    expect(Object.keys(json.members).sort()).toEqual(['ann', 'bob']);
    expect(json.processed).toEqual(['c1-1', 'c1-2']);
    expect(json.timers.map((t) => t.due)).toEqual([
      Date.parse('2026-03-02T11:00:00+08:00'),
      Date.parse('2026-03-02T11:05:00+08:00'),
      Date.parse('2026-03-02T12:00:00+08:00'),
      Date.parse('2026-03-02T12:05:00+08:00'),
    ]);
    const back = communityFromJSON(JSON.parse(JSON.stringify(json)));
    expect(communityToJSON(back)).toEqual(json);
    // Tables are dicts again: a member called `constructor` is not inherited.
    expect(back.members['constructor']).toBeUndefined();
    expect(back.campaigns['constructor']).toBeUndefined();
    // The copy is deep: later events do not change it.
    feed(rt, [e.msg('2026-03-02T10:10:00+08:00', 'ann')]);
    expect(json.processed).toEqual(['c1-1', 'c1-2']);
    expect(json.members['ann']!.machines).toEqual(back.members['ann']!.machines);
  });

  it('a snapshot resumes in a new runtime with the same timers and members', () => {
    const ir = load(RITUAL);
    const rt = createRuntime(ir);
    const e = events();
    feed(rt, [e.join('2026-03-02T10:00:00+08:00', 'ann')]);
    const resumed = createRuntime(ir, { snapshot: JSON.parse(JSON.stringify(rt.snapshot())) });
    expect(resumed.snapshot()).toEqual(rt.snapshot());
    expect(resumed.advance('2026-03-02T13:00:00+08:00')).toEqual(rt.advance('2026-03-02T13:00:00+08:00'));
    expect(resumed.snapshot().playbook).toBe('T');
    expect(resumed.snapshot().version).toBe(1);
  });
});
