/** Durations in playbooks: `10s`, `30d`, `1h30m`, `500ms`, `2w`. */

import { table } from './dict.js';

const UNIT_MS = table<number>({
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
});

/** `PT5M`, `P1D`, `PT1H30M`, `P2W`: ISO-8601 durations of weeks, days, hours, minutes and seconds. */
const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const ISO_UNITS = ['w', 'd', 'h', 'm', 's'] as const;

/**
 * Milliseconds of a duration literal (`1h30m`, or the ISO-8601 form of action payloads, `PT1H30M`),
 * or undefined when the text is not one. ISO months and years have no fixed length: not durations.
 */
export function parseDurationText(text: string): number | undefined {
  if (text.startsWith('P')) {
    const iso = ISO.exec(text);
    if (!iso || text === 'P') return undefined;
    let ms = 0;
    ISO_UNITS.forEach((unit, i) => {
      const n = iso[i + 1];
      if (n !== undefined) ms += Number(n) * UNIT_MS[unit]!;
    });
    return Math.round(ms);
  }
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos !== text.length || pos === 0) return undefined;
  return Math.round(total);
}

/** ISO-8601 duration (`PT10M`, `PT1H`, `P1D`) as action payloads use. */
export function isoDuration(ms: number): string {
  if (ms <= 0) return 'PT0S';
  let rest = ms;
  const days = Math.floor(rest / UNIT_MS.d!);
  rest -= days * UNIT_MS.d!;
  const hours = Math.floor(rest / UNIT_MS.h!);
  rest -= hours * UNIT_MS.h!;
  const minutes = Math.floor(rest / UNIT_MS.m!);
  rest -= minutes * UNIT_MS.m!;
  const seconds = rest / 1000;
  let out = 'P';
  if (days) out += `${days}D`;
  if (hours || minutes || seconds) {
    out += 'T';
    if (hours) out += `${hours}H`;
    if (minutes) out += `${minutes}M`;
    if (seconds) out += `${Number(seconds.toFixed(3))}S`;
  }
  return out;
}

/** `90000` -> `1m30s`: the shortest playbook spelling of a duration. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** The longest duration a playbook may state or compute: ten years (a longer one is a unit mistake). */
export const MAX_DURATION_MS = 10 * 366 * 86_400_000;
