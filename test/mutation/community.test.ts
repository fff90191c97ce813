import { describe, expect, it } from 'vitest';
import { newCommunity } from '../../src/runtime/community.js';
import { communityFromJSON, communityToJSON } from '../../src/runtime/community-json.js';
import { newMember } from '../../src/runtime/member.js';
import { RememberedIds } from '../../src/runtime/remembered.js';
import type { CommunitySnapshot, CommunityState, Timer } from '../../src/runtime/state.js';
import { loadTimers } from '../../src/runtime/timers.js';
import { isDict } from '../../src/stdlib/dict.js';

/**
 * A community's state and its JSON form (src/runtime/community.ts, community-json.ts;
 * docs/runtime.md): what a new community holds, and the snapshot round trip with its copies,
 * dicts, remembered ids and timers. Written for the mutation run (docs/testing.md).
 */

const timer = (id: string, due: number, seq: number): Timer => ({ id, due, seq, kind: 'job', ref: id });

function busy(): CommunityState {
  const c = newCommunity('c1', 1_000, 42);
  c.clock = 5_000;
  const ann = newMember('ann', 1_000);
  ann.points = 3;
  ann.tags = ['vip'];
  c.members['ann'] = ann;
  c.members['constructor'] = newMember('constructor', 2_000);
  c.counters['posts'] = { n: 2 } as unknown as CommunityState['counters'][string];
  c.campaigns['spring'] = { stage: 's1' } as unknown as CommunityState['campaigns'][string];
  c.once.push('rule:a');
  c.processed.set('e1', 1_500);
  c.processed.set('e2', 1_200);
  c.timerSeq = 3;
  loadTimers(c, [timer('b', 9_000, 2), timer('a', 9_000, 1), timer('c', 7_000, 3)]);
  c.timerIndex.delete('c');
  return c;
}

describe('newCommunity', () => {
  it('starts at now, with the seed, empty tables as dicts and a remembered-id map', () => {
    const c = newCommunity('c9', 1_234, 77);
    expect(c).toMatchObject({ id: 'c9', clock: 1_234, started: 1_234, timerSeq: 0, once: [], timers: [], rng: 77 });
    expect(c.processed).toBeInstanceOf(RememberedIds);
    expect(c.processed.size).toBe(0);
    expect(c.timerIndex).toBeInstanceOf(Map);
    expect(c.timerIndex.size).toBe(0);
    for (const t of [c.members, c.counters, c.campaigns, c.sessions]) {
      expect(isDict(t)).toBe(true);
      expect(Object.keys(t)).toEqual([]);
    }
    expect(Object.keys(c)).toEqual([
      'id',
      'clock',
      'started',
      'processed',
      'members',
      'timers',
      'timerIndex',
      'timerSeq',
      'counters',
      'campaigns',
      'sessions',
      'once',
      'rng',
    ]);
  });
});

describe('communityToJSON', () => {
  it('lists the fields, remembered ids with their times and live timers in firing order, without the queue', () => {
    const json = communityToJSON(busy());
    expect(Object.keys(json)).toEqual([
      'id',
      'clock',
      'started',
      'timerSeq',
      'counters',
      'campaigns',
      'sessions',
      'once',
      'rng',
      'members',
      'processed',
      'processedAt',
      'timers',
    ]);
    expect(json).toMatchObject({
      id: 'c1',
      clock: 5_000,
      started: 1_000,
      timerSeq: 3,
      once: ['rule:a'],
      rng: 42,
      processed: ['e1', 'e2'],
      processedAt: [1_500, 1_200],
    });
    expect(json.timers.map((t) => t.id)).toEqual(['a', 'b']);
    expect(Object.keys(json.members)).toEqual(['ann', 'constructor']);
    expect(json.members['ann']).toEqual({ id: 'ann', present: true, removed: false, joinedAt: 1_000, points: 3, tags: ['vip'] });
  });

  it('is a deep copy: later changes to the state do not show in it', () => {
    const c = busy();
    const json = communityToJSON(c);
    c.members['ann']!.tags!.push('new');
    c.members['ann']!.points = 99;
    (c.counters['posts'] as unknown as { n: number }).n = 50;
    c.once.push('rule:b');
    c.timerIndex.get('a')!.due = 1;
    expect(json.members['ann']!.tags).toEqual(['vip']);
    expect(json.members['ann']!.points).toBe(3);
    expect(json.counters['posts']).toEqual({ n: 2 });
    expect(json.once).toEqual(['rule:a']);
    expect(json.timers[0]!.due).toBe(9_000);
  });

  it('keeps its tables as dicts, and with members: false leaves the members out', () => {
    const json = communityToJSON(busy());
    for (const t of [json.members, json.counters, json.campaigns, json.sessions]) expect(isDict(t)).toBe(true);
    const without = communityToJSON(busy(), { members: false });
    expect(isDict(without.members)).toBe(true);
    expect(Object.keys(without.members)).toEqual([]);
    expect(Object.keys(communityToJSON(busy(), { members: true }).members)).toEqual(['ann', 'constructor']);
  });
});

describe('communityFromJSON', () => {
  function parsed(): CommunitySnapshot {
    return JSON.parse(JSON.stringify(communityToJSON(busy()))) as CommunitySnapshot;
  }

  it('loads back the same state, which writes the same JSON', () => {
    const json = parsed();
    const c = communityFromJSON(json);
    expect(JSON.stringify(communityToJSON(c))).toBe(JSON.stringify(json));
    expect(c.processed).toBeInstanceOf(RememberedIds);
    expect([...c.processed]).toEqual([
      ['e1', 1_500],
      ['e2', 1_200],
    ]);
    expect(c.timers.map((t) => t.id)).toEqual(['a', 'b']);
    expect([...c.timerIndex.keys()]).toEqual(['a', 'b']);
    expect(c.members['ann']!.points).toBe(3);
    expect(c.members['ann']!.tags).toEqual(['vip']);
  });

  it('rebuilds the tables as dicts: a member or campaign called like an Object.prototype field is found only if it is there', () => {
    const c = communityFromJSON(parsed());
    for (const t of [c.members, c.counters, c.campaigns, c.sessions]) expect(isDict(t)).toBe(true);
    expect(c.campaigns['constructor']).toBeUndefined();
    expect(c.members['toString']).toBeUndefined();
    expect(c.members['constructor']!.joinedAt).toBe(2_000);
  });

  it('copies the JSON: changing the state later leaves the JSON as it was', () => {
    const json = parsed();
    const c = communityFromJSON(json);
    c.members['ann']!.tags!.push('x');
    (c.counters['posts'] as unknown as { n: number }).n = 7;
    c.once.push('rule:z');
    c.timers[0]!.due = 1;
    expect(json.members['ann']!.tags).toEqual(['vip']);
    expect(json.counters['posts']).toEqual({ n: 2 });
    expect(json.once).toEqual(['rule:a']);
    expect(json.timers[0]!.due).toBe(9_000);
  });

  it('remembers the ids of a snapshot without times as of its clock', () => {
    const json = parsed();
    delete json.processedAt;
    expect([...communityFromJSON(json).processed]).toEqual([
      ['e1', 5_000],
      ['e2', 5_000],
    ]);
  });
});
