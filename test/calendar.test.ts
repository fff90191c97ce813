import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { endOfLocalDate, isoInZone, localDayNumber, nextOccurrence, periodKey, startOfLocalDate } from '../src/stdlib/calendar.js';

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'UTC', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Sao_Paulo'];
const instant = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2032-12-31T00:00:00Z') });

describe('calendar fast paths agree with luxon', () => {
  it('isoInZone, periodKey and localDayNumber', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (ms, zone) => {
        const dt = DateTime.fromMillis(ms, { zone });
        const iso = isoInZone(ms, zone);
        expect(Date.parse(iso)).toBe(ms);
        if (zone !== 'UTC') expect(iso).toBe(dt.toISO({ suppressMilliseconds: true }));
        expect(periodKey(ms, zone, 'day')).toBe(dt.toFormat('yyyy-LL-dd'));
        expect(periodKey(ms, zone, 'week')).toBe(`${dt.weekYear}-W${dt.weekNumber}`);
        expect(periodKey(ms, zone, 'month')).toBe(dt.toFormat('yyyy-LL'));
        expect(localDayNumber(ms, zone)).toBe(Math.round(DateTime.utc(dt.year, dt.month, dt.day).toMillis() / 86_400_000));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('calendars across DST', () => {
  it('a Monday 09:00 job is at 09:00 local on both sides of the Berlin changes', () => {
    const cal = { kind: 'weekly' as const, weekdays: [1], monthDays: [], times: [9 * 60] };
    let t = Date.parse('2026-03-16T00:00:00+01:00');
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      t = nextOccurrence(cal, 'Europe/Berlin', t);
      seen.push(isoInZone(t, 'Europe/Berlin'));
      t += 60_000;
    }
    expect(seen).toEqual(['2026-03-16T09:00:00+01:00', '2026-03-23T09:00:00+01:00', '2026-03-30T09:00:00+02:00', '2026-04-06T09:00:00+02:00']);
    let u = Date.parse('2026-10-19T00:00:00+02:00');
    u = nextOccurrence(cal, 'Europe/Berlin', u);
    expect(isoInZone(u, 'Europe/Berlin')).toBe('2026-10-19T09:00:00+02:00');
    u = nextOccurrence(cal, 'Europe/Berlin', u + 1);
    expect(isoInZone(u, 'Europe/Berlin')).toBe('2026-10-26T09:00:00+01:00');
  });

  it('a month-day job skips months without that day', () => {
    const cal = { kind: 'monthly' as const, weekdays: [], monthDays: [31], times: [10 * 60] };
    const t = nextOccurrence(cal, 'Asia/Shanghai', Date.parse('2026-04-01T00:00:00+08:00'));
    expect(isoInZone(t, 'Asia/Shanghai')).toBe('2026-05-31T10:00:00+08:00');
  });

  it('stage dates run from local midnight to local midnight after the end date', () => {
    expect(isoInZone(startOfLocalDate('2026-10-20', 'Asia/Shanghai'), 'Asia/Shanghai')).toBe('2026-10-20T00:00:00+08:00');
    expect(isoInZone(endOfLocalDate('2026-10-31', 'Asia/Shanghai'), 'Asia/Shanghai')).toBe('2026-11-01T00:00:00+08:00');
    // The New York fall-back day is 25 hours long; the end is still the next local midnight.
    expect(endOfLocalDate('2026-11-01', 'America/New_York') - startOfLocalDate('2026-11-01', 'America/New_York')).toBe(25 * 3_600_000);
  });
});
