import { describe, expect, it } from 'vitest';
import { emptyNetwork, Network, usesNetwork, type NetworkState } from '../../src/runtime/network.js';
import { load } from '../constructs/helpers.js';

/**
 * The state the communities of one runtime share (src/runtime/network.ts; docs/language.md,
 * "Networks of groups"). Written for the mutation run (docs/testing.md).
 */

describe('Network', () => {
  it('starts empty and unchanged', () => {
    const n = new Network();
    expect(n.state).toEqual({ counters: {}, goals: {}, groups: [] });
    expect(n.changed).toBe(false);
    expect(emptyNetwork()).toEqual({ counters: {}, goals: {}, groups: [] });
    // Tables are dicts: a counter called `constructor` is not inherited.
    expect(emptyNetwork().counters['constructor']).toBeUndefined();
    expect(emptyNetwork().goals['toString']).toBeUndefined();
  });

  it('see() adds a community once, in the order first seen, and marks the state changed', () => {
    const n = new Network();
    n.see('b');
    expect(n.changed).toBe(true);
    n.changed = false;
    n.see('a');
    n.see('b');
    expect(n.state.groups).toEqual(['b', 'a']);
    n.changed = false;
    n.see('a');
    expect(n.changed).toBe(false);
  });

  it('load() copies the JSON deeply into dicts and clears `changed`; load(undefined) empties it', () => {
    const json = { counters: { n1: 3, n2: [1, 2] }, goals: { sale: ['ten'] }, groups: ['a'] } as unknown as NetworkState;
    const n = new Network();
    n.see('x');
    n.load(json);
    expect(n.changed).toBe(false);
    expect(n.state).toEqual(json);
    expect(n.state.counters['constructor']).toBeUndefined();
    expect(n.state.goals['constructor']).toBeUndefined();
    (n.state.counters['n2'] as number[]).push(3);
    n.state.goals['sale']!.push('twenty');
    n.state.groups.push('b');
    expect(json).toEqual({ counters: { n1: 3, n2: [1, 2] }, goals: { sale: ['ten'] }, groups: ['a'] });
    n.changed = true;
    n.load(undefined);
    expect(n.state).toEqual({ counters: {}, goals: {}, groups: [] });
    expect(n.changed).toBe(false);
  });

  it('load() of a partial state fills in the missing tables', () => {
    const n = new Network();
    n.load({ groups: ['a'] } as unknown as NetworkState);
    expect(n.state).toEqual({ counters: {}, goals: {}, groups: ['a'] });
    n.load({ counters: { n1: 1 } } as unknown as NetworkState);
    expect(n.state).toEqual({ counters: { n1: 1 }, goals: {}, groups: [] });
  });

  it('toJSON() is a deep copy', () => {
    const n = new Network();
    n.load({ counters: { n1: [5] }, goals: { sale: ['ten'] }, groups: ['a'] } as unknown as NetworkState);
    const json = n.toJSON();
    expect(json).toEqual(n.state);
    (json.counters['n1'] as number[]).push(6);
    json.goals['sale']!.push('x');
    json.groups.push('b');
    expect(n.state).toEqual({ counters: { n1: [5] }, goals: { sale: ['ten'] }, groups: ['a'] });
  });
});

describe('usesNetwork', () => {
  it('only a campaign across all groups or a count across groups shares state', () => {
    expect(usesNetwork(load(`rule r { on message.posted; when count(message.posted) >= 2; do say "x" }`))).toBe(false);
    expect(usesNetwork(load(`rule r { on message.posted; when count(message.posted across groups) >= 2; do say "x" }`))).toBe(true);
    expect(usesNetwork(load(`campaign c { stage s from 2026-03-01 to 2026-03-05 }`))).toBe(false);
    expect(usesNetwork(load(`campaign c across all groups { stage s from 2026-03-01 to 2026-03-05 }`))).toBe(true);
  });
});
