import type { Cond, IR } from '../../src/ir/schema.js';
import type { EvalContext } from '../../src/runtime/conditions/engine.js';
import type { InputEvent } from '../../src/runtime/events.js';
import type { CommunityState, MemberState } from '../../src/runtime/state.js';
import { dict } from '../../src/stdlib/dict.js';

/**
 * The hand-made IR and contexts the condition engines' mutation tests share
 * (conditions-fast.test.ts, conditions-reference.test.ts): each engine is asked the same forms on
 * the same contexts.
 */

export const DAY = 86_400_000;
export const NOW = Date.parse('2026-03-04T10:30:00Z'); // a Wednesday; 18:30 in Shanghai

export const ir = {
  timezone: 'Asia/Shanghai',
  counters: [
    { id: 'posts', event: 'message.posted', scope: 'member' },
    { id: 'kept', event: 'sale', scope: 'community', keep: ['sku'], where: { op: 'eq', left: { field: 'sku' }, right: { this: 'sku' } } },
    { id: 'net', event: 'sale', scope: 'network' },
  ],
  segments: [
    { name: 'rich', where: { op: 'gte', left: { member: 'points' }, right: { const: 100 } } },
    { name: 'eventful', where: { op: 'eq', left: { field: 'x' }, right: { const: 1 } } },
    { name: 'nested', where: { op: 'inSegment', segment: 'rich' } },
    { name: 'poor', where: { not: { op: 'gte', left: { member: 'points' }, right: { const: 100 } } } },
  ],
  // Listed out of order: the engine sorts them by threshold.
  levels: [
    { name: 'gold', at: 100 },
    { name: 'bronze', at: 10 },
    { name: 'silver', at: 50 },
  ],
} as unknown as IR;

export function member(over: Partial<MemberState> = {}): MemberState {
  return { id: 'm1', present: true, removed: false, joinedAt: NOW - 3 * DAY - 1, points: 0, ...over };
}

export function community(over: Partial<CommunityState> = {}): CommunityState {
  return { id: 'c1', rng: 42, counters: dict(), campaigns: dict(), sessions: dict(), members: dict(), ...over } as unknown as CommunityState;
}

export function event(payload: Record<string, unknown>): InputEvent {
  return { id: 'e1', type: 'message.posted', at: '', atMs: NOW, community: 'c1', member: 'm1', payload };
}

export function ctx(over: Partial<EvalContext> = {}): EvalContext {
  return { community: community(), member: member(), now: NOW, ...over };
}

export const T: Cond = { op: 'truthy', left: { const: true } };
export const F: Cond = { op: 'truthy', left: { const: false } };
