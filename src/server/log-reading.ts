/**
 * Reading the action log over HTTP, the same for `serve` on SQLite and in cluster mode
 * (docs/serve.md, `GET /actions` and `GET /actions/stream`): the line of an action with its sequence number,
 * page parameters, and the refusal of a reader position past the end of the log.
 */
import type { LoggedAction } from '../store/store.js';
import { HttpError } from './http.js';

/** An action line of the log: the action's JSON with its sequence number as the first key. */
export function withSeq(a: LoggedAction): string {
  return a.json.length > 2 ? `{"seq":${a.seq},${a.json.slice(1)}` : `{"seq":${a.seq}}`;
}

export function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new HttpError(400, `?${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/** Refuse a reader position past the end of the log (see PlaybookServer.checkPosition). */
export function checkPosition(after: number, from: string, last: number): void {
  if (after <= last) return;
  throw new HttpError(
    409,
    `${from} ${after} is past the end of the action log (its last sequence number is ${last}): this is not the log the reader was reading ` +
      `(the database was replaced or reset). Nothing after ${last} exists to resume from; reconnect with ?after=N for the last action you know ` +
      `was in this log (0 replays it all)`,
    { lastSeq: last },
    { 'playbook-last-seq': String(last) },
  );
}
