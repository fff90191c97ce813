import type { EventType } from '../compiler/ir.js';

/** An input event after validation: envelope keys split from the payload, `at` parsed. */
export interface InputEvent {
  id: string;
  type: string;
  at: string;
  atMs: number;
  community: string;
  member?: string | undefined;
  /** The event object as received (envelope keys included). */
  payload: Record<string, unknown>;
}

/** Envelope keys of DESIGN.md section 4: not payload fields, even though `payload` holds them. */
export const ENVELOPE_KEYS: ReadonlySet<string> = new Set(['id', 'type', 'at', 'community', 'member']);

const fieldLists = new WeakMap<EventType, [string, EventType['fields'][string]][]>();

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `YYYY-MM-DDTHH:MM[:SS[.sss]](Z|±HH:MM)` read digit by digit: the common shape of event times,
 * several times faster than a regex plus `Date.parse`. Anything else returns NaN and takes the
 * general path, so the two always agree (test/events.test.ts checks it).
 */
export function parseIsoFast(s: string): number {
  const n = s.length;
  if (n < 17 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58) return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  let i = 16;
  let second = 0;
  let millis = 0;
  if (s.charCodeAt(i) === 58) {
    second = digits(s, i + 1, 2);
    i += 3;
    if (s.charCodeAt(i) === 46) {
      const start = ++i;
      while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
      const len = i - start;
      if (len < 1 || len > 3) return NaN;
      millis = digits(s, start, len) * (len === 1 ? 100 : len === 2 ? 10 : 1);
    }
  }
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return NaN;
  const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return NaN;
  let offset = 0;
  const c = s.charCodeAt(i);
  if (c === 90 && i + 1 === n) offset = 0;
  else if ((c === 43 || c === 45) && i + 6 === n && s.charCodeAt(i + 3) === 58) {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
    offset = (c === 43 ? 1 : -1) * (oh * 60 + om);
  } else return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000;
}

/** The decimal number in s[at, at+len), or -1e9 (never valid) if a character is not a digit. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let k = at; k < at + len; k++) {
    const d = s.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return -1e9;
    v = v * 10 + d;
  }
  return v;
}

export type Validation = { ok: true; event: InputEvent; known: boolean } | { ok: false; reason: string };

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

export const MAX_ID_LENGTH = 512;

/**
 * Checks the envelope of DESIGN.md section 4 and, for event types the playbook knows (core or
 * declared), the payload types. Unknown types pass with `known: false`: they are ignored, not
 * errors, because platforms send many event types a playbook has no use for.
 */
export function validateEvent(raw: unknown, events: Record<string, EventType>): Validation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: `an event must be a JSON object, not ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}` };
  }
  const o = raw as Record<string, unknown>;
  // Named reads first (fast, monomorphic); the loop with its messages only when one is wrong.
  const id = o['id'];
  const type0 = o['type'];
  const at0 = o['at'];
  const community = o['community'];
  if (typeof id !== 'string' || typeof type0 !== 'string' || typeof at0 !== 'string' || typeof community !== 'string' || !id || !type0 || !at0 || !community) {
    for (const key of ['id', 'type', 'at', 'community'] as const) {
      if (!(key in o)) return { ok: false, reason: `missing envelope key "${key}"` };
      if (typeof o[key] !== 'string') return { ok: false, reason: `"${key}" must be a string, not ${jsonType(o[key])}` };
      if ((o[key] as string).length === 0) return { ok: false, reason: `"${key}" must not be empty` };
    }
  }
  if ((id as string).length > MAX_ID_LENGTH) return { ok: false, reason: `"id" is longer than ${MAX_ID_LENGTH} characters` };
  const at = at0 as string;
  let atMs = parseIsoFast(at);
  if (Number.isNaN(atMs)) {
    if (!ISO_WITH_OFFSET.test(at)) return { ok: false, reason: `"at" must be an ISO-8601 instant with an offset (e.g. 2026-03-02T10:00:00+08:00), not ${JSON.stringify(at.slice(0, 40))}` };
    atMs = Date.parse(at);
    if (!Number.isFinite(atMs)) return { ok: false, reason: `"at" is not a real instant: ${JSON.stringify(at)}` };
  }
  const m = o['member'];
  if (m !== undefined && m !== null && (typeof m !== 'string' || m === '')) {
    return { ok: false, reason: `"member" must be a non-empty string, not ${jsonType(m)}` };
  }
  const type = type0 as string;
  const member = typeof m === 'string' ? m : undefined;
  // The payload is the event object itself: copying it without the envelope keys cost more than
  // the rest of validation; readers of payload fields never ask for envelope names.
  const event: InputEvent = { id: id as string, type, at, atMs, community: community as string, member, payload: o };
  const def = events[type];
  if (!def) return { ok: true, event, known: false };
  if (def.memberLevel && member === undefined) return { ok: false, reason: `"${type}" events need a "member"` };
  let fields = fieldLists.get(def);
  if (!fields) fieldLists.set(def, (fields = Object.entries(def.fields)));
  for (const [name, field] of fields) {
    const v = o[name];
    if (v === undefined || v === null) {
      if (!field.optional) return { ok: false, reason: `"${type}" needs payload field "${name}" (${field.type})` };
      continue;
    }
    if (!hasType(v, field.type)) {
      return { ok: false, reason: `payload field "${name}" of "${type}" must be ${field.type}, not ${jsonType(v)}` };
    }
  }
  return { ok: true, event, known: true };
}

function hasType(v: unknown, t: EventType['fields'][string]['type']): boolean {
  switch (t) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'string[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
  }
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}
