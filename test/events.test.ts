import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../src/runtime/events.js';
import { parseInstant } from '../src/stdlib/instants.js';

/** The one reader of event times: strict about shape, calendar and range (docs/cli.md, "Limits"). */
describe('parseInstant', () => {
  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
  const iso = fc
    .record({
      y: fc.integer({ min: 1000, max: 9999 }).map(String),
      mo: two(13),
      d: two(32),
      h: two(25),
      mi: two(60),
      s: fc.option(two(60), { nil: undefined }),
      frac: fc.option(fc.integer({ min: 0, max: 999_999_999 }).map(String), { nil: undefined }),
      off: fc.oneof(
        fc.constant('Z'),
        fc.record({ sign: fc.constantFrom('+', '-'), h: two(24), m: two(60), colon: fc.boolean() }).map((o) => `${o.sign}${o.h}${o.colon ? ':' : ''}${o.m}`),
      ),
    })
    .map((p) => `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}${p.s !== undefined ? `:${p.s}${p.frac !== undefined ? `.${p.frac}` : ''}` : ''}${p.off}`);

  /** The calendar's answer, from Date's own arithmetic: does y-m-d survive a round trip? */
  const realDay = (s: string) => {
    const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  };

  it('equals Date.parse on every real instant of years 1970 to 2999, and refuses the rest', () => {
    fc.assert(
      fc.property(iso, (s) => {
        const ms = parseInstant(s);
        const lenient = Date.parse(s);
        const year = Number(s.slice(0, 4));
        const shouldAccept =
          Number.isFinite(lenient) && realDay(s) && year >= 1970 && year <= 2999 && lenient >= Date.UTC(1970, 0, 1) && lenient < Date.UTC(3000, 0, 1);
        if (shouldAccept) expect(ms).toBe(lenient);
        else expect(ms).toBeNaN();
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts the common shapes', () => {
    expect(parseInstant('2026-03-02T10:00:00+08:00')).toBe(Date.parse('2026-03-02T10:00:00+08:00'));
    expect(parseInstant('2026-03-02T10:00Z')).toBe(Date.parse('2026-03-02T10:00Z'));
    expect(parseInstant('2024-02-29T23:59:59.5-05:30')).toBe(Date.parse('2024-02-29T23:59:59.5-05:30'));
    expect(parseInstant('2026-03-02T10:00:00.123456789+0800')).toBe(Date.parse('2026-03-02T10:00:00.123+08:00'));
    expect(parseInstant('2026-03-02 10:00:00Z')).toBeNaN();
  });

  it('refuses days the calendar does not have, which Date.parse rolls over (issue: 2026-02-30 read as 2 March)', () => {
    expect(Date.parse('2026-02-30T10:00:00.0000+08:00')).not.toBeNaN(); // the lenient reader this replaces
    for (const s of [
      '2026-02-29T00:00:00Z',
      '2026-02-30T10:00:00+08:00',
      '2026-02-30T10:00:00.0000+08:00',
      '2026-04-31T00:00Z',
      '2100-02-29T00:00Z',
      '2026-13-01T00:00Z',
      '2026-00-10T00:00Z',
    ]) {
      expect(parseInstant(s), s).toBeNaN();
      const v = validateEvent({ id: 'e', type: 'x.y', at: s, community: 'c' }, {});
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.reason).toMatch(/day the calendar does not have/);
    }
    expect(parseInstant('2024-02-29T00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseInstant('2000-02-29T00:00Z')).toBe(Date.UTC(2000, 1, 29));
  });

  it('refuses years outside 1970 to 2999 (year 1000 gave a fractional offset, 9999 moved every clock)', () => {
    for (const s of [
      '1000-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '1970-01-01T00:00:00+00:01',
      '9999-12-31T00:00:00Z',
      '3000-01-01T00:00:00Z',
      '2999-12-31T23:00:00-01:00',
    ]) {
      expect(parseInstant(s), s).toBeNaN();
      const v = validateEvent({ id: 'e', type: 'x.y', at: s, community: 'c' }, {});
      expect(v.ok, s).toBe(false);
      if (!v.ok) expect(v.reason).toMatch(/outside the supported years 1970 to 2999/);
    }
    expect(parseInstant('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseInstant('2999-12-31T23:59:59.999Z')).toBe(Date.UTC(3000, 0, 1) - 1);
  });

  it('says what is wrong with a malformed time', () => {
    const reason = (at: string) => {
      const v = validateEvent({ id: 'e', type: 'x.y', at, community: 'c' }, {});
      return v.ok ? '' : v.reason;
    };
    expect(reason('yesterday')).toMatch(/must be an ISO-8601 instant with an offset/);
    expect(reason('2026-03-02T10:00:00')).toMatch(/must be an ISO-8601 instant with an offset/);
    expect(reason('2026-03-02T24:00:00Z')).toMatch(/not a real instant/);
    expect(reason('2026-03-02T10:00:00+24:00')).toMatch(/not a real instant/);
  });
});
