import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createRuntime } from '../src/runtime/runtime.js';
import { validateEvent } from '../src/runtime/events.js';
import { compileValidator, validatorSource } from '../src/runtime/generated/validate.js';
import { MAX_ID_CHARS, MAX_LIST_ITEMS, MAX_REF_CHARS, MAX_TEXT_CHARS } from '../src/limits.js';

/**
 * The generated engine's validator (src/runtime/generated/validate.ts) only says yes: for any
 * input it returns exactly the event validateEvent builds when that one accepts an event of a
 * known type, and undefined otherwise, so every refusal keeps validateEvent's message.
 */

const PLAYBOOK = `playbook "V" { timezone "UTC" }
event quiz.answered { score: number, correct: boolean, tags: string[], note?: string, constructor?: string }
event lead.captured { source: string }
rule r { on quiz.answered when score > 1 do say "ok" }
`;

const ir = compile(PLAYBOOK, { file: 'v.playbook' }).ir!;
/** Compiled when called, inside each test, so that the generator's code runs under the test (a mutant changes its text). */
const fast = (raw: unknown) => compileValidator(ir.events)(raw);

/** validateEvent's answer in the validator's terms: the event for a valid known type, else undefined. */
function slow(raw: unknown) {
  const v = validateEvent(raw, ir.events);
  return v.ok && v.known ? v.event : undefined;
}

// Values near every limit and of every JSON type, so each check is met on both sides of its edge.
const str = (max: number) => fc.oneof(fc.constantFrom('', 'a', 'a'.repeat(max), 'a'.repeat(max + 1), '中文'), fc.string({ maxLength: 4 }));
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(0, -1, 2.5, Infinity, NaN),
  str(MAX_REF_CHARS),
  fc.constantFrom(
    [],
    ['x'],
    ['x', 1],
    Array.from({ length: MAX_LIST_ITEMS + 1 }, () => 'x'),
    ['a'.repeat(MAX_REF_CHARS + 1)],
  ),
  fc.constant({}),
);
const at = fc.constantFrom('2026-03-02T10:00:00Z', '2026-03-02T10:00:00.5+08:00', '2026-02-30T10:00:00Z', '1969-12-31T23:59:59Z', 'yesterday', '');
const type = fc.constantFrom('quiz.answered', 'lead.captured', 'message.posted', 'member.joined', 'member.left', 'unknown.kind', 'toString', '', 'constructor');
const envelope = fc.record(
  {
    id: fc.oneof(fc.constantFrom('e1', '', 'i'.repeat(MAX_ID_CHARS), 'i'.repeat(MAX_ID_CHARS + 1)), anyValue),
    type: fc.oneof(type, anyValue),
    at: fc.oneof(at, anyValue),
    community: fc.oneof(fc.constantFrom('g', 'c'.repeat(MAX_REF_CHARS), 'c'.repeat(MAX_REF_CHARS + 1)), anyValue),
    member: fc.oneof(fc.constantFrom('u1', '', 'm'.repeat(MAX_REF_CHARS + 1)), anyValue),
  },
  { requiredKeys: [] },
);
const fieldValue = fc.oneof(
  anyValue,
  fc.constantFrom(3, 'x'.repeat(MAX_TEXT_CHARS), 'x'.repeat(MAX_TEXT_CHARS + 1), true),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.constant(1)), { maxLength: 3 }),
);
const payload = fc.dictionary(
  fc.constantFrom('score', 'correct', 'tags', 'note', 'constructor', 'source', 'text', 'messageId', 'channel', 'mentions', 'name', 'roles', 'extra'),
  fieldValue,
);

/** Mostly valid events of the declared and core types, with one or two fields changed. */
const valid = fc.oneof(
  fc
    .record({ score: fc.oneof(fc.integer(), fc.double({ noNaN: true })), correct: fc.boolean(), tags: fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }) })
    .map((p) => ({
      id: 'q1',
      type: 'quiz.answered',
      at: '2026-03-02T10:00:00Z',
      community: 'g',
      member: 'u1',
      ...p,
    })),
  fc.record({ text: fc.string({ maxLength: 8 }), messageId: fc.string({ minLength: 1, maxLength: 4 }) }).map((p) => ({
    id: 'm1',
    type: 'message.posted',
    at: '2026-03-02T10:00:00+08:00',
    community: 'g',
    member: 'u1',
    ...p,
  })),
);

describe('the generated validator', () => {
  it('agrees with validateEvent on random events, valid and not (fixed seed)', () => {
    const raw = fc.oneof(
      fc.tuple(envelope, payload).map(([e, p]) => ({ ...p, ...e })),
      fc.tuple(valid, payload).map(([e, p]) => ({ ...e, ...p })),
      fc.tuple(valid, envelope).map(([e, p]) => ({ ...e, ...p })),
      valid,
      anyValue,
      fc.constant([]),
    );
    let accepted = 0;
    fc.assert(
      fc.property(raw, (r) => {
        const a = fast(r);
        const b = slow(r);
        if (a) accepted++;
        // Key order too: both events have one shape.
        expect(a === undefined ? undefined : Object.entries(a)).toEqual(b === undefined ? undefined : Object.entries(b));
      }),
      { seed: 2020, numRuns: 4000 },
    );
    // The property is not met by refusing everything.
    expect(accepted).toBeGreaterThan(400);
  });

  it('accepts a valid event of each known type and builds validateEvent’s event', () => {
    const ev = { id: 'q1', type: 'quiz.answered', at: '2026-03-02T10:00:00Z', community: 'g', member: 'u1', score: 2, correct: false, tags: ['a'] };
    expect(fast(ev)).toStrictEqual(slow(ev));
    expect(fast(ev)?.atMs).toBe(Date.parse('2026-03-02T10:00:00Z'));
    expect(fast(ev)?.payload).toBe(ev);
    const left = { id: 'l1', type: 'member.left', at: '2026-03-02T10:00:00Z', community: 'g', member: 'u1' };
    expect(fast(left)).toStrictEqual(slow(left));
    // The compiler makes every type member-level; a stored IR may have one that is not.
    const events = { 'site.visit': { core: false, memberLevel: false, fields: { page: { type: 'string' as const, optional: false } } } };
    for (const member of [null, undefined, 'u1']) {
      const visit = { id: 'v1', type: 'site.visit', at: '2026-03-02T10:00:00Z', community: 'g', page: '/', member };
      const expected = validateEvent(visit, events);
      expect(expected.ok).toBe(true);
      expect(compileValidator(events)(visit)).toStrictEqual(expected.ok ? expected.event : undefined);
    }
    const noMember = { id: 'l2', type: 'lead.captured', at: '2026-03-02T10:00:00Z', community: 'g', source: 'web', member: null };
    expect(slow(noMember)).toBeUndefined();
    expect(fast(noMember)).toBeUndefined();
  });

  it('agrees with validateEvent at each limit, on both sides', () => {
    const quiz = { id: 'q1', type: 'quiz.answered', at: '2026-03-02T10:00:00Z', community: 'g', member: 'u1', score: 1, correct: true, tags: ['t'] };
    const post = { id: 'm1', type: 'message.posted', at: '2026-03-02T10:00:00Z', community: 'g', member: 'u1', text: 'hi', messageId: 'x' };
    const items = (n: number, item = 'x') => Array.from({ length: n }, () => item);
    const cases: [object, boolean][] = [
      [{ ...quiz, tags: items(MAX_LIST_ITEMS) }, true],
      [{ ...quiz, tags: items(MAX_LIST_ITEMS + 1) }, false],
      [{ ...quiz, tags: ['t'.repeat(MAX_TEXT_CHARS)] }, true],
      [{ ...quiz, tags: ['t'.repeat(MAX_TEXT_CHARS + 1)] }, false],
      [{ ...post, mentions: ['u'.repeat(MAX_REF_CHARS)] }, true],
      [{ ...post, mentions: ['u'.repeat(MAX_REF_CHARS + 1)] }, false],
      [{ ...post, mentions: items(MAX_LIST_ITEMS + 1) }, false],
      [{ ...post, text: 't'.repeat(MAX_TEXT_CHARS) }, true],
      [{ ...post, text: 't'.repeat(MAX_TEXT_CHARS + 1) }, false],
      [{ ...post, channel: 'c'.repeat(MAX_TEXT_CHARS + 1) }, false],
      [{ ...quiz, note: 'n'.repeat(MAX_TEXT_CHARS + 1) }, false],
      [{ ...quiz, id: 'i'.repeat(MAX_ID_CHARS) }, true],
      [{ ...quiz, id: 'i'.repeat(MAX_ID_CHARS + 1) }, false],
      [{ ...quiz, community: 'c'.repeat(MAX_REF_CHARS) }, true],
      [{ ...quiz, community: 'c'.repeat(MAX_REF_CHARS + 1) }, false],
      [{ ...quiz, member: 'm'.repeat(MAX_REF_CHARS) }, true],
      [{ ...quiz, member: 'm'.repeat(MAX_REF_CHARS + 1) }, false],
      [{ ...quiz, score: Infinity }, false],
      [{ ...quiz, score: null }, false],
      [{ ...quiz, note: null }, true],
      [{ ...quiz, correct: 'yes' }, false],
      [{ ...quiz, member: undefined }, false],
    ];
    for (const [raw, ok] of cases) {
      expect(slow(raw) !== undefined, JSON.stringify(raw).slice(0, 80)).toBe(ok);
      expect(fast(raw), JSON.stringify(raw).slice(0, 80)).toStrictEqual(slow(raw));
    }
  });

  it('leaves inherited fields, unknown types and inherited type names to validateEvent', () => {
    const base = { id: 'q1', type: 'quiz.answered', at: '2026-03-02T10:00:00Z', community: 'g', member: 'u1', correct: true, tags: [] };
    const inherited = Object.assign(Object.create({ score: 3 }) as object, base);
    expect(slow(inherited)).toBeUndefined();
    expect(fast(inherited)).toBeUndefined();
    expect(fast({ ...base, score: 1, constructor: 'x' })).toBeDefined();
    expect(fast({ ...base, type: 'toString', score: 1 })).toBeUndefined();
    expect(fast({ ...base, type: 'other.kind' })).toBeUndefined();
  });

  it('writes the playbook’s names only as JSON literals', () => {
    const src = validatorSource({ 'a"b\u2028': { core: false, memberLevel: false, fields: { 'x"); evil(); ("': { type: 'string', optional: false } } } });
    expect(src).toContain('case "a\\"b\\u2028":');
    expect(src).toContain('raw["x\\"); evil(); (\\""]');
    expect(src).not.toContain('evil(); ("]');
  });
});

describe('the generated engine with its validator', () => {
  it('refuses bad events with validateEvent’s reasons and processes good ones', () => {
    const rt = createRuntime(ir, { engine: 'generated' });
    const bad = { id: 'q1', type: 'quiz.answered', at: '2026-03-02T10:00:00Z', community: 'g', member: 'u1', score: 'high', correct: true, tags: [] };
    expect(rt.dispatchDetailed(bad)).toStrictEqual({
      status: 'invalid',
      actions: [],
      late: false,
      reason: (validateEvent(bad, ir.events) as { reason: string }).reason,
    });
    expect(rt.dispatchDetailed({ ...bad, id: 'x', type: 'other.kind' })).toStrictEqual({ status: 'ignored', actions: [], late: false });
    const good = { ...bad, score: 2 };
    const r = rt.dispatchDetailed(good);
    expect(r.status).toBe('processed');
    expect(r.late).toBe(false);
    expect(r.actions.map((a) => a.type)).toEqual(['message.send']);
    expect(rt.dispatchDetailed(good)).toStrictEqual({ status: 'duplicate', actions: [], late: false });
    const late = rt.dispatchDetailed({ ...good, id: 'q2', at: '2026-03-02T09:00:00Z' });
    expect([late.status, late.late]).toEqual(['processed', true]);
    const next = rt.dispatchDetailed({ ...good, id: 'q3', at: '2026-03-02T11:00:00Z' });
    expect([next.status, next.late]).toEqual(['processed', false]);
  });
});
