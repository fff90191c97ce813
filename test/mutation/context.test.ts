import { describe, expect, it } from 'vitest';
import { actor, asActor, newCtx, type OutputAction } from '../../src/runtime/context.js';
import type { InputEvent } from '../../src/runtime/events.js';
import type { CommunityState, MemberState } from '../../src/runtime/state.js';

/** `newCtx` (src/runtime/context.ts): one shape for every context. Written for the mutation run (docs/testing.md). */
describe('newCtx', () => {
  it('carries what it is given, with no extras and no session', () => {
    const c = { id: 'c1' } as CommunityState;
    const m = { id: 'm1' } as MemberState;
    const ev = { id: 'e1' } as InputEvent;
    const out: OutputAction[] = [];
    const ctx = newCtx(c, 5, 'e1', 'rule:r', out, m, ev);
    expect(ctx).toMatchObject({ community: c, now: 5, cause: 'e1', source: 'rule:r', member: m, event: ev });
    expect(ctx.out).toBe(out);
    expect(ctx.extras).toBeUndefined();
    expect(ctx.session).toBeUndefined();
  });

  it('has the same fields in the same order with or without a member and event', () => {
    const c = { id: 'c1' } as CommunityState;
    const full = newCtx(c, 5, 'e1', 's', [], { id: 'm1' } as MemberState, { id: 'e1' } as InputEvent);
    const bare = newCtx(c, 6, 't', 's', []);
    expect(Object.keys(bare)).toEqual(Object.keys(full));
    expect(Object.keys(bare).slice(0, 9)).toEqual(['community', 'now', 'cause', 'source', 'out', 'member', 'event', 'extras', 'session']);
    expect(bare.member).toBeUndefined();
    expect(bare.event).toBeUndefined();
  });

  it('actor is the target when there is one, else the member; asActor makes the target the member', () => {
    const c = { id: 'c1' } as CommunityState;
    const ann = { id: 'ann' } as MemberState;
    const bob = { id: 'bob' } as MemberState;
    const plain = newCtx(c, 5, 'e1', 's', [], ann);
    expect(actor(plain)).toBe(ann);
    expect(asActor(plain)).toBe(plain);
    const aimed = { ...plain, target: bob };
    expect(actor(aimed)).toBe(bob);
    expect(actor({ ...aimed, member: undefined })).toBe(bob);
    const acted = asActor(aimed);
    expect(acted).toMatchObject({ member: bob, target: undefined, cause: 'e1', now: 5, community: c });
    expect(aimed.member).toBe(ann);
  });
});
