import type { EventType } from '../ir/schema.js';
import { instantProblem, parseInstant } from '../stdlib/instants.js';
import { envelopeLimitProblem, fieldLimitProblem, MAX_ID_CHARS, maxFieldChars } from '../limits.js';

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

/** Envelope keys (docs/embedding.md, section 3): not payload fields, even though `payload` holds them. */
export const ENVELOPE_KEYS: ReadonlySet<string> = new Set(['id', 'type', 'at', 'community', 'member']);

/** A declared field as validation reads it: the longest string it may hold, worked out once. */
interface FieldCheck {
  name: string;
  field: EventType['fields'][string];
  maxChars: number;
}

const fieldLists = new WeakMap<EventType, FieldCheck[]>();

export type Validation = { ok: true; event: InputEvent; known: boolean } | { ok: false; reason: string };

export { MAX_ID_CHARS as MAX_ID_LENGTH };

/**
 * Checks the envelope of docs/embedding.md (section 3) and, for event types the playbook knows (core or
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
  // Stryker disable next-line StringLiteral: the loop below re-checks every key, so a fast path taken too often answers the same (docs/testing.md)
  if (typeof id !== 'string' || typeof type0 !== 'string' || typeof at0 !== 'string' || typeof community !== 'string' || !id || !type0 || !at0 || !community) {
    for (const key of ['id', 'type', 'at', 'community'] as const) {
      if (!(key in o)) return { ok: false, reason: `missing envelope key "${key}"` };
      if (typeof o[key] !== 'string') return { ok: false, reason: `"${key}" must be a string, not ${jsonType(o[key])}` };
      if (o[key].length === 0) return { ok: false, reason: `"${key}" must not be empty` };
    }
  }
  if ((id as string).length > MAX_ID_CHARS) return { ok: false, reason: `"id" is longer than ${MAX_ID_CHARS} characters` };
  const at = at0 as string;
  const atMs = parseInstant(at);
  if (Number.isNaN(atMs)) return { ok: false, reason: instantProblem(at) };
  const m = o['member'];
  if (m !== undefined && m !== null && (typeof m !== 'string' || m === '')) {
    return { ok: false, reason: `"member" must be a non-empty string, not ${jsonType(m)}` };
  }
  const type = type0 as string;
  const member = typeof m === 'string' ? m : undefined;
  // Before the type lookup, so unknown types are bounded too: community and member are stored.
  const tooLong = envelopeLimitProblem(community as string, member);
  if (tooLong) return { ok: false, reason: tooLong };
  // The payload is the event object itself: copying it without the envelope keys cost more than
  // the rest of validation; readers of payload fields never ask for envelope names.
  const event: InputEvent = { id: id as string, type, at, atMs, community: community as string, member, payload: o };
  // Own keys only: in a parsed IR `constructor` or `toString` would be inherited (docs/runtime.md).
  const def = Object.hasOwn(events, type) ? events[type] : undefined;
  if (!def) return { ok: true, event, known: false };
  if (def.memberLevel && member === undefined) return { ok: false, reason: `"${type}" events need a "member"` };
  let fields = fieldLists.get(def);
  if (!fields) fieldLists.set(def, (fields = Object.entries(def.fields).map(([name, field]) => ({ name, field, maxChars: maxFieldChars(name) }))));
  for (const { name, field, maxChars } of fields) {
    // A declared field may be called `constructor`: read own keys only (docs/runtime.md).
    const v = Object.hasOwn(o, name) ? o[name] : undefined;
    if (v === undefined || v === null) {
      if (!field.optional) return { ok: false, reason: `"${type}" needs payload field "${name}" (${field.type})` };
      continue;
    }
    if (!hasType(v, field.type)) {
      return { ok: false, reason: `payload field "${name}" of "${type}" must be ${field.type}, not ${jsonType(v)}` };
    }
    // Strings are the common case and need only their length; lists go through the full check.
    if (typeof v === 'string' ? v.length > maxChars : Array.isArray(v)) {
      const over = fieldLimitProblem(name, v);
      if (over) return { ok: false, reason: over };
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
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects were answered above: `v` is a primitive here
  return `${typeof v} ${String(v)}`;
}
