/**
 * Local calendar slots of instants in the playbook's time zone, for the report's day and hour
 * buckets. A large simulation asks for the slot of every event and action, and `Intl` formatting
 * costs microseconds, so slots are cached per 15-minute span of UTC: every offset in use today
 * is a multiple of 15 minutes, so a whole span falls in one local hour.
 */

export interface LocalSlot {
  /** Local date, `YYYY-MM-DD`. */
  day: string;
  /** Local hour, 0-23. */
  hour: number;
  /** `YYYY-MM-DD HH`: the key of the local hour. */
  hourKey: string;
}

const SPAN_MS = 15 * 60_000;
/** A year of spans; past that the cache starts over rather than growing without bound. */
const MAX_CACHED = 40_000;

export class ZoneClock {
  readonly zone: string;
  private readonly formatter: Intl.DateTimeFormat;
  private readonly cache = new Map<number, LocalSlot>();

  constructor(zone: string) {
    let formatter: Intl.DateTimeFormat;
    try {
      formatter = makeFormatter(zone);
    } catch {
      // The compiler validates zones; this only guards a hand-made IR from crashing the report.
      formatter = makeFormatter('UTC');
      zone = 'UTC';
    }
    this.zone = zone;
    this.formatter = formatter;
  }

  slot(ms: number): LocalSlot {
    const span = Math.floor(ms / SPAN_MS);
    let slot = this.cache.get(span);
    if (!slot) {
      const p = this.parts(span * SPAN_MS);
      slot = { day: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), hourKey: `${p.year}-${p.month}-${p.day} ${p.hour}` };
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(span, slot);
    }
    return slot;
  }

  /** `YYYY-MM-DD HH:mm` in the zone. */
  format(ms: number): string {
    const p = this.parts(ms);
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  }

  private parts(ms: number): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
    const out = { year: '', month: '', day: '', hour: '', minute: '' };
    for (const part of this.formatter.formatToParts(ms)) {
      if (part.type in out) out[part.type as keyof typeof out] = part.value;
    }
    return out;
  }
}

function makeFormatter(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

/** The local dates from `first` to `last` inclusive (`YYYY-MM-DD`), by calendar arithmetic. */
export function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The months from `first` to `last` inclusive (`YYYY-MM`). */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  const [ly, lm] = last.split('-').map(Number) as [number, number];
  while (y < ly || (y === ly && m <= lm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}
