import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { dict } from '../../src/stdlib/dict.js';
import { events, feed, load, ofType, runtime, texts } from '../constructs/helpers.js';

/**
 * Rituals and lifecycles beside each other (src/runtime/constructs/{rituals,lifecycles,
 * machine-steps}.ts): several machines of one kind, each with its own start event, name and
 * timers, a member removed midway, and timers that outlive what they were for in an edited
 * snapshot. Written for the mutation run (docs/testing.md, "Mutation testing").
 */

const T0 = '2026-03-02T10:00:00+08:00';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

const TWO_RITUALS = `
ritual alpha {
  starts on member.joined
  say to member "start {ritual}: {missing}"
  step a "A": checkin.done
  deadline 1h: say to member "late {ritual}: {missing}"
}
ritual beta {
  starts on message.posted
  say to member "start {ritual}: {missing}"
  step b "B": checkin.done
  deadline 2h: say to member "late {ritual}: {missing}"
}`;

describe('several rituals', () => {
  it('each starts only on its own event, under its own name and steps', () => {
    const rt = runtime(TWO_RITUALS);
    const { join, msg } = events();
    expect(texts(feed(rt, [msg(at(0), 'ann')]))).toEqual(['start beta: B']);
    expect(Object.keys(rt.community('c1')!.members['ann']!.machines ?? {})).toEqual(['ritual:beta']);
    expect(texts(feed(rt, [join(at(1), 'bob')]))).toEqual(['start alpha: A']);
  });

  it("each ritual's deadline reaches that ritual", () => {
    const rt = runtime(TWO_RITUALS);
    const { join, msg } = events();
    feed(rt, [join(at(0), 'ann'), msg(at(0), 'ann')]);
    expect(ofType(rt.advance(at(60)), 'message.send').map((a) => a.text)).toEqual(['late alpha: A']);
    expect(ofType(rt.advance(at(120)), 'message.send').map((a) => a.text)).toEqual(['late beta: B']);
  });

  it('rituals started by one event all start', () => {
    const rt = runtime(`
ritual one { starts on member.joined; say to member "one"; step s: checkin.done }
ritual two { starts on member.joined; say to member "two"; step s: checkin.done }`);
    const { join } = events();
    expect(texts(feed(rt, [join(at(0), 'ann')]))).toEqual(['one', 'two']);
  });

  it('a member removed by one ritual is not stepped by the next: its state stays as it was', () => {
    const rt = runtime(`
ritual first { starts on member.joined; step s: checkin.done; done { remove member reason "out" } }
ritual second { starts on member.joined; step s: checkin.done; done { say to member "second done" } }`);
    const { join, checkin } = events();
    feed(rt, [join(at(0), 'ann')]);
    const before = structuredClone(rt.community('c1')!.members['ann']!.machines!['ritual:second']);
    feed(rt, [checkin(at(1), 'ann')]);
    expect(rt.community('c1')!.members['ann']!.machines!['ritual:second']).toEqual(before);
  });
});

describe('several lifecycles', () => {
  it('a member removed as one lifecycle starts is not started in the next', () => {
    const rt = runtime(`
lifecycle one { initial a; a -> b when count(message.posted) >= 0 { remove member reason "out" }; b -> c on message.posted }
lifecycle two { initial x; x -> y on message.posted { say to member "two moved" } }`);
    const { msg } = events();
    const out = feed(rt, [msg(at(0), 'ann')]);
    expect(ofType(out, 'member.remove').length).toBe(1);
    // Nor is the event that started it sent on to the lifecycle that removed the member.
    expect(rt.community('c1')!.members['ann']!.machines).toEqual({ 'lifecycle:one': 'b' });
  });

  it("each lifecycle's after timer moves that lifecycle", () => {
    const rt = runtime(`
lifecycle one { initial a; a -> b after 1h { say to member "{lifecycle} {from}->{to}" } }
lifecycle two { initial x; x -> y after 2h { say to member "{lifecycle} {from}->{to}" } }`);
    const { msg } = events();
    feed(rt, [msg(at(0), 'ann')]);
    expect(texts(rt.advance(at(60)))).toEqual(['one a->b']);
    expect(texts(rt.advance(at(120)))).toEqual(['two x->y']);
    expect(rt.community('c1')!.members['ann']!.machines).toEqual({ 'lifecycle:one': 'b', 'lifecycle:two': 'y' });
  });
});

describe('machine timers left in an edited snapshot', () => {
  const body = `ritual alpha { starts on member.joined; step a "A": checkin.done; deadline 1h: say to member "late" }`;

  function started() {
    const rt = runtime(body);
    feed(rt, [events().join(at(0), 'ann')]);
    return rt.snapshot();
  }

  it('a deadline of a member no longer present, or no longer there, does nothing', () => {
    const gone = started();
    for (const m of Object.values(gone.communities[0]!.members)) m.present = false;
    expect(createRuntime(load(body), { snapshot: gone }).advance(at(60))).toEqual([]);
    const missing = started();
    missing.communities[0]!.members = dict();
    expect(createRuntime(load(body), { snapshot: missing }).advance(at(60))).toEqual([]);
  });

  it('a deadline whose ritual is gone from the playbook, or from the member, does nothing', () => {
    expect(createRuntime(load(`ritual other { starts on member.joined; step a: checkin.done }`), { snapshot: started() }).advance(at(60))).toEqual([]);
    const cleared = started();
    for (const m of Object.values(cleared.communities[0]!.members)) delete m.machines;
    expect(createRuntime(load(body), { snapshot: cleared }).advance(at(60))).toEqual([]);
    // The unedited snapshot does fire it.
    expect(texts(createRuntime(load(body), { snapshot: started() }).advance(at(60)))).toEqual(['late']);
  });
});
