import { describe, expect, it } from 'vitest';
import type { Calendar } from '../../src/ir/schema.js';
import { endOfLocalDate, isoInZone, localDayNumber, nextOccurrence, periodKey, startOfLocalDate } from '../../src/stdlib/calendar.js';
import { events, feed, ofType, runtime, texts } from './helpers.js';

/** The stdlib calendar (src/stdlib/calendar.ts) and calendars in a playbook (issue 14, item 7). */

const SH = 'Asia/Shanghai';
const ms = (iso: string) => Date.parse(iso);
const daily = (...times: number[]): Calendar => ({ kind: 'daily', weekdays: [], monthDays: [], times });

describe('nextOccurrence: the first occurrence at or after an instant', () => {
  it('an instant that is an occurrence is its own next occurrence', () => {
    expect(nextOccurrence(daily(9 * 60), SH, ms('2026-03-02T09:00:00+08:00'))).toBe(ms('2026-03-02T09:00:00+08:00'));
  });

  it('one millisecond later, the next one', () => {
    expect(nextOccurrence(daily(9 * 60), SH, ms('2026-03-02T09:00:00.001+08:00'))).toBe(ms('2026-03-03T09:00:00+08:00'));
    expect(nextOccurrence(daily(9 * 60, 21 * 60), SH, ms('2026-03-02T09:00:00.001+08:00'))).toBe(ms('2026-03-02T21:00:00+08:00'));
  });

  it('weekly and monthly calendars pick the matching days', () => {
    const mondays: Calendar = { kind: 'weekly', weekdays: [1], monthDays: [], times: [8 * 60 + 30] };
    expect(nextOccurrence(mondays, SH, ms('2026-03-03T00:00:00+08:00'))).toBe(ms('2026-03-09T08:30:00+08:00'));
    expect(nextOccurrence(mondays, SH, ms('2026-03-09T08:30:00+08:00'))).toBe(ms('2026-03-09T08:30:00+08:00'));
    const the31st: Calendar = { kind: 'monthly', weekdays: [], monthDays: [31], times: [10 * 60] };
    expect(nextOccurrence(the31st, SH, ms('2026-04-01T00:00:00+08:00'))).toBe(ms('2026-05-31T10:00:00+08:00'));
  });

  it('a calendar no day matches (only possible in a hand-written IR) gives up a year ahead instead of looping', () => {
    const never: Calendar = { kind: 'weekly', weekdays: [], monthDays: [], times: [9 * 60] };
    const from = ms('2026-03-02T00:00:00+08:00');
    expect(nextOccurrence(never, SH, from)).toBe(from + 366 * 86_400_000);
  });

  it('a wall time skipped by a DST change moves to the first instant after it', () => {
    // Berlin springs forward at 02:00 on 29 March 2026: 02:30 does not exist that day.
    expect(isoInZone(nextOccurrence(daily(2 * 60 + 30), 'Europe/Berlin', ms('2026-03-29T00:00:00+01:00')), 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
    // And 09:00 stays 09:00 local across it.
    expect(nextOccurrence(daily(9 * 60), 'Europe/Berlin', ms('2026-03-29T05:00:00+02:00'))).toBe(ms('2026-03-29T09:00:00+02:00'));
  });
});

describe('isoInZone: Z for UTC, +00:00 for other zones at offset zero', () => {
  const at = ms('2026-01-15T10:00:00Z');
  it('UTC and Etc/UTC are written with Z', () => {
    expect(isoInZone(at, 'UTC')).toBe('2026-01-15T10:00:00Z');
    expect(isoInZone(at, 'Etc/UTC')).toBe('2026-01-15T10:00:00Z');
  });

  it('a zone whose offset is zero at that instant is written +00:00, and its summer offset after', () => {
    expect(isoInZone(at, 'Europe/London')).toBe('2026-01-15T10:00:00+00:00');
    expect(isoInZone(at, 'Africa/Abidjan')).toBe('2026-01-15T10:00:00+00:00');
    expect(isoInZone(ms('2026-07-15T10:00:00Z'), 'Europe/London')).toBe('2026-07-15T11:00:00+01:00');
  });

  it('an offset that changes within one local day is written anew (London springs forward on 29 March 2026)', () => {
    expect(isoInZone(ms('2026-03-29T00:30:00Z'), 'Europe/London')).toBe('2026-03-29T00:30:00+00:00');
    expect(isoInZone(ms('2026-03-29T02:30:00Z'), 'Europe/London')).toBe('2026-03-29T03:30:00+01:00');
    expect(isoInZone(ms('2026-03-29T00:30:00Z'), 'Europe/London')).toBe('2026-03-29T00:30:00+00:00');
  });

  it('negative, half-hour offsets and milliseconds', () => {
    expect(isoInZone(at, 'America/New_York')).toBe('2026-01-15T05:00:00-05:00');
    expect(isoInZone(at, 'Asia/Kolkata')).toBe('2026-01-15T15:30:00+05:30');
    expect(isoInZone(at + 7, 'UTC')).toBe('2026-01-15T10:00:00.007Z');
    expect(isoInZone(ms('2026-01-15T23:59:59.999Z'), 'UTC')).toBe('2026-01-15T23:59:59.999Z');
  });

  it('the actions of a playbook carry the same forms', () => {
    for (const [zone, want] of [
      ['UTC', '2026-01-15T10:00:00Z'],
      ['Europe/London', '2026-01-15T10:00:00+00:00'],
    ] as const) {
      const rt = runtime(`rule hi { on message.posted; do say "hi" }`, {}, zone);
      expect(feed(rt, [events().msg('2026-01-15T10:00:00Z', 'ann')]).map((a) => a.at)).toEqual([want]);
    }
  });
});

describe('local days, periods and dates', () => {
  it('periodKey names the local day, ISO week and month', () => {
    const t = ms('2026-03-08T23:30:00+08:00'); // Sunday, 15:30 UTC
    expect(periodKey(t, SH, 'day')).toBe('2026-03-08');
    expect(periodKey(t, SH, 'week')).toBe('2026-W10');
    expect(periodKey(ms('2026-03-09T00:30:00+08:00'), SH, 'week')).toBe('2026-W11');
    expect(periodKey(ms('2027-01-01T12:00:00+08:00'), SH, 'week')).toBe('2026-W53'); // a Friday in 2026's last ISO week
    expect(periodKey(t, SH, 'month')).toBe('2026-03');
  });

  it('localDayNumber changes at local midnight', () => {
    const d = localDayNumber(ms('2026-03-08T23:59:59.999+08:00'), SH);
    expect(localDayNumber(ms('2026-03-09T00:00:00+08:00'), SH)).toBe(d + 1);
    expect(localDayNumber(ms('1970-01-01T00:00:00Z'), 'UTC')).toBe(0);
  });

  it('a stage date runs from local midnight to the next local midnight', () => {
    expect(startOfLocalDate('2026-10-20', SH)).toBe(ms('2026-10-20T00:00:00+08:00'));
    expect(endOfLocalDate('2026-10-31', SH)).toBe(ms('2026-11-01T00:00:00+08:00'));
  });
});

describe('calendars in a playbook are armed at or after the first event', () => {
  const body = `every day at 09:00: say "早安 {date} {time}"`;

  it('a first event exactly at 09:00 fires that 09:00 job, before the event', () => {
    const rt = runtime(`${body}\nrule hi { on message.posted; do say "hi" }`);
    const out = feed(rt, [events().msg('2026-03-02T09:00:00+08:00', 'ann')]);
    expect(texts(out)).toEqual(['早安 2026-03-02 09:00', 'hi']);
    // Re-armed for the next day, once.
    expect(ofType(rt.advance('2026-03-04T08:59:59+08:00'), 'message.send').map((a) => a.at)).toEqual(['2026-03-03T09:00:00+08:00']);
  });

  it('a first event a millisecond after 09:00 waits for the next day', () => {
    const rt = runtime(body);
    expect(feed(rt, [events().msg('2026-03-02T09:00:00.001+08:00', 'ann')])).toEqual([]);
    expect(ofType(rt.advance('2026-03-03T09:00:00+08:00'), 'message.send').map((a) => a.at)).toEqual(['2026-03-03T09:00:00+08:00']);
  });
});
