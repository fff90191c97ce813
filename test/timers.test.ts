import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommunityState, Timer } from '../src/runtime/state.js';
import { cancelMemberTimers, cancelTimer, insertTimer, liveTimers, loadTimers, popTimer } from '../src/runtime/timers.js';

/** The timer heap with its indexes against a plain list: same live timers, same firing order. */
describe('timer queue', () => {
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('insert' as const),
      id: fc.integer({ min: 0, max: 12 }),
      member: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      due: fc.integer({ min: 0, max: 50 }),
    }),
    fc.record({ kind: fc.constant('cancel' as const), id: fc.integer({ min: 0, max: 12 }) }),
    fc.record({ kind: fc.constant('cancelMember' as const), member: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('pop' as const) }),
    fc.record({ kind: fc.constant('reload' as const) }),
  );

  it('agrees with a naive model under any sequence of operations', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const c = { timers: [], timerIndex: new Map(), timerSeq: 0 } as unknown as CommunityState;
        let model: Timer[] = [];
        let seq = 0;
        const order = (a: Timer, b: Timer) => a.due - b.due || a.seq - b.seq;
        for (const o of ops) {
          if (o.kind === 'insert') {
            const t = { id: `t${o.id}`, due: o.due, kind: 'job' as const, ref: 'r', ...(o.member !== undefined ? { member: `m${o.member}` } : {}) };
            insertTimer(c, t);
            model = model.filter((x) => x.id !== t.id);
            model.push({ ...t, seq: seq++ });
          } else if (o.kind === 'cancel') {
            cancelTimer(c, `t${o.id}`);
            model = model.filter((x) => x.id !== `t${o.id}`);
          } else if (o.kind === 'cancelMember') {
            cancelMemberTimers(c, `m${o.member}`);
            model = model.filter((x) => x.member !== `m${o.member}`);
          } else if (o.kind === 'pop') {
            const next = [...model].sort(order)[0];
            expect(popTimer(c)?.id).toBe(next?.id);
            if (next) model = model.filter((x) => x !== next);
          } else {
            loadTimers(c, structuredClone(liveTimers(c)));
          }
          expect(liveTimers(c).map((t) => [t.id, t.member, t.due])).toEqual([...model].sort(order).map((t) => [t.id, t.member, t.due]));
        }
      }),
      { numRuns: 300 },
    );
  });
});
