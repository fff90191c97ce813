import type { ReportData, Series } from './model.js';
import { daysBetween, monthsBetween, type ZoneClock } from './zone-clock.js';

/**
 * The activity charts: events and actions per hour, day or month (as the run's span allows) and
 * events per hour of the day, by type; the most frequent types charted, the rest as one series.
 */

const MAX_EVENT_TYPES_CHARTED = 8;
const MAX_ACTION_TYPES_CHARTED = 10;

/** Hour key ("YYYY-MM-DD HH" in the playbook's zone) -> type -> count. */
export type Buckets = Map<string, Map<string, number>>;

/** What the collector counts for the activity charts. */
export interface ActivityTallies {
  eventBuckets: Buckets;
  actionBuckets: Buckets;
  eventTypes: Map<string, number>;
  /** Event type -> 24 counts, one per hour of the day. */
  eventsByHour: Map<string, number[]>;
  actionTypes: Map<string, number>;
}

export function activitySection(clock: ZoneClock, firstMs: number, lastMs: number, tallies: ActivityTallies): ReportData['activity'] {
  const empty = { granularity: 'day' as const, labels: [], events: [], actions: [], eventsByHour: [] };
  if (!Number.isFinite(firstMs)) return empty;
  const firstDay = clock.slot(firstMs).day;
  const lastDay = clock.slot(lastMs).day;
  const days = daysBetween(firstDay, lastDay);
  let granularity: ReportData['activity']['granularity'];
  let labels: string[];
  let bucketOf: (hourKey: string) => string;
  if (days.length <= 3) {
    granularity = 'hour';
    const seen = new Set<string>();
    for (let t = firstMs; t <= lastMs + 15 * 60_000; t += 15 * 60_000) seen.add(clock.slot(Math.min(t, lastMs)).hourKey);
    labels = [...seen];
    bucketOf = (k) => k;
  } else if (days.length <= 400) {
    granularity = 'day';
    labels = days;
    bucketOf = (k) => k.slice(0, 10);
  } else {
    granularity = 'month';
    labels = monthsBetween(firstDay.slice(0, 7), lastDay.slice(0, 7));
    bucketOf = (k) => k.slice(0, 7);
  }
  const index = new Map(labels.map((l, i) => [l, i]));
  const series = (buckets: Buckets, totals: Map<string, number>, limit: number): Series[] => {
    const ranked = sortedCounts(totals).map(([t]) => t);
    const shown = ranked.slice(0, ranked.length > limit ? limit - 1 : limit);
    const other = ranked.length > shown.length;
    const rows = new Map(shown.map((t) => [t, new Array<number>(labels.length).fill(0)]));
    const otherRow = new Array<number>(labels.length).fill(0);
    for (const [hourKey, byType] of buckets) {
      const i = index.get(bucketOf(hourKey));
      if (i === undefined) continue;
      for (const [t, n] of byType) (rows.get(t) ?? otherRow)[i]! += n;
    }
    const out = shown.map((t) => ({ label: t, data: rows.get(t)! }));
    if (other) out.push({ label: 'other types', data: otherRow });
    return out;
  };
  const hourRanked = sortedCounts(tallies.eventTypes).map(([t]) => t);
  const hourShown = hourRanked.slice(0, hourRanked.length > MAX_EVENT_TYPES_CHARTED ? MAX_EVENT_TYPES_CHARTED - 1 : MAX_EVENT_TYPES_CHARTED);
  const eventsByHour: Series[] = hourShown.map((t) => ({ label: t, data: [...tallies.eventsByHour.get(t)!] }));
  if (hourRanked.length > hourShown.length) {
    const rest = new Array<number>(24).fill(0);
    for (const t of hourRanked.slice(hourShown.length)) tallies.eventsByHour.get(t)!.forEach((n, h) => (rest[h]! += n));
    eventsByHour.push({ label: 'other types', data: rest });
  }
  return {
    granularity,
    labels,
    events: series(tallies.eventBuckets, tallies.eventTypes, MAX_EVENT_TYPES_CHARTED),
    actions: series(tallies.actionBuckets, tallies.actionTypes, MAX_ACTION_TYPES_CHARTED),
    eventsByHour,
  };
}

export function bump(buckets: Buckets, key: string, type: string): void {
  let byType = buckets.get(key);
  if (!byType) buckets.set(key, (byType = new Map<string, number>()));
  byType.set(type, (byType.get(type) ?? 0) + 1);
}

/** Entries by count, most first; ties by name so the report is the same on every run. */
export function sortedCounts(map: Map<string, number>): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
