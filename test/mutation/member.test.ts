import { describe, expect, it } from 'vitest';
import { addItem, hasItem, isPresent, levelOf, memberFromJSON, memberToJSON, newMember, removeItem } from '../../src/runtime/member.js';
import type { MemberState } from '../../src/runtime/state.js';
import { dict, isDict } from '../../src/stdlib/dict.js';
import { EXTRA_FIELDS } from '../fixtures/member-fields.js';

/**
 * Member state helpers (src/runtime/member.ts): the compact shape, the JSON round trip with its
 * dicts, levels at their thresholds, and the list helpers. Written for the mutation run
 * (docs/testing.md, "Mutation testing").
 */

/** The fields a member's JSON starts with (more, all absent, follow them: other constructs add theirs). */
const FIRST = ['id', 'name', 'present', 'removed', 'joinedAt', 'unjoined', 'points', 'roles', 'tags'];
/** The own fields of the compact shape (src/runtime/member.ts): the rest are accessors. */
const KEYS = Object.keys(newMember('x', 0));

describe('newMember', () => {
  it('is present, not removed, with no points and every collection absent, all fields in one order', () => {
    const m = newMember('ann', 1234);
    const full = newMember('ann', 1234);
    for (const k of FIRST.slice(1)) (full as unknown as Record<string, unknown>)[k] = k === 'roles' || k === 'tags' ? ['x'] : k === 'unjoined' || 1;
    expect(Object.keys(JSON.parse(JSON.stringify(full)) as object)).toEqual(FIRST);
    expect('ruleFired' in m).toBe(true);
    expect(KEYS).toEqual(['id', 'name', 'f', 'joinedAt', 'points', 'x']);
    expect(m).toMatchObject({ id: 'ann', present: true, removed: false, joinedAt: 1234, points: 0 });
    for (const k of ['name', 'unjoined', 'roles', 'tags', 'counters', 'ruleFired', 'lastPosted', 'invitedBy']) {
      expect(m[k as keyof MemberState]).toBeUndefined();
    }
  });
});

describe('the JSON round trip', () => {
  function busy(): MemberState {
    const m = newMember('bob', 10);
    m.name = 'Bob';
    m.points = 7;
    m.roles = ['mod'];
    m.counters = Object.assign(dict<number>(), { posts: 3 });
    m.boards = Object.assign(dict<Record<string, number>>(), { weekly: Object.assign(dict<number>(), { '2026-W10': 5 }) });
    return m;
  }

  it('drops absent fields and keeps the others', () => {
    const json = memberToJSON(busy());
    expect(Object.keys(json)).toEqual(['id', 'name', 'present', 'removed', 'joinedAt', 'points', 'roles', 'counters', 'boards']);
    expect(JSON.parse(JSON.stringify(json))).toEqual({
      id: 'bob',
      name: 'Bob',
      present: true,
      removed: false,
      joinedAt: 10,
      points: 7,
      roles: ['mod'],
      counters: { posts: 3 },
      boards: { weekly: { '2026-W10': 5 } },
    });
  });

  it('is a deep copy whose tables are still dicts', () => {
    const m = busy();
    const json = memberToJSON(m);
    json.roles!.push('x');
    json.counters!['posts'] = 99;
    expect(m.roles).toEqual(['mod']);
    expect(m.counters!['posts']).toBe(3);
    expect(isDict(json.counters)).toBe(true);
    expect(isDict(json.boards!['weekly'])).toBe(true);
  });

  it('loads back into the compact shape: absent fields absent, tables as dicts, copied', () => {
    const parsed = JSON.parse(JSON.stringify(memberToJSON(busy()))) as MemberState;
    const m = memberFromJSON(parsed);
    expect(Object.keys(m)).toEqual(KEYS);
    expect(m).toEqual(busy());
    expect(m.tags).toBeUndefined();
    expect(isDict(m.counters)).toBe(true);
    expect(isDict(m.boards!['weekly'])).toBe(true);
    parsed.roles!.push('y');
    expect(m.roles).toEqual(['mod']);
  });

  it('reads only the known own fields of the JSON, and skips those set to undefined', () => {
    const proto = { points: 500 };
    const json = Object.assign(Object.create(proto) as MemberState, { id: 'c', joinedAt: 1, present: false, removed: true, extra: 1, name: undefined });
    const m = memberFromJSON(json);
    expect(m.points).toBe(0);
    expect(m.present).toBe(false);
    expect(m.removed).toBe(true);
    expect(m.name).toBeUndefined();
    expect('extra' in m).toBe(false);
    const blank = { id: 'd', joinedAt: 2, present: undefined, points: undefined } as unknown as MemberState;
    expect(memberFromJSON(blank)).toMatchObject({ present: true, points: 0 });
  });
});

describe('levels', () => {
  const levels = [
    { name: 'bronze', at: 10 },
    { name: 'silver', at: 50 },
  ];
  const at = (points: number) => levelOf(levels, { ...newMember('m', 0), points });

  it('is the highest level whose threshold the points reach, none below the first', () => {
    expect([0, 9, 10, 49, 50, 1000].map(at)).toEqual(['', '', 'bronze', 'bronze', 'silver', 'silver']);
    expect(levelOf([], newMember('m', 0))).toBe('');
  });
});

describe('list helpers', () => {
  it('hasItem: false for an absent list or a missing item', () => {
    expect(hasItem(undefined, 'a')).toBe(false);
    expect(hasItem([], 'a')).toBe(false);
    expect(hasItem(['b'], 'a')).toBe(false);
    expect(hasItem(['b', 'a'], 'a')).toBe(true);
  });

  it('addItem: starts a list, adds once, keeps the same list', () => {
    expect(addItem(undefined, 'a')).toEqual(['a']);
    const list = ['a'];
    expect(addItem(list, 'b')).toBe(list);
    expect(addItem(list, 'a')).toBe(list);
    expect(list).toEqual(['a', 'b']);
  });

  it('removeItem: removes every copy; an emptied or absent list is absent', () => {
    expect(removeItem(['a', 'b', 'a'], 'a')).toEqual(['b']);
    expect(removeItem(['a'], 'a')).toBeUndefined();
    expect(removeItem(undefined, 'a')).toBeUndefined();
    expect(removeItem(['b'], 'a')).toEqual(['b']);
  });

  it('isPresent reads the present flag', () => {
    const m = newMember('m', 0);
    expect(isPresent(m)).toBe(true);
    m.present = false;
    expect(isPresent(m)).toBe(false);
  });
});

describe('the extras of an idle member (docs/performance.md, "Memory and simulate floor")', () => {
  const extras = (m: MemberState) => (m as unknown as { x: unknown }).x;
  /** Every collection and rarely written field, the ones kept in the extras. */
  const EXTRA = EXTRA_FIELDS;

  it('writing undefined to any of them allocates nothing', () => {
    for (const k of EXTRA) {
      const m = newMember('ann', 0);
      (m as unknown as Record<string, unknown>)[k] = undefined;
      expect(extras(m), k).toBeUndefined();
      expect(m[k as keyof MemberState], k).toBeUndefined();
    }
  });

  it('a value written to any of them on an idle member reads back, and undefined then clears that field only', () => {
    for (const k of EXTRA) {
      const m = newMember('ann', 0) as unknown as Record<string, unknown>;
      const v = k === 'lastPosted' ? 5 : k === 'invitedBy' ? 'bob' : ['v'];
      m[k] = v;
      expect(m[k], k).toEqual(v);
      expect(extras(m as unknown as MemberState), k).toBeDefined();
      if (k !== 'tags') m['tags'] = ['t'];
      m[k] = undefined;
      expect(m[k], k).toBeUndefined();
      if (k !== 'tags') expect(m['tags'], k).toEqual(['t']);
    }
  });

  it('the unjoined flag clears again, and only it', () => {
    const m = newMember('ann', 0);
    m.unjoined = true;
    m.removed = true;
    expect((m as MemberState & { toJSON(): object }).toJSON()).toMatchObject({ unjoined: true, removed: true, present: true });
    m.unjoined = undefined;
    expect(m.unjoined).toBeUndefined();
    expect(m.removed).toBe(true);
    expect(m.present).toBe(true);
  });

  it('the JSON lists only the fields that are set', () => {
    const m = newMember('ann', 0);
    m.tags = ['t'];
    expect(Object.keys((m as MemberState & { toJSON(): object }).toJSON())).toEqual(['id', 'present', 'removed', 'joinedAt', 'points', 'tags']);
    const plain = { ...(m as MemberState & { toJSON(): MemberState }).toJSON(), roles: undefined } as MemberState;
    expect(Object.keys(memberToJSON(plain))).toEqual(['id', 'present', 'removed', 'joinedAt', 'points', 'tags']);
  });

  it('memberFromJSON reads the name, the unjoined flag and the points', () => {
    const m = memberFromJSON({ id: 'ann', name: 'Ann', present: false, removed: true, joinedAt: 7, unjoined: true, points: 5 } as MemberState);
    expect([m.id, m.name, m.present, m.removed, m.joinedAt, m.unjoined, m.points]).toEqual(['ann', 'Ann', false, true, 7, true, 5]);
  });

  it('the JSON of a member without a name has no name key at all', () => {
    expect(Object.keys((newMember('ann', 0) as MemberState & { toJSON(): object }).toJSON())).toEqual(['id', 'present', 'removed', 'joinedAt', 'points']);
  });
});
