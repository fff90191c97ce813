import { describe, expect, it } from 'vitest';
import { migrateSnapshot } from '../../src/hosting/migrate.js';
import { newCommunity } from '../../src/runtime/community.js';
import { FastConditions } from '../../src/runtime/conditions/fast.js';
import { newCtx, type OutputAction } from '../../src/runtime/context.js';
import { sendDirect } from '../../src/runtime/constructs/direct-messages.js';
import { Core } from '../../src/runtime/core.js';
import { FastMachines } from '../../src/runtime/machines/fast.js';
import { newMember } from '../../src/runtime/member.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, runtime } from '../constructs/helpers.js';

/**
 * `direct messages` (src/runtime/constructs/direct-messages.ts; docs/language.md, "Direct
 * messages"): a message to someone not in the group, a line kept over a reload to other quiet
 * hours, quiet hours that hold beside a cap that drops, and when the release timer is armed.
 * Written for the mutation run (docs/testing.md, "Mutation testing").
 */

const DM_RULE = `rule dm { on message.posted; do say to member "re {text}" }`;
const dms = (out: OutputAction[]) => out.filter((a) => a.type === 'message.send' && a['to'] !== undefined);
const when = (out: OutputAction[]) => dms(out).map((a) => [a.at, a['text']]);
const T = (hhmm: string, day = '02') => `2026-03-${day}T${hhmm}:00+08:00`;

describe('a message to someone with no line in the group', () => {
  function core(body: string) {
    const ir = load(body);
    return new Core(ir, new FastConditions(ir), new FastMachines(ir), false);
  }
  const message = (to: string): OutputAction => ({ at: T('10:00'), type: 'message.send', community: 'g', member: to, to, text: 'hi' });

  it('goes out unchanged to a member not (or no longer) in the group, and counts nothing', () => {
    // Core.runActions drops most such messages; sendDirect passes the rest without a line.
    const x = core(`direct messages { at most 1 per member per 1d, else hold }\n${DM_RULE}`);
    const c = newCommunity('g', 0, 1);
    const gone = newMember('gone', 0);
    gone.present = false;
    gone.directSent = [Date.parse(T('09:59'))];
    c.members['gone'] = gone;
    const out: OutputAction[] = [];
    const ctx = newCtx(c, Date.parse(T('10:00')), 'e1', 'rule:dm', out);
    sendDirect(x, ctx, message('gone'), 'gone');
    sendDirect(x, ctx, message('stranger'), 'stranger');
    expect(out).toEqual([message('gone'), message('stranger')]);
    expect([gone.held, gone.directSent, c.directMessages, c.timers.length]).toEqual([undefined, [Date.parse(T('09:59'))], undefined, 0]);
  });

  it('goes out unchanged from a playbook without the block', () => {
    const x = core(DM_RULE);
    const c = newCommunity('g', 0, 1);
    const ann = newMember('ann', 0);
    c.members['ann'] = ann;
    const out: OutputAction[] = [];
    sendDirect(x, newCtx(c, Date.parse(T('10:00')), 'e1', 'rule:dm', out), message('ann'), 'ann');
    expect(out).toEqual([message('ann')]);
    expect([ann.held, ann.directSent, c.directMessages]).toEqual([undefined, undefined, undefined]);
  });
});

describe('the policy of the clause that holds the line', () => {
  it('quiet hours that hold keep a line that a cap set to drop would drop', () => {
    const rt = runtime(`direct messages {
  at most 5 per member per 1h, else drop
  quiet hours 22:00 to 08:00, hold
}
${DM_RULE}`);
    const { msg } = events();
    expect(when(feed(rt, [msg(T('23:00'), 'ann', 'a'), msg(T('23:30'), 'ann', 'b')]))).toEqual([]);
    expect(when(rt.advance(T('12:00', '03')))).toEqual([
      [T('08:00', '03'), 're a'],
      [T('08:00', '03'), 're b'],
    ]);
    expect(rt.directMessages()).toEqual({ held: 2, released: 2, dropped: 0, gone: 0, waiting: 0 });
  });

  it('a line left by a reload to shorter quiet hours and no cap: a new message waits behind it', () => {
    const from = load(`direct messages { quiet hours 22:00 to 08:00, hold }\n${DM_RULE}`);
    const to = load(`direct messages { quiet hours 22:00 to 06:00, hold }\n${DM_RULE}`);
    const first = createRuntime(from);
    const { msg } = events();
    feed(first, [msg(T('23:00'), 'ann', 'a')]);
    const rt = createRuntime(to, { snapshot: migrateSnapshot(from, to, first.snapshot()).snapshot });
    // 07:00: outside the new quiet hours, but the line's turn (08:00) has not come: `b` joins it.
    expect(when(feed(rt, [msg(T('07:00', '03'), 'ann', 'b')]))).toEqual([]);
    expect(when(rt.advance(T('12:00', '03')))).toEqual([
      [T('08:00', '03'), 're a'],
      [T('08:00', '03'), 're b'],
    ]);
    expect(rt.directMessages()).toEqual({ held: 2, released: 2, dropped: 0, gone: 0, waiting: 0 });
  });
});

describe('the release timer', () => {
  const directTimers = (rt: ReturnType<typeof runtime>) =>
    rt
      .snapshot()
      .communities.flatMap((c) => c.timers)
      .filter((t) => t.kind === 'direct')
      .map((t) => [t.member, new Date(t.due).toISOString()]);

  it('is armed once, at the first minute outside quiet hours, however far off', () => {
    const rt = runtime(`direct messages { quiet hours 22:00 to 08:00, hold }\n${DM_RULE}`);
    const { msg } = events();
    feed(rt, [msg(T('22:00'), 'ann', 'a'), msg('2026-03-02T23:59:30+08:00', 'bob', 'b'), msg(T('07:59', '03'), 'cid', 'c')]);
    const eight = new Date(T('08:00', '03')).toISOString();
    expect(directTimers(rt)).toEqual([
      ['ann', eight],
      ['bob', eight],
      ['cid', eight],
    ]);
  });

  it('at the first minute after a spring-forward gap when the end is never shown', () => {
    const rt = runtime(`direct messages { quiet hours 01:00 to 02:30, hold }\n${DM_RULE}`, {}, 'America/New_York');
    const { msg } = events();
    feed(rt, [msg('2026-03-08T01:00:00-05:00', 'ann', 'a')]);
    expect(directTimers(rt)).toEqual([['ann', new Date('2026-03-08T03:00:00-04:00').toISOString()]]);
  });

  it('for the cap, when the oldest counted message leaves the period', () => {
    const rt = runtime(`direct messages { at most 2 per member per 1h, else hold }\n${DM_RULE}`);
    const { msg } = events();
    feed(rt, [msg(T('10:00'), 'ann', 'a'), msg(T('10:20'), 'ann', 'b'), msg(T('10:30'), 'ann', 'c'), msg(T('10:40'), 'ann', 'd')]);
    expect(directTimers(rt)).toEqual([['ann', new Date(T('11:00')).toISOString()]]);
    expect(when(rt.advance(T('11:10')))).toEqual([[T('11:00'), 're c']]);
    expect(directTimers(rt)).toEqual([['ann', new Date(T('11:20')).toISOString()]]);
  });

  it('is stored with the member, kind and id that bring the member’s turn back', () => {
    const rt = runtime(`direct messages { at most 1 per member per 1h, else hold }\n${DM_RULE}`);
    const { msg } = events();
    feed(rt, [msg(T('10:00'), 'ann', 'a'), msg(T('10:20'), 'ann', 'b')]);
    const timers = rt.snapshot().communities[0]!.timers.filter((t) => t.kind === 'direct');
    expect(timers.map(({ seq: _seq, ...t }) => t)).toEqual([{ id: 'direct:ann', due: Date.parse(T('11:00')), kind: 'direct', ref: 'direct', member: 'ann' }]);
  });
});

describe('the instants the cap remembers', () => {
  const sent = (rt: ReturnType<typeof runtime>, member: string) => rt.snapshot().communities[0]!.members[member]!.directSent;

  it('are the deliveries only, and no more than the cap counts', () => {
    const rt = runtime(`direct messages { at most 2 per member per 1h, else hold }\n${DM_RULE}`);
    const { msg } = events();
    feed(rt, [msg(T('10:00'), 'ann', 'a')]);
    expect(sent(rt, 'ann')).toEqual([Date.parse(T('10:00'))]);
    feed(rt, [msg(T('10:10'), 'ann', 'b'), msg(T('11:30'), 'ann', 'c'), msg(T('12:40'), 'ann', 'd')]);
    expect(sent(rt, 'ann')).toEqual([Date.parse(T('11:30')), Date.parse(T('12:40'))]);
  });
});
