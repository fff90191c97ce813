import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoFast, validateEvent } from '../src/runtime/events.js';

/** The digit-by-digit reader of event times must agree with the general path wherever it answers. */
describe('parseIsoFast', () => {
  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
  const iso = fc
    .record({
      y: fc.integer({ min: 1000, max: 9999 }).map(String),
      mo: two(13),
      d: two(32),
      h: two(25),
      mi: two(60),
      s: fc.option(two(60), { nil: undefined }),
      frac: fc.option(fc.integer({ min: 0, max: 9999 }).map(String), { nil: undefined }),
      off: fc.oneof(fc.constant('Z'), fc.record({ sign: fc.constantFrom('+', '-'), h: two(24), m: two(60) }).map((o) => `${o.sign}${o.h}:${o.m}`), fc.constant('+0800')),
    })
    .map((p) => `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}${p.s !== undefined ? `:${p.s}${p.frac !== undefined ? `.${p.frac}` : ''}` : ''}${p.off}`);

  it('equals Date.parse on every shape it accepts, and leaves the rest to it', () => {
    fc.assert(
      fc.property(iso, (s) => {
        const fast = parseIsoFast(s);
        if (!Number.isNaN(fast)) expect(fast).toBe(Date.parse(s));
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts the common shapes', () => {
    expect(parseIsoFast('2026-03-02T10:00:00+08:00')).toBe(Date.parse('2026-03-02T10:00:00+08:00'));
    expect(parseIsoFast('2026-03-02T10:00Z')).toBe(Date.parse('2026-03-02T10:00Z'));
    expect(parseIsoFast('2024-02-29T23:59:59.5-05:30')).toBe(Date.parse('2024-02-29T23:59:59.5-05:30'));
    expect(parseIsoFast('2026-02-29T00:00:00Z')).toBeNaN();
    expect(parseIsoFast('2026-03-02 10:00:00Z')).toBeNaN();
  });

  it('validateEvent gives the same instant and the same verdict on both paths', () => {
    fc.assert(
      fc.property(iso, (at) => {
        const v = validateEvent({ id: 'e', type: 'x.y', at, community: 'c' }, {});
        const general = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/.test(at) && Number.isFinite(Date.parse(at));
        expect(v.ok).toBe(general);
        if (v.ok) expect(v.event.atMs).toBe(Date.parse(at));
      }),
      { numRuns: 2000 },
    );
  });
});
