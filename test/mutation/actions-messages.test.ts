import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/ir/schema.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load } from '../constructs/helpers.js';

/**
 * The message actions (src/runtime/actions/delete-message.ts, pin.ts, reply.ts; docs/language.md,
 * "Targets" and "Platform actions") where the message or its author is missing. Written for the
 * mutation run (docs/testing.md).
 */

const at = (minute: number) => `2026-03-02T10:${String(minute).padStart(2, '0')}:00+08:00`;

describe('whose message: the author, else the event’s member', () => {
  it('an empty author is no author: the message is the reacting member’s', () => {
    const ir = load(`rule r { on reaction.added do delete message; pin message; reply "ok" }`);
    const rt = createRuntime(ir);
    const { ev } = events();
    const out = feed(rt, [
      ev('reaction.added', at(0), 'fan', { messageId: 'm1', emoji: 'x', author: '' }),
      ev('reaction.added', at(1), 'fan', { messageId: 'm2', emoji: 'x', author: 'star' }),
    ]);
    expect(out.map((a) => [a.type, a.member, a.messageId])).toEqual([
      ['message.delete', 'fan', 'm1'],
      ['message.pin', 'fan', 'm1'],
      ['message.reply', 'fan', 'm1'],
      ['message.delete', 'star', 'm2'],
      ['message.pin', 'star', 'm2'],
      ['message.reply', 'star', 'm2'],
    ]);
  });

  it('a message with neither author nor member: no member field at all', () => {
    const ir = load(`event flagged { messageId: string }
rule r { on flagged do delete message; pin message; reply "seen" }`);
    ir.events['flagged']!.memberLevel = false;
    const rt = createRuntime(ir);
    const out = rt.dispatch({ id: 'e1', type: 'flagged', at: at(0), community: 'c1', messageId: 'mm' });
    expect(out.map((a) => [a.type, a.messageId])).toEqual([
      ['message.delete', 'mm'],
      ['message.pin', 'mm'],
      ['message.reply', 'mm'],
    ]);
    for (const a of out) expect(Object.keys(a)).not.toContain('member');
  });
});

describe('pin and reply where there is no message (a hand-written IR)', () => {
  it('an event without a messageId, or a job with no event, pins and replies nothing', () => {
    const ir = load(`rule r { on checkin.done do say "checked" }
job j every day at 09:00 { say "job" }`);
    const extra: Action[] = [{ do: 'pin' } as Action, { do: 'reply', text: 'r' } as Action];
    (ir.rules[0]!.actions as Action[]).unshift(...extra);
    (ir.jobs[0]!.actions as Action[]).unshift(...extra);
    const rt = createRuntime(ir);
    const { checkin } = events();
    const out = [...feed(rt, [checkin('2026-03-02T08:00:00+08:00', 'ann')]), ...rt.advance('2026-03-02T09:00:00+08:00')];
    expect(out.map((a) => [a.type, a.text])).toEqual([
      ['message.send', 'checked'],
      ['message.send', 'job'],
    ]);
  });
});
