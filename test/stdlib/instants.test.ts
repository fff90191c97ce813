import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  daysFromCivil,
  END_OF_EVENT_RANGE_MS,
  EARLIEST_EVENT_MS,
  FIRST_EVENT_YEAR,
  instantProblem,
  LAST_EVENT_YEAR,
  parseInstant,
} from '../../src/stdlib/instants.js';

describe('the supported range', () => {
  it('is years 1970 to 2999', () => {
    expect(EARLIEST_EVENT_MS).toBe(0);
    expect(END_OF_EVENT_RANGE_MS).toBe(Date.parse('3000-01-01T00:00:00Z'));
    expect([FIRST_EVENT_YEAR, LAST_EVENT_YEAR]).toEqual([1970, 2999]);
  });
});

describe('parseInstant', () => {
  it('reads the shapes it accepts as Date.parse does', () => {
    for (const s of [
      '2026-03-02T10:00:00+08:00',
      '2026-03-02T10:00:00Z',
      '2026-03-02T10:00Z',
      '2026-03-02T10:00+0800',
      '2026-03-02T10:00:00-0530',
      '2026-03-02T10:00:00-05:30',
      '2026-03-02T23:59:59.999Z',
      '2026-03-02T10:00:00.5Z',
      '2026-03-02T10:00:00.25Z',
      '2026-03-02T10:00:00.123Z',
      '2026-12-31T00:00:00+23:59',
      '2026-12-31T00:00:00-23:59',
      '2024-02-29T12:00:00Z',
      '2000-02-29T12:00:00Z',
      '1970-01-01T00:00:00Z',
      '2999-12-31T23:59:59.999Z',
      '2026-01-31T00:00Z',
      '2026-04-30T00:00Z',
      '2026-09-09T09:09:09Z',
    ]) {
      expect(parseInstant(s), s).toBe(Date.parse(s));
      expect(Number.isNaN(parseInstant(s)), s).toBe(false);
    }
  });

  it('cuts a fraction of more than three digits to milliseconds', () => {
    expect(parseInstant('2026-03-02T10:00:00.1239Z')).toBe(Date.parse('2026-03-02T10:00:00.123Z'));
    expect(parseInstant('2026-03-02T10:00:00.123456789Z')).toBe(Date.parse('2026-03-02T10:00:00.123Z'));
    expect(parseInstant('2026-03-02T10:00:00.000000001Z')).toBe(Date.parse('2026-03-02T10:00:00Z'));
  });

  it('refuses what is not the shape', () => {
    for (const s of [
      '',
      '2026-03-02',
      '2026-03-02T10Z',
      '2026-03-02T10:0Z',
      '2026-03-02 10:00:00Z',
      '2026/03/02T10:00:00Z',
      '2026-03/02T10:00:00Z',
      '2026-03-02T10-00:00Z',
      '2026-03-02T10:00:00',
      '2026-03-02T10:00',
      '2026-03-02T10:00:00z',
      '2026-03-02T10:00:00ZZ',
      '2026-03-02T10:00:00+08',
      '2026-03-02T10:00:00+08:0',
      '2026-03-02T10:00:00+08:000',
      '2026-03-02T10:00:00+08-00',
      '2026-03-02T10:00:00 08:00',
      '2026-03-02T10:00:00.Z',
      '2026-03-02T10:00:00.1234567890Z',
      '2026-03-02T10:00:0Z',
      '2026-03-02T10:00:aaZ',
      '2026-03-02T10:00:00.12a3Z',
      'x026-03-02T10:00:00Z',
      '2026-0x-02T10:00:00Z',
      '2026-03-0xT10:00:00Z',
      '2026-03-02Tx0:00:00Z',
      '2026-03-02T10:x0:00Z',
      '2026-03-02T10:00:00+x8:00',
      '2026-03-02T10:00:00+08:x0',
      '2026-03-02T10:00:00+0x00',
      '2026-03-02T10:00:00+080x',
      '+02026-03-02T10:00:00Z',
      '2026-03-02T10:00:00.123456789+08:00 plus more text',
    ]) {
      expect(parseInstant(s), s).toBeNaN();
    }
  });

  it('accepts the longest shape (40 characters) and nothing longer', () => {
    const longest = '2026-03-02T10:00:00.123456789+08:00';
    expect(parseInstant(longest)).toBe(Date.parse('2026-03-02T10:00:00.123+08:00'));
    expect(parseInstant('2026-03-02T10:00:00.123456789+08:00' + ' '.repeat(5))).toBeNaN();
    expect(parseInstant('2026-03-02T10:00+08:00')).toBe(Date.parse('2026-03-02T10:00+08:00'));
  });

  it('refuses days the calendar does not have', () => {
    for (const s of [
      '2026-02-29T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-01-32T00:00:00Z',
      '2026-12-32T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-13-10T00:00:00Z',
      '2026-03-00T00:00:00Z',
    ]) {
      expect(parseInstant(s), s).toBeNaN();
    }
    expect(parseInstant('2400-02-29T00:00:00Z')).toBe(Date.parse('2400-02-29T00:00:00Z'));
    expect(parseInstant('2028-02-29T00:00:00Z')).toBe(Date.parse('2028-02-29T00:00:00Z'));
    expect(parseInstant('2026-02-28T00:00:00Z')).toBe(Date.parse('2026-02-28T00:00:00Z'));
  });

  it('refuses out-of-range times of day and offsets', () => {
    for (const s of [
      '2026-03-02T24:00:00Z',
      '2026-03-02T10:60:00Z',
      '2026-03-02T10:00:60Z',
      '2026-03-02T10:00:00+24:00',
      '2026-03-02T10:00:00+00:60',
      '2026-03-02T10:00:00-2400',
    ]) {
      expect(parseInstant(s), s).toBeNaN();
    }
    expect(parseInstant('2026-03-02T23:59:59Z')).toBe(Date.parse('2026-03-02T23:59:59Z'));
    expect(parseInstant('2026-03-02T00:00:00+00:00')).toBe(Date.parse('2026-03-02T00:00:00Z'));
  });

  it('refuses years and instants outside 1970 to 2999', () => {
    for (const s of [
      '1969-12-31T23:59:59Z',
      '3000-01-01T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '9999-01-01T00:00:00Z',
      '1970-01-01T00:00:00+00:01',
      '2999-12-31T23:59:59-00:01',
    ]) {
      expect(parseInstant(s), s).toBeNaN();
    }
    expect(parseInstant('1970-01-01T00:00:00-00:01')).toBe(60_000);
    expect(parseInstant('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseInstant('2999-12-31T23:59:59.999Z')).toBe(END_OF_EVENT_RANGE_MS - 1);
    expect(parseInstant('3000-01-01T00:00:00+00:01')).toBeNaN();
  });

  it('agrees with Date.parse on every instant it writes', () => {
    fc.assert(fc.property(fc.integer({ min: EARLIEST_EVENT_MS, max: END_OF_EVENT_RANGE_MS - 1 }), (ms) => parseInstant(new Date(ms).toISOString()) === ms));
  });

  // parseInstant counts days itself (no Date.UTC): every shape, offset and fraction length against Date.parse.
  it('agrees with Date.parse on instants of every shape, offset and fraction (fixed seed)', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const instant = fc.record({
      ms: fc.integer({ min: EARLIEST_EVENT_MS + 2 * 86_400_000, max: END_OF_EVENT_RANGE_MS - 2 * 86_400_000 }),
      off: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
      seconds: fc.boolean(),
      fraction: fc.integer({ min: 0, max: 9 }),
      colon: fc.boolean(),
      zulu: fc.boolean(),
    });
    fc.assert(
      fc.property(instant, ({ ms, off, seconds, fraction, colon, zulu }) => {
        const offset = zulu ? 0 : off;
        const d = new Date(ms + offset * 60_000);
        let s = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
        if (seconds) s += `:${pad(d.getUTCSeconds())}` + (fraction ? '.' + pad(d.getUTCMilliseconds(), 3).padEnd(fraction, '7').slice(0, fraction) : '');
        const abs = Math.abs(offset);
        s += zulu ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
        // Date.parse wants the colon in the offset and at most three fraction digits: ask it the same instant so.
        const canonical = s.replace(/(\.\d{1,3})\d*/, '$1').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
        expect(parseInstant(s), s).toBe(Date.parse(canonical));
      }),
      { seed: 20, numRuns: 2000 },
    );
  });

  it('counts days as Date.UTC does, leap years and centuries included (fixed seed)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
        const d = new Date(ms);
        expect(daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())).toBe(Math.floor(ms / 86_400_000));
      }),
      { seed: 21, numRuns: 5000 },
    );
    for (const [y, m, d] of [
      [1970, 1, 1],
      [1972, 2, 29],
      [1972, 3, 1],
      [2000, 2, 29],
      [2100, 3, 1],
      [2400, 2, 29],
      [2999, 12, 31],
    ] as const) {
      expect(daysFromCivil(y, m, d), `${y}-${m}-${d}`).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
    }
  });
});

describe('parseInstant: each check counts', () => {
  it('checks the dash after the year on its own', () => {
    expect(parseInstant('2026/03-02T10:00:00Z')).toBeNaN();
  });

  it('checks the year even when the offset brings the instant into range', () => {
    expect(Date.parse('1969-12-31T23:30:00-01:00')).toBeGreaterThan(0);
    expect(parseInstant('1969-12-31T23:30:00-01:00')).toBeNaN();
    expect(parseInstant('3000-01-01T00:30:00+01:00')).toBeNaN();
  });

  it('refuses the first instant past the range exactly', () => {
    expect(Date.parse('2999-12-31T23:00:00-01:00')).toBe(END_OF_EVENT_RANGE_MS);
    expect(parseInstant('2999-12-31T23:00:00-01:00')).toBeNaN();
    expect(parseInstant('2999-12-31T22:59:59.999-01:00')).toBe(END_OF_EVENT_RANGE_MS - 1);
  });

  it('adds the leap day to February only', () => {
    expect(parseInstant('2024-04-31T00:00:00Z')).toBeNaN();
    expect(parseInstant('2024-02-30T00:00:00Z')).toBeNaN();
  });

  it('takes a ±HHMM offset only at the very end', () => {
    expect(parseInstant('2026-03-02T10:00:00+08000')).toBeNaN();
    expect(parseInstant('2026-03-02T10:00:00+0800x')).toBeNaN();
    expect(parseInstant('2026-03-02T10:00:00+080')).toBeNaN();
  });

  it('refuses characters just outside 0-9 in a number', () => {
    // ':' and '/' are the neighbours of the digits; read as digits they would give day 10 and day 9.
    expect(parseInstant('2026-03-0:T10:00:00Z')).toBeNaN();
    expect(parseInstant('2026-03-1/T10:00:00Z')).toBeNaN();
    // Either digit of a pair, each neighbour: read as digits, these would be the years 1996, 2106, 2019 and 2030.
    for (const year of ['20/6', '20:6', '202/', '202:']) expect(parseInstant(`${year}-03-02T10:00:00Z`), year).toBeNaN();
  });
});

describe('instantProblem', () => {
  it('says when the text is not the shape', () => {
    expect(instantProblem('yesterday')).toBe('"at" must be an ISO-8601 instant with an offset (e.g. 2026-03-02T10:00:00+08:00), not "yesterday"');
    expect(instantProblem('2026-03-02T10:00:00')).toMatch(/^"at" must be an ISO-8601 instant/);
    expect(instantProblem('x2026-03-02T10:00:00Z')).toMatch(/^"at" must be an ISO-8601 instant/);
    expect(instantProblem('2026-03-02T10:00:00Zx')).toMatch(/^"at" must be an ISO-8601 instant/);
    expect(instantProblem('2026-03-02T10:00:00.1234567890Z')).toMatch(/^"at" must be an ISO-8601 instant/);
  });

  it('cuts a long text to 40 characters', () => {
    const long = 'x'.repeat(50);
    expect(instantProblem(long)).toBe(`"at" must be an ISO-8601 instant with an offset (e.g. 2026-03-02T10:00:00+08:00), not "${'x'.repeat(40)}…"`);
    const forty = 'y'.repeat(40);
    expect(instantProblem(forty)).toBe(`"at" must be an ISO-8601 instant with an offset (e.g. 2026-03-02T10:00:00+08:00), not "${forty}"`);
  });

  it('says when the day does not exist', () => {
    expect(instantProblem('2026-02-30T10:00:00Z')).toBe('"at" names a day the calendar does not have: "2026-02-30T10:00:00Z"');
    expect(instantProblem('2026-13-01T10:00+0800')).toMatch(/names a day the calendar does not have/);
  });

  it('says when the year or the instant is outside the range', () => {
    expect(instantProblem('1969-12-31T23:00:00Z')).toBe('"at" is outside the supported years 1970 to 2999: "1969-12-31T23:00:00Z"');
    expect(instantProblem('3000-01-01T00:00:00Z')).toMatch(/outside the supported years/);
    expect(instantProblem('1970-01-01T00:00:00+01:00')).toMatch(/outside the supported years/);
    expect(instantProblem('2999-12-31T23:30:00-01:00')).toMatch(/outside the supported years/);
  });

  it('says the years are out of range when the offset alone brings the instant in', () => {
    expect(instantProblem('1969-12-31T23:30:00-01:00')).toBe('"at" is outside the supported years 1970 to 2999: "1969-12-31T23:30:00-01:00"');
    expect(instantProblem('3000-01-01T00:30:00+01:00')).toBe('"at" is outside the supported years 1970 to 2999: "3000-01-01T00:30:00+01:00"');
    expect(instantProblem('2999-12-31T23:00:00-01:00')).toBe('"at" is outside the supported years 1970 to 2999: "2999-12-31T23:00:00-01:00"');
  });

  it('does not blame the years 1970 and 2999 for a bad time of day', () => {
    expect(instantProblem('1970-01-01T24:00:00Z')).toMatch(/^"at" is not a real instant/);
    expect(instantProblem('2999-12-31T23:60:00Z')).toMatch(/^"at" is not a real instant/);
  });

  it('reads a fraction of 1 to 9 digits as the shape', () => {
    expect(instantProblem('2026-03-02T24:00:00.12Z')).toMatch(/^"at" is not a real instant/);
    expect(instantProblem('2026-03-02T24:00:00.123456789Z')).toMatch(/^"at" is not a real instant/);
  });

  it('gives the generic message for a text that is a good instant, 1970-01-01T00:00Z included', () => {
    expect(instantProblem('1970-01-01T00:00:00Z')).toMatch(/^"at" is not a real instant/);
  });

  it('otherwise says which fields are out of range', () => {
    const tail = '(hours 00-23, minutes and seconds 00-59, offsets up to ±23:59)';
    expect(instantProblem('2026-03-02T24:00:00Z')).toBe(`"at" is not a real instant ${tail}: "2026-03-02T24:00:00Z"`);
    expect(instantProblem('2026-03-02T10:00:00+24:00')).toBe(`"at" is not a real instant ${tail}: "2026-03-02T10:00:00+24:00"`);
  });
});
