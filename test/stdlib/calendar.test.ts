import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { drawInt } from '../../src/stdlib/arithmetic.js';
import {
  drawnMinute,
  endOfLocalDate,
  isoInZone,
  localDayNumber,
  localInstant,
  nextOccurrence,
  periodKey,
  startOfLocalDate,
  zoneOffsetMinutes,
} from '../../src/stdlib/calendar.js';

const DAY = 86_400_000;
const daily = (...times: number[]) => ({ kind: 'daily' as const, weekdays: [], monthDays: [], times });
const at = (iso: string) => Date.parse(iso);

describe('nextOccurrence', () => {
  it('takes the first time of the day at or after the instant, in the zone', () => {
    const cal = daily(9 * 60, 17 * 60 + 30);
    expect(nextOccurrence(cal, 'UTC', at('2026-03-02T08:00:00Z'))).toBe(at('2026-03-02T09:00:00Z'));
    expect(nextOccurrence(cal, 'UTC', at('2026-03-02T09:00:00Z'))).toBe(at('2026-03-02T09:00:00Z'));
    expect(nextOccurrence(cal, 'UTC', at('2026-03-02T09:00:00.001Z'))).toBe(at('2026-03-02T17:30:00Z'));
    expect(nextOccurrence(cal, 'UTC', at('2026-03-02T17:30:00.001Z'))).toBe(at('2026-03-03T09:00:00Z'));
    expect(nextOccurrence(cal, 'Asia/Shanghai', at('2026-03-02T02:00:00Z'))).toBe(at('2026-03-02T17:30:00+08:00'));
    expect(nextOccurrence(daily(0), 'America/New_York', at('2026-03-02T12:00:00Z'))).toBe(at('2026-03-03T00:00:00-05:00'));
  });

  it('reads weekdays as ISO weekdays (1 Monday, 7 Sunday)', () => {
    const sunday = { kind: 'weekly' as const, weekdays: [7], monthDays: [], times: [12 * 60] };
    // 2026-03-02 is a Monday
    expect(nextOccurrence(sunday, 'UTC', at('2026-03-02T00:00:00Z'))).toBe(at('2026-03-08T12:00:00Z'));
    const wedFri = { kind: 'weekly' as const, weekdays: [5, 3], monthDays: [], times: [60] };
    expect(nextOccurrence(wedFri, 'UTC', at('2026-03-02T00:00:00Z'))).toBe(at('2026-03-04T01:00:00Z'));
    expect(nextOccurrence(wedFri, 'UTC', at('2026-03-04T01:00:01Z'))).toBe(at('2026-03-06T01:00:00Z'));
  });

  it('reads month days', () => {
    const cal = { kind: 'monthly' as const, weekdays: [], monthDays: [1, 15], times: [8 * 60] };
    expect(nextOccurrence(cal, 'UTC', at('2026-03-02T00:00:00Z'))).toBe(at('2026-03-15T08:00:00Z'));
    expect(nextOccurrence(cal, 'UTC', at('2026-03-15T08:00:01Z'))).toBe(at('2026-04-01T08:00:00Z'));
  });

  it('moves a wall time a spring-forward skips to the first instant after it', () => {
    // Berlin skips 02:00-03:00 on 2026-03-29.
    const cal = daily(2 * 60 + 30);
    expect(nextOccurrence(cal, 'Europe/Berlin', at('2026-03-29T00:00:00+01:00'))).toBe(at('2026-03-29T03:30:00+02:00'));
  });

  it('gives up a year later for a calendar that never fires', () => {
    const never = { kind: 'monthly' as const, weekdays: [], monthDays: [32], times: [0] };
    const from = at('2026-03-02T10:00:00Z');
    expect(nextOccurrence(never, 'UTC', from)).toBe(from + 366 * DAY);
    expect(nextOccurrence({ kind: 'weekly', weekdays: [], monthDays: [], times: [0] }, 'UTC', from)).toBe(from + 366 * DAY);
    expect(nextOccurrence(daily(), 'UTC', from)).toBe(from + 366 * DAY);
  });

  it('finds a day that comes round only a few times a year (the 31st after a 30-day month)', () => {
    const cal = { kind: 'monthly' as const, weekdays: [], monthDays: [31], times: [0] };
    expect(nextOccurrence(cal, 'UTC', at('2026-01-31T00:00:01Z'))).toBe(at('2026-03-31T00:00:00Z'));
  });
});

describe('local dates', () => {
  it('start at local midnight and end at the next one', () => {
    expect(startOfLocalDate('2026-03-02', 'UTC')).toBe(at('2026-03-02T00:00:00Z'));
    expect(endOfLocalDate('2026-03-02', 'UTC')).toBe(at('2026-03-03T00:00:00Z'));
    expect(startOfLocalDate('2026-03-02', 'Asia/Kolkata')).toBe(at('2026-03-02T00:00:00+05:30'));
    expect(endOfLocalDate('2026-03-29', 'Europe/Berlin') - startOfLocalDate('2026-03-29', 'Europe/Berlin')).toBe(23 * 3_600_000);
  });
});

describe('zoneOffsetMinutes', () => {
  it('is the offset of the zone at the instant', () => {
    expect(zoneOffsetMinutes(at('2026-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(60);
    expect(zoneOffsetMinutes(at('2026-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(120);
    expect(zoneOffsetMinutes(at('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-240);
    expect(zoneOffsetMinutes(at('2026-07-15T12:00:00Z'), 'Asia/Kathmandu')).toBe(345);
    expect(zoneOffsetMinutes(at('2026-07-15T12:00:00Z'), 'UTC')).toBe(0);
  });

  it('changes exactly at the DST instant, whatever was asked before', () => {
    const change = at('2026-03-29T01:00:00Z');
    expect(zoneOffsetMinutes(change - 1, 'Europe/Berlin')).toBe(60);
    expect(zoneOffsetMinutes(change, 'Europe/Berlin')).toBe(120);
    expect(zoneOffsetMinutes(change - 1, 'Europe/Berlin')).toBe(60);
    expect(zoneOffsetMinutes(change, 'Asia/Shanghai')).toBe(480);
    expect(zoneOffsetMinutes(change, 'Europe/Berlin')).toBe(120);
  });

  it('agrees with luxon however the calls are interleaved', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: at('2025-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') }), fc.constantFrom(...zones)), { maxLength: 20 }),
        (calls) => {
          for (const [ms, zone] of calls) expect(zoneOffsetMinutes(ms, zone)).toBe(DateTime.fromMillis(ms, { zone }).offset);
        },
      ),
    );
  });
});

describe('isoInZone', () => {
  it('writes Z for UTC and Etc/UTC, +00:00 for other zones at offset zero', () => {
    const ms = at('2026-01-15T12:00:00Z');
    expect(isoInZone(ms, 'UTC')).toBe('2026-01-15T12:00:00Z');
    expect(isoInZone(ms, 'Etc/UTC')).toBe('2026-01-15T12:00:00Z');
    expect(isoInZone(ms, 'Europe/London')).toBe('2026-01-15T12:00:00+00:00');
    expect(isoInZone(ms, 'UTC')).toBe('2026-01-15T12:00:00Z');
  });

  it('writes negative, half-hour and quarter-hour offsets', () => {
    const ms = at('2026-07-15T12:00:00Z');
    expect(isoInZone(ms, 'America/New_York')).toBe('2026-07-15T08:00:00-04:00');
    expect(isoInZone(ms, 'America/St_Johns')).toBe('2026-07-15T09:30:00-02:30');
    expect(isoInZone(ms, 'Asia/Kolkata')).toBe('2026-07-15T17:30:00+05:30');
    expect(isoInZone(ms, 'Asia/Kathmandu')).toBe('2026-07-15T17:45:00+05:45');
    expect(isoInZone(ms, 'Pacific/Kiritimati')).toBe('2026-07-16T02:00:00+14:00');
    expect(isoInZone(ms, 'Pacific/Pago_Pago')).toBe('2026-07-15T01:00:00-11:00');
  });

  it('writes milliseconds with three digits, and none when there are none', () => {
    expect(isoInZone(at('2026-07-15T12:00:00.005Z'), 'UTC')).toBe('2026-07-15T12:00:00.005Z');
    expect(isoInZone(at('2026-07-15T12:00:00.050Z'), 'UTC')).toBe('2026-07-15T12:00:00.050Z');
    expect(isoInZone(at('2026-07-15T12:00:00.999Z'), 'UTC')).toBe('2026-07-15T12:00:00.999Z');
    expect(isoInZone(at('2026-07-15T23:59:59.000Z'), 'UTC')).toBe('2026-07-15T23:59:59Z');
    expect(isoInZone(at('2026-07-15T00:00:00Z'), 'UTC')).toBe('2026-07-15T00:00:00Z');
  });

  it('changes the date part with the day, the offset and the zone', () => {
    expect(isoInZone(at('2026-07-15T23:59:59Z'), 'UTC')).toBe('2026-07-15T23:59:59Z');
    expect(isoInZone(at('2026-07-16T00:00:00Z'), 'UTC')).toBe('2026-07-16T00:00:00Z');
    expect(isoInZone(at('2026-07-16T00:00:00Z'), 'Europe/London')).toBe('2026-07-16T01:00:00+01:00');
    expect(isoInZone(at('2026-07-16T00:00:00Z'), 'Europe/Dublin')).toBe('2026-07-16T01:00:00+01:00');
    expect(isoInZone(at('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe('2026-03-29T01:59:59+01:00');
    expect(isoInZone(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29T03:00:00+02:00');
    // Same local day and offset, another zone that is UTC.
    expect(isoInZone(at('2026-01-15T10:00:00Z'), 'Europe/London')).toBe('2026-01-15T10:00:00+00:00');
    expect(isoInZone(at('2026-01-15T11:00:00Z'), 'UTC')).toBe('2026-01-15T11:00:00Z');
    expect(isoInZone(at('2026-01-15T12:00:00Z'), 'Europe/London')).toBe('2026-01-15T12:00:00+00:00');
  });

  it('rounds a local-mean-time offset to whole minutes and still names the instant', () => {
    // Liberia kept -0:44:30 until 1972.
    const ms = at('1970-06-01T12:00:00Z');
    const iso = isoInZone(ms, 'Africa/Monrovia');
    expect(iso).toMatch(/^1970-06-01T11:1[56]:00-00:4[45]$/);
    expect(Date.parse(iso)).toBe(ms);
  });

  it('names the instant for any zone and time', () => {
    const zones = ['UTC', 'Europe/London', 'America/St_Johns', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/Sao_Paulo'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: at('2100-01-01T00:00:00Z') }), fc.constantFrom(...zones), (ms, zone) => {
        const iso = isoInZone(ms, zone);
        expect(Date.parse(iso)).toBe(ms);
        expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})$/);
      }),
    );
  });
});

describe('periodKey', () => {
  it('names the local day, ISO week and month', () => {
    const ms = at('2026-03-02T20:00:00Z');
    expect(periodKey(ms, 'UTC', 'day')).toBe('2026-03-02');
    expect(periodKey(ms, 'Asia/Shanghai', 'day')).toBe('2026-03-03');
    expect(periodKey(ms, 'UTC', 'month')).toBe('2026-03');
    expect(periodKey(ms, 'UTC', 'week')).toBe('2026-W10');
    expect(periodKey(at('2026-12-31T12:00:00Z'), 'UTC', 'month')).toBe('2026-12');
  });

  it('gives a week at the turn of a year to the year of its Thursday', () => {
    expect(periodKey(at('2027-01-01T12:00:00Z'), 'UTC', 'week')).toBe('2026-W53');
    expect(periodKey(at('2027-01-03T12:00:00Z'), 'UTC', 'week')).toBe('2026-W53');
    expect(periodKey(at('2027-01-04T12:00:00Z'), 'UTC', 'week')).toBe('2027-W1');
    expect(periodKey(at('2025-12-29T12:00:00Z'), 'UTC', 'week')).toBe('2026-W1');
    expect(periodKey(at('2025-12-28T12:00:00Z'), 'UTC', 'week')).toBe('2025-W52');
    // Sunday and Monday are in different weeks.
    expect(periodKey(at('2026-03-08T12:00:00Z'), 'UTC', 'week')).toBe('2026-W10');
    expect(periodKey(at('2026-03-09T12:00:00Z'), 'UTC', 'week')).toBe('2026-W11');
  });

  it('agrees with luxon on the ISO week', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: at('2100-01-01T00:00:00Z') }), (ms) => {
        const dt = DateTime.fromMillis(ms, { zone: 'UTC' });
        expect(periodKey(ms, 'UTC', 'week')).toBe(`${dt.weekYear}-W${dt.weekNumber}`);
      }),
    );
  });
});

describe('localDayNumber', () => {
  it('counts local days since 1970-01-01', () => {
    expect(localDayNumber(0, 'UTC')).toBe(0);
    expect(localDayNumber(DAY - 1, 'UTC')).toBe(0);
    expect(localDayNumber(DAY, 'UTC')).toBe(1);
    expect(localDayNumber(at('1970-01-01T20:00:00Z'), 'Asia/Shanghai')).toBe(1);
    expect(localDayNumber(at('2026-03-02T20:00:00Z'), 'America/New_York')).toBe(Math.floor(at('2026-03-02T00:00:00Z') / DAY));
  });
});

describe('drawnMinute and calendars with a window (between)', () => {
  const salts = Array.from({ length: 40 }, (_, k) => `salt${k}`);

  it('draws from the salt and the date alone, from `from` included to `to` excluded', () => {
    const w = { from: 600, to: 660 };
    expect(drawnMinute(w, 'community', '2026-03-02')).toBe(drawInt('community|between|2026-03-02', 600, 659));
    const drawn = salts.map((s) => drawnMinute(w, s, '2026-03-02'));
    for (const m of drawn) expect(m >= 600 && m < 660, String(m)).toBe(true);
    expect(new Set(drawn).size).toBeGreaterThan(5);
    expect(new Set(salts.map((s) => drawnMinute({ from: 0, to: 1440 }, s, '2026-03-02'))).size).toBeGreaterThan(5);
  });

  it('a window of one minute always gives that minute; an empty one gives `from`', () => {
    for (const s of salts) expect(drawnMinute({ from: 600, to: 601 }, s, '2026-03-02')).toBe(600);
    expect(drawnMinute({ from: 600, to: 600 }, 'x', '2026-03-02')).toBe(600);
  });

  it('nextOccurrence fires once a day at the minute drawn for that local date', () => {
    const cal = { ...daily(), between: { from: 8 * 60, to: 20 * 60 } };
    const first = nextOccurrence(cal, 'UTC', at('2026-03-02T00:00:00Z'), 'community');
    expect(first).toBe(at('2026-03-02T00:00:00Z') + drawnMinute(cal.between, 'community', '2026-03-02') * 60_000);
    const second = nextOccurrence(cal, 'UTC', first + 1, 'community');
    expect(second).toBe(at('2026-03-03T00:00:00Z') + drawnMinute(cal.between, 'community', '2026-03-03') * 60_000);
    expect(nextOccurrence(cal, 'UTC', at('2026-03-02T00:00:00Z'))).toBe(nextOccurrence(cal, 'UTC', at('2026-03-02T00:00:00Z'), ''));
  });
});

describe('localInstant', () => {
  it('is the local date and time of day in the zone', () => {
    expect(localInstant('2026-03-02', 9 * 60 + 30, 'Asia/Shanghai')).toBe(at('2026-03-02T01:30:00Z'));
    expect(localInstant('2026-03-02', 0, 'UTC')).toBe(at('2026-03-02T00:00:00Z'));
    expect(localInstant('2026-03-02', 23 * 60 + 59, 'America/New_York')).toBe(at('2026-03-03T04:59:00Z'));
  });

  it('moves a time skipped by a spring-forward on by the gap, and takes the first of a repeated one', () => {
    expect(localInstant('2026-03-08', 2 * 60 + 30, 'America/New_York')).toBe(at('2026-03-08T07:30:00Z'));
    expect(localInstant('2026-11-01', 60 + 30, 'America/New_York')).toBe(at('2026-11-01T05:30:00Z'));
  });
});
