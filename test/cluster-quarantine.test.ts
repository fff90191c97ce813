import { describe, expect, it } from 'vitest';
import { asCommunity, CommunityFailure, Quarantine } from '../src/hosting/cluster-quarantine.js';
import { StoredStateError } from '../src/runtime/machines/stored.js';

function setup(firstMs = 500, maxMs = 4000) {
  const lines: string[] = [];
  const q = new Quarantine({ firstMs, maxMs, log: (l) => lines.push(l) });
  return { q, lines };
}

/** A batch that fails with a CommunityFailure for the first community of `bad` it is given. */
function batchFailing(bad: readonly string[], calls: string[][]) {
  return (cs: readonly string[]) => {
    calls.push([...cs]);
    const b = cs.find((c) => bad.includes(c));
    if (b !== undefined) return Promise.reject(new CommunityFailure(b, new Error(`bad row of ${b}`)));
    return Promise.resolve({ ran: [...cs] });
  };
}

describe('asCommunity', () => {
  it('returns what the work returns, and wraps what it throws with the community', () => {
    expect(asCommunity('a', () => 7)).toBe(7);
    const cause = new Error('boom');
    let caught: unknown;
    try {
      asCommunity('club', () => {
        throw cause;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CommunityFailure);
    expect((caught as CommunityFailure).community).toBe('club');
    expect((caught as CommunityFailure).error).toBe(cause);
    expect((caught as CommunityFailure).message).toBe('community "club": boom');
  });

  it('names the community once when the error already begins with it', () => {
    const full = new Error('community "club": too many event ids to remember within the horizon of P7D');
    expect(new CommunityFailure('club', full).message).toBe('community "club": too many event ids to remember within the horizon of P7D');
    const stored = new StoredStateError('ritual onboarding', 'gone', 'no such state', { community: 'club', member: 'ann' });
    expect(new CommunityFailure('club', stored).message).toBe(stored.message);
    expect(stored.message.startsWith('community "club", member "ann": ritual onboarding')).toBe(true);
    // Another community's name, a longer name, or the name later in the text, is not this prefix.
    expect(new CommunityFailure('club', new Error('community "club2": x')).message).toBe('community "club": community "club2": x');
    expect(new CommunityFailure('club', new Error('community "other": x')).message).toBe('community "club": community "other": x');
    expect(new CommunityFailure('club', new Error('row of community "club": x')).message).toBe('community "club": row of community "club": x');
  });

  it('keeps a CommunityFailure from inside as it is (the innermost community is the one that failed)', () => {
    const inner = new CommunityFailure('b', new Error('x'));
    expect(() =>
      asCommunity('a', () => {
        throw inner;
      }),
    ).toThrow(inner);
  });
});

describe('Quarantine', () => {
  it('sets a failing community aside and commits the rest of its batch without it', async () => {
    const { q, lines } = setup();
    const calls: string[][] = [];
    const r = await q.isolate(['a', 'b', 'c'], () => 1000, batchFailing(['b'], calls));
    expect(r).toEqual({ ran: ['a', 'c'] });
    expect(calls).toEqual([
      ['a', 'b', 'c'],
      ['a', 'c'],
    ]);
    expect(q.isAside('b')).toBe(true);
    expect(q.isAside('a')).toBe(false);
    expect(lines).toEqual(['cluster owner: community "b" set aside, its work stays pending (tried again after a backoff from 500 ms): bad row of b']);
  });

  it('two failing communities: each set aside in turn; all failing: undefined', async () => {
    const { q } = setup();
    const calls: string[][] = [];
    expect(await q.isolate(['a', 'b', 'c'], () => 0, batchFailing(['a', 'c'], calls))).toEqual({ ran: ['b'] });
    expect(calls).toEqual([['a', 'b', 'c'], ['b', 'c'], ['b']]);
    expect(await q.isolate(['x'], () => 0, batchFailing(['x'], []))).toBeUndefined();
    expect(q.isAside('x')).toBe(true);
  });

  it('any other error goes up and sets nothing aside (a database error ends the session)', async () => {
    const { q, lines } = setup();
    const dbError = new Error('connection terminated');
    await expect(
      q.isolate(
        ['a', 'b'],
        () => 0,
        () => Promise.reject(dbError),
      ),
    ).rejects.toBe(dbError);
    // A failure naming a community outside the batch is not this batch's to isolate.
    const stray = new CommunityFailure('z', new Error('x'));
    await expect(
      q.isolate(
        ['a'],
        () => 0,
        () => Promise.reject(stray),
      ),
    ).rejects.toBe(stray);
    expect(q.isAside('a')).toBe(false);
    expect(q.isAside('z')).toBe(false);
    expect(q.nextDue()).toBe(Infinity);
    expect(lines).toEqual([]);
  });

  it('backs off from firstMs, doubling per failure in a row, up to maxMs', () => {
    const { q } = setup(500, 4000);
    expect([1, 2, 3, 4, 5, 100].map((n) => q.delay(n))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    const waits: number[] = [];
    let now = 10_000;
    for (let i = 0; i < 5; i++) {
      q.fail('a', new Error('same'), now);
      waits.push(q.nextDue() - now);
      expect(q.due(q.nextDue() - 1)).toEqual([]);
      now = q.nextDue();
      expect(q.due(now)).toEqual(['a']);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 4000]);
  });

  it('hands a community back once when its backoff ends, and leaves it out of nextDue while it is tried', () => {
    const { q } = setup();
    q.fail('a', new Error('e'), 0);
    q.fail('b', new Error('e'), 100);
    expect(q.nextDue()).toBe(500);
    expect(q.due(499)).toEqual([]);
    expect(q.due(500)).toEqual(['a']);
    expect(q.isAside('a')).toBe(false);
    expect(q.due(10_000)).toEqual(['b']);
    expect(q.due(20_000)).toEqual([]);
    expect(q.nextDue()).toBe(Infinity);
  });

  it('logs once per community and error, again for a new error, and once when it works again', async () => {
    const { q, lines } = setup();
    q.fail('a', new Error('first'), 0);
    q.fail('a', new Error('first'), 1);
    q.fail('b', new Error('first'), 1);
    q.fail('a', new Error('second'), 2);
    q.fail('a', new Error('second'), 3);
    expect(lines.map((l) => /community "(\w)".*: (\w+)$/.exec(l)!.slice(1).join(' '))).toEqual(['a first', 'b first', 'a second']);
    lines.length = 0;
    await q.isolate(
      ['a', 'c'],
      () => 0,
      () => Promise.resolve({ ran: ['c'] }),
    );
    // Handed back but nothing of it ran (no inbox rows; its timers come later): still set aside, no line.
    expect(lines).toEqual([]);
    await q.isolate(
      ['a', 'c'],
      () => 0,
      () => Promise.resolve({ ran: ['a', 'c'] }),
    );
    expect(lines).toEqual(['cluster owner: community "a" works again']);
    expect(q.isAside('a')).toBe(false);
    q.succeeded('a');
    expect(lines).toHaveLength(1);
    // Set aside again after it worked: a new run of failures, logged again, backoff from the start.
    q.fail('a', new Error('first'), 50);
    expect(lines).toHaveLength(2);
    expect(q.isAside('b')).toBe(true);
    expect(q.due(549)).toEqual(['b']);
    expect(q.due(550)).toEqual(['a']);
  });
});
