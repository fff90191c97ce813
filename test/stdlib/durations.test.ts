import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, isoDuration, MAX_DURATION_MS, parseDurationText } from '../../src/stdlib/durations.js';

describe('parseDurationText', () => {
  it('reads every unit', () => {
    expect(parseDurationText('7ms')).toBe(7);
    expect(parseDurationText('7s')).toBe(7_000);
    expect(parseDurationText('7m')).toBe(420_000);
    expect(parseDurationText('7h')).toBe(25_200_000);
    expect(parseDurationText('7d')).toBe(604_800_000);
    expect(parseDurationText('7w')).toBe(4_233_600_000);
  });

  it('adds up several parts, with numbers of several digits', () => {
    expect(parseDurationText('1h30m')).toBe(5_400_000);
    expect(parseDurationText('10s')).toBe(10_000);
    expect(parseDurationText('12s500ms')).toBe(12_500);
    expect(parseDurationText('1w2d3h4m5s6ms')).toBe(604_800_000 + 2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5_000 + 6);
  });

  it('reads fractions and rounds to whole milliseconds', () => {
    expect(parseDurationText('1.5s')).toBe(1_500);
    expect(parseDurationText('12.25s')).toBe(12_250);
    expect(parseDurationText('0.0016s')).toBe(2);
    expect(parseDurationText('0.0014s')).toBe(1);
    expect(parseDurationText('2.5ms')).toBe(3);
  });

  it('refuses text that is not a duration', () => {
    for (const bad of ['', 's', '10', 'x10s', ' 10s', '10s ', '10 s', '10sx', '10x', '1.s', '.5s', '10S', '1h 30m', '-5s', '5y', 'constructor', '1h30']) {
      expect(parseDurationText(bad), bad).toBeUndefined();
    }
  });

  it('is the inverse of formatDuration', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 ** 13 }), (ms) => parseDurationText(formatDuration(ms)) === ms));
  });
});

describe('isoDuration', () => {
  it('writes nothing or less as zero seconds', () => {
    expect(isoDuration(0)).toBe('PT0S');
    expect(isoDuration(-1)).toBe('PT0S');
    expect(isoDuration(-86_400_000)).toBe('PT0S');
  });

  it('writes each part alone', () => {
    expect(isoDuration(1)).toBe('PT0.001S');
    expect(isoDuration(1_000)).toBe('PT1S');
    expect(isoDuration(59_000)).toBe('PT59S');
    expect(isoDuration(60_000)).toBe('PT1M');
    expect(isoDuration(600_000)).toBe('PT10M');
    expect(isoDuration(3_600_000)).toBe('PT1H');
    expect(isoDuration(86_400_000)).toBe('P1D');
    expect(isoDuration(2 * 86_400_000)).toBe('P2D');
    expect(isoDuration(10 * 604_800_000)).toBe('P70D');
  });

  it('writes the parts together, leaving out the zero ones', () => {
    expect(isoDuration(86_400_000 + 3_600_000 + 60_000 + 1_001)).toBe('P1DT1H1M1.001S');
    expect(isoDuration(86_400_000 + 1_000)).toBe('P1DT1S');
    expect(isoDuration(86_400_000 + 60_000)).toBe('P1DT1M');
    expect(isoDuration(86_400_000 + 3_600_000)).toBe('P1DT1H');
    expect(isoDuration(3_600_000 + 1_000)).toBe('PT1H1S');
    expect(isoDuration(3_600_000 + 60_000)).toBe('PT1H1M');
    expect(isoDuration(23 * 3_600_000 + 59 * 60_000 + 59_999)).toBe('PT23H59M59.999S');
    expect(isoDuration(90_000)).toBe('PT1M30S');
  });

  it('keeps at most three decimals of seconds', () => {
    expect(isoDuration(1_234.5678)).toBe('PT1.235S');
    expect(isoDuration(1_500)).toBe('PT1.5S');
  });
});

describe('formatDuration', () => {
  it('writes zero as 0s', () => {
    expect(formatDuration(0)).toBe('0s');
  });

  it('writes the shortest spelling, largest unit first', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(1)).toBe('1ms');
    expect(formatDuration(1_500)).toBe('1s500ms');
    expect(formatDuration(60_000)).toBe('1m');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(604_800_000)).toBe('1w');
    expect(formatDuration(2 * 604_800_000 + 1)).toBe('2w1ms');
    expect(formatDuration(13 * 86_400_000)).toBe('1w6d');
    expect(formatDuration(604_800_000 + 86_400_000 + 3_600_000 + 60_000 + 1_000 + 1)).toBe('1w1d1h1m1s1ms');
  });
});

describe('parseDurationText: ISO-8601 durations (action payloads)', () => {
  it('reads each unit alone, with several digits', () => {
    expect(parseDurationText('P12W')).toBe(12 * 604_800_000);
    expect(parseDurationText('P12D')).toBe(12 * 86_400_000);
    expect(parseDurationText('PT12H')).toBe(12 * 3_600_000);
    expect(parseDurationText('PT12M')).toBe(12 * 60_000);
    expect(parseDurationText('PT12S')).toBe(12_000);
  });

  it('reads fractions of two digits in every unit, rounded to whole milliseconds', () => {
    expect(parseDurationText('P1.25W')).toBe(1.25 * 604_800_000);
    expect(parseDurationText('P1.25D')).toBe(1.25 * 86_400_000);
    expect(parseDurationText('PT1.25H')).toBe(1.25 * 3_600_000);
    expect(parseDurationText('PT1.25M')).toBe(75_000);
    expect(parseDurationText('PT1.25S')).toBe(1_250);
    expect(parseDurationText('PT0.0016S')).toBe(2);
  });

  it('adds the parts up', () => {
    expect(parseDurationText('P1W2DT3H4M5S')).toBe(604_800_000 + 2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5_000);
    expect(parseDurationText('P1DT1H')).toBe(86_400_000 + 3_600_000);
  });

  it('refuses texts that are not ISO durations, or only begin or end with one', () => {
    for (const bad of ['P', 'PT', 'P1DT', 'PT1D', 'P1H', 'P1M', 'P1Y', 'PXP1D', 'P1DX', 'P1D ', 'PT1.H', 'PT.5S', 'P-1D', 'Pabc', 'PT1S1M']) {
      expect(parseDurationText(bad), bad).toBeUndefined();
    }
  });

  it('reads every duration isoDuration writes back as the same milliseconds', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 ** 12 }), (ms) => parseDurationText(isoDuration(ms)) === ms));
  });
});

describe('MAX_DURATION_MS', () => {
  it('is ten years of 366 days', () => {
    expect(MAX_DURATION_MS).toBe(parseDurationText('3660d'));
    expect(formatDuration(MAX_DURATION_MS)).toBe('522w6d');
  });
});
