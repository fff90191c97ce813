import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { migrateSnapshot } from '../../src/hosting/migrate.js';
import { createRuntime, type OutputAction, type Runtime } from '../../src/runtime/runtime.js';
import { events, feed, load, runtime, type Raw } from './helpers.js';

/**
 * `direct messages { … }` (src/runtime/constructs/direct-messages.ts; docs/language.md, "Direct
 * messages"): the cap over a sliding period, quiet hours across midnight and daylight saving,
 * hold and drop, the member's line (first in, first out), departures, and the properties of
 * issue 16: the cap is never exceeded, and a held message is released exactly once however the
 * stream is split by snapshots.
 */

const DM_RULE = `rule dm { on message.posted; do say to member "re {text}" }`;
const dms = (out: OutputAction[]) => out.filter((a) => a.type === 'message.send' && a['to'] !== undefined);
const when = (out: OutputAction[]) => dms(out).map((a) => [a.at, a['text'], a['cause']]);

describe('the cap', () => {
  it('holds the messages over the cap and releases one per period, each with its own cause, in order', () => {
    const rt = runtime(`direct messages { at most 1 per member per 1d, else hold }\n${DM_RULE}`);
    const { msg } = events();
    const out = feed(rt, [
      msg('2026-03-02T10:00:00+08:00', 'ann', 'a'),
      msg('2026-03-02T10:00:10+08:00', 'ann', 'b'),
      msg('2026-03-02T10:00:20+08:00', 'ann', 'c'),
    ]);
    expect(when(out)).toEqual([['2026-03-02T10:00:00+08:00', 're a', 'c1-1']]);
    // Exactly one period after the first: `> now - 1d` no longer counts it.
    expect(when(rt.advance('2026-03-03T09:59:59+08:00'))).toEqual([]);
    expect(when(rt.advance('2026-03-03T10:00:00+08:00'))).toEqual([['2026-03-03T10:00:00+08:00', 're b', 'c1-2']]);
    expect(when(rt.advance('2026-03-05T00:00:00+08:00'))).toEqual([['2026-03-04T10:00:00+08:00', 're c', 'c1-3']]);
    expect(rt.directMessages()).toEqual({ held: 2, released: 2, dropped: 0, gone: 0, waiting: 0 });
  });

  it('`else drop` drops them, and the summary counts them', () => {
    const rt = runtime(`direct messages { at most 2 per member per 1h, else drop }\n${DM_RULE}`);
    const { msg } = events();
    const out = feed(rt, [
      msg('2026-03-02T10:00:00+08:00', 'ann', 'a'),
      msg('2026-03-02T10:10:00+08:00', 'ann', 'b'),
      msg('2026-03-02T10:20:00+08:00', 'ann', 'c'),
      msg('2026-03-02T10:20:00+08:00', 'bob', 'x'),
      msg('2026-03-02T11:00:00+08:00', 'ann', 'd'),
    ]);
    expect(dms(out).map((a) => a['text'])).toEqual(['re a', 're b', 're x', 're d']);
    expect(rt.directMessages()).toEqual({ held: 0, released: 0, dropped: 1, gone: 0, waiting: 0 });
  });

  it('counts only messages to one member: group posts, channel posts and admin notices pass', () => {
    const rt = runtime(`direct messages { at most 1 per member per 1d, else drop }
rule r { on message.posted; do say "group {text}"; say to admins "admins {text}"; say to member "dm {text}" }`);
    const { msg } = events();
    const out = feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann', 'a'), msg('2026-03-02T10:01:00+08:00', 'ann', 'b')]);
    expect(out.map((a) => a['text'])).toEqual(['group a', 'admins a', 'dm a', 'group b', 'admins b']);
  });

  it('a message that waits goes behind the line even when the cap would let it through', () => {
    // Two held at night; the first goes at 08:00 and fills the cap; one made at 09:00 waits behind the second.
    const rt = runtime(`direct messages {
  at most 1 per member per 1h, else hold
  quiet hours 22:00 to 08:00, hold
}
${DM_RULE}`);
    const { msg } = events();
    feed(rt, [msg('2026-03-02T23:00:00+08:00', 'ann', 'a'), msg('2026-03-02T23:30:00+08:00', 'ann', 'b')]);
    const morning = rt.advance('2026-03-03T09:00:00+08:00');
    expect(when(morning)).toEqual([
      ['2026-03-03T08:00:00+08:00', 're a', 'c1-1'],
      ['2026-03-03T09:00:00+08:00', 're b', 'c1-2'],
    ]);
    const later = feed(rt, [msg('2026-03-03T09:30:00+08:00', 'ann', 'c')]);
    expect(when(later)).toEqual([]);
    expect(when(rt.advance('2026-03-03T12:00:00+08:00'))).toEqual([['2026-03-03T10:00:00+08:00', 're c', 'c1-3']]);
  });

  it('messages made by one event keep their order', () => {
    const rt = runtime(`direct messages { at most 1 per member per 1m, else hold }
rule r { on message.posted; do say to member "one"; say to member "two"; say to member "three" }`);
    const { msg } = events();
    feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann')]);
    expect(dms(rt.advance('2026-03-02T11:00:00+08:00')).map((a) => [a.at, a['text']])).toEqual([
      ['2026-03-02T10:01:00+08:00', 'two'],
      ['2026-03-02T10:02:00+08:00', 'three'],
    ]);
  });
});

describe('quiet hours', () => {
  const QUIET = `direct messages { quiet hours 22:00 to 08:00, hold }\n${DM_RULE}`;

  it('start at the start time (included) and end at the end time (excluded), across midnight', () => {
    const rt = runtime(QUIET);
    const { msg } = events();
    const out = feed(rt, [
      msg('2026-03-02T21:59:59+08:00', 'ann', 'a'),
      msg('2026-03-02T22:00:00+08:00', 'ann', 'b'),
      msg('2026-03-03T07:59:59+08:00', 'ann', 'c'),
    ]);
    expect(when(out)).toEqual([['2026-03-02T21:59:59+08:00', 're a', 'c1-1']]);
    const released = feed(rt, [msg('2026-03-03T08:00:00+08:00', 'ann', 'd')]);
    // The line is released at 08:00 before the event of 08:00 (timers due then fire first).
    expect(when(released)).toEqual([
      ['2026-03-03T08:00:00+08:00', 're b', 'c1-2'],
      ['2026-03-03T08:00:00+08:00', 're c', 'c1-3'],
      ['2026-03-03T08:00:00+08:00', 're d', 'c1-4'],
    ]);
  });

  it('within one day when the start is before the end', () => {
    const rt = runtime(`direct messages { quiet hours 12:00 to 14:00, drop }\n${DM_RULE}`);
    const { msg } = events();
    const out = feed(rt, [
      msg('2026-03-02T11:59:00+08:00', 'ann', 'a'),
      msg('2026-03-02T12:00:00+08:00', 'ann', 'b'),
      msg('2026-03-02T13:59:00+08:00', 'ann', 'c'),
      msg('2026-03-02T14:00:00+08:00', 'ann', 'd'),
      msg('2026-03-02T23:00:00+08:00', 'ann', 'e'),
    ]);
    expect(dms(out).map((a) => a['text'])).toEqual(['re a', 're d', 're e']);
    expect(rt.directMessages().dropped).toBe(2);
  });

  it('end at the first minute the wall clock shows outside them, across daylight saving changes', () => {
    // New York springs forward on 2026-03-08 (02:00 EST becomes 03:00 EDT): 02:30 is never shown.
    const spring = runtime(`direct messages { quiet hours 01:00 to 02:30, hold }\n${DM_RULE}`, {}, 'America/New_York');
    const s = events();
    expect(when(feed(spring, [s.msg('2026-03-08T01:30:00-05:00', 'ann', 'a')]))).toEqual([]);
    expect(when(spring.advance('2026-03-08T12:00:00-04:00'))).toEqual([['2026-03-08T03:00:00-04:00', 're a', 'c1-1']]);
    // Falls back on 2026-11-01 (02:00 EDT becomes 01:00 EST): 00:30-01:30 is quiet twice over.
    const fall = runtime(`direct messages { quiet hours 00:30 to 01:30, hold }\n${DM_RULE}`, {}, 'America/New_York');
    const f = events();
    expect(when(feed(fall, [f.msg('2026-11-01T01:00:00-04:00', 'ann', 'a')]))).toEqual([]);
    expect(when(feed(fall, [f.msg('2026-11-01T01:45:00-04:00', 'ann', 'b')]))).toEqual([
      ['2026-11-01T01:30:00-04:00', 're a', 'c1-1'],
      ['2026-11-01T01:45:00-04:00', 're b', 'c1-2'],
    ]);
    expect(when(feed(fall, [f.msg('2026-11-01T01:15:00-05:00', 'ann', 'c')]))).toEqual([]);
    expect(when(fall.advance('2026-11-01T12:00:00-05:00'))).toEqual([['2026-11-01T01:30:00-05:00', 're c', 'c1-3']]);
  });

  it('a held message whose turn comes in quiet hours set to drop is dropped', () => {
    const rt = runtime(`direct messages {
  at most 1 per member per 1h, else hold
  quiet hours 22:00 to 08:00, drop
}
${DM_RULE}`);
    const { msg } = events();
    feed(rt, [msg('2026-03-02T21:30:00+08:00', 'ann', 'a'), msg('2026-03-02T21:40:00+08:00', 'ann', 'b')]);
    expect(when(rt.advance('2026-03-03T12:00:00+08:00'))).toEqual([]);
    expect(rt.directMessages()).toEqual({ held: 1, released: 0, dropped: 1, gone: 0, waiting: 0 });
  });
});

describe('members who go', () => {
  const BODY = `direct messages { at most 1 per member per 1d, else hold }
${DM_RULE}
rule spam { on message.posted; when text contains "广告"; do remove member reason "ad" }`;

  it('a member who leaves loses what was held for them, counted; a rejoin does not bring it back', () => {
    const rt = runtime(BODY);
    const { msg, leave, join } = events();
    feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann', 'a'), msg('2026-03-02T10:01:00+08:00', 'ann', 'b'), leave('2026-03-02T11:00:00+08:00', 'ann')]);
    feed(rt, [join('2026-03-02T12:00:00+08:00', 'ann')]);
    expect(dms(rt.advance('2026-03-05T00:00:00+08:00'))).toEqual([]);
    expect(rt.directMessages()).toEqual({ held: 1, released: 0, dropped: 0, gone: 1, waiting: 0 });
  });

  it('so does a removed member: the message the removing event made first is dropped too', () => {
    const rt = runtime(BODY);
    const { msg } = events();
    feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann', 'a'), msg('2026-03-02T10:01:00+08:00', 'ann', 'b'), msg('2026-03-02T10:02:00+08:00', 'ann', '广告')]);
    expect(dms(rt.advance('2026-03-05T00:00:00+08:00'))).toEqual([]);
    expect(rt.directMessages()).toEqual({ held: 2, released: 0, dropped: 0, gone: 2, waiting: 0 });
  });
});

// ------------------------------------------------------------------------------ properties

const T0 = Date.parse('2026-03-02T00:00:00+08:00');
const MIN = 60_000;

interface Case {
  count: number;
  perMinutes: number;
  capPolicy: 'hold' | 'drop';
  quiet: { from: number; to: number; policy: 'hold' | 'drop' } | undefined;
  steps: { minute: number; member: string; kind: 'post' | 'leave' | 'join' }[];
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function body(k: Case, withBlock = true): string {
  const clauses = [`at most ${k.count} per member per ${k.perMinutes}m, else ${k.capPolicy}`];
  if (k.quiet) clauses.push(`quiet hours ${hhmm(k.quiet.from)} to ${hhmm(k.quiet.to)}, ${k.quiet.policy}`);
  return `${withBlock ? `direct messages {\n  ${clauses.join('\n  ')}\n}\n` : ''}rule dm { on message.posted; do say to member "re {text}"; say "echo" }
job nudge every day at 21:00 { say to members "nudge {member.id}" }`;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  count: fc.integer({ min: 1, max: 3 }),
  perMinutes: fc.integer({ min: 1, max: 600 }),
  capPolicy: fc.constantFrom('hold' as const, 'drop' as const),
  quiet: fc.option(
    fc
      .record({ from: fc.integer({ min: 0, max: 1439 }), to: fc.integer({ min: 0, max: 1439 }), policy: fc.constantFrom('hold' as const, 'drop' as const) })
      .filter((q) => q.from !== q.to),
    { nil: undefined },
  ),
  steps: fc.array(
    fc.record({
      minute: fc.integer({ min: 0, max: 180 }),
      member: fc.constantFrom('ann', 'bob', '__proto__'),
      kind: fc.constantFrom('post' as const, 'post' as const, 'post' as const, 'post' as const, 'leave' as const, 'join' as const),
    }),
    { maxLength: 40 },
  ),
});

/** The events of a case: minutes are gaps, so the stream is in time order over up to ~5 days. */
function stream(k: Case): Raw[] {
  let t = T0;
  return k.steps.map((s, i) => {
    t += s.minute * MIN;
    const at = new Date(t).toISOString();
    const base = { id: `e${i}`, at, community: 'c', member: s.member };
    if (s.kind === 'post') return { ...base, type: 'message.posted', messageId: `m${i}`, text: `t${i}` };
    return { ...base, type: s.kind === 'join' ? 'member.joined' : 'member.left' };
  });
}

const END = (k: Case) => new Date(T0 + k.steps.reduce((s, x) => s + x.minute, 0) * MIN + 10 * 86_400_000).toISOString();

function runAll(rt: Runtime, list: Raw[], until: string): OutputAction[] {
  const out = feed(rt, list);
  out.push(...rt.advance(until));
  return out;
}

describe('properties', () => {
  it('the cap is never exceeded, nothing goes out in quiet hours, and every message is delivered, dropped, gone or waiting', () => {
    fc.assert(
      fc.property(caseArb, (k) => {
        const ir = load(body(k));
        const rt = createRuntime(ir);
        const out = runAll(rt, stream(k), END(k));
        const free = runAll(createRuntime(load(body(k, false))), stream(k), END(k));
        const byMember = new Map<string, number[]>();
        for (const a of dms(out)) {
          const at = Date.parse(a.at);
          const list = byMember.get(a['to'] as string) ?? [];
          list.push(at);
          byMember.set(a['to'] as string, list);
          if (k.quiet) {
            const local = ((Math.floor((at + 8 * 3_600_000) / MIN) % 1440) + 1440) % 1440;
            const quiet = k.quiet.from < k.quiet.to ? local >= k.quiet.from && local < k.quiet.to : local >= k.quiet.from || local < k.quiet.to;
            expect(quiet, `a message went out at ${a.at} in quiet hours`).toBe(false);
          }
        }
        for (const list of byMember.values()) {
          for (let i = 0; i + k.count < list.length; i++) expect(list[i + k.count]! - list[i]!).toBeGreaterThanOrEqual(k.perMinutes * MIN);
        }
        // Group posts are untouched.
        expect(out.filter((a) => a['to'] === undefined)).toEqual(free.filter((a) => a['to'] === undefined));
        const t = rt.directMessages();
        expect(dms(out).length + t.dropped + t.gone + t.waiting).toBe(dms(free).length);
        expect(t.released + t.gone + t.waiting).toBeLessThanOrEqual(t.held);
        // Per member, what went out is what was made, in the same order (a subsequence), never earlier.
        for (const member of byMember.keys()) {
          const made = dms(free).filter((a) => a['to'] === member);
          let j = 0;
          for (const a of dms(out).filter((x) => x['to'] === member)) {
            while (j < made.length && (made[j]!['cause'] !== a['cause'] || made[j]!['text'] !== a['text'])) j++;
            expect(j, `${String(a['text'])} out of order`).toBeLessThan(made.length);
            expect(Date.parse(a.at)).toBeGreaterThanOrEqual(Date.parse(made[j]!.at));
            j++;
          }
        }
      }),
    );
  });

  it('a held message is released exactly once, wherever a snapshot splits the stream', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (k, cutSeed) => {
        const ir = load(body(k));
        const list = stream(k);
        const whole = runAll(createRuntime(ir), list, END(k));
        const cut = list.length === 0 ? 0 : cutSeed % (list.length + 1);
        const first = createRuntime(ir);
        const out = feed(first, list.slice(0, cut));
        const snapshot = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<Runtime['snapshot']>;
        const second = createRuntime(ir, { snapshot });
        out.push(...runAll(second, list.slice(cut), END(k)));
        expect(out).toEqual(whole);
        expect(second.directMessages()).toEqual(createRuntimeTotals(ir, list, END(k)));
      }),
    );
  });
});

function createRuntimeTotals(ir: ReturnType<typeof load>, list: Raw[], until: string) {
  const rt = createRuntime(ir);
  runAll(rt, list, until);
  return rt.directMessages();
}

describe('a reload (docs/serve.md, "Reloading the playbook")', () => {
  it('keeps the lines: a new version with the block releases them on time, one without sends them at their turn', () => {
    const HOLD = `direct messages { at most 1 per member per 1d, else hold }\n${DM_RULE}`;
    const run = (after: string) => {
      const from = load(HOLD);
      const rt = createRuntime(from);
      const { msg } = events();
      feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann', 'a'), msg('2026-03-02T10:01:00+08:00', 'ann', 'b')]);
      const migration = migrateSnapshot(from, load(after), rt.snapshot());
      const next = createRuntime(load(after), { snapshot: migration.snapshot });
      return when(next.advance('2026-03-05T00:00:00+08:00'));
    };
    expect(run(`${HOLD}\nrule other { on checkin.done; do say "x" }`)).toEqual([['2026-03-03T10:00:00+08:00', 're b', 'c1-2']]);
    expect(run(DM_RULE)).toEqual([['2026-03-03T10:00:00+08:00', 're b', 'c1-2']]);
  });
});
