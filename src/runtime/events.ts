import type { EventType } from '../compiler/ir.js';

/** An input event after validation: envelope keys split from the payload, `at` parsed. */
export interface InputEvent {
  id: string;
  type: string;
  at: string;
  atMs: number;
  community: string;
  member?: string;
  payload: Record<string, unknown>;
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
  for (const key of ['id', 'type', 'at', 'community'] as const) {
    if (!(key in o)) return { ok: false, reason: `missing envelope key "${key}"` };
    if (typeof o[key] !== 'string') return { ok: false, reason: `"${key}" must be a string, not ${jsonType(o[key])}` };
    if ((o[key] as string).length === 0) return { ok: false, reason: `"${key}" must not be empty` };
  }
  const id = o['id'] as string;
  if (id.length > MAX_ID_LENGTH) return { ok: false, reason: `"id" is longer than ${MAX_ID_LENGTH} characters` };
  const at = o['at'] as string;
  if (!ISO_WITH_OFFSET.test(at)) return { ok: false, reason: `"at" must be an ISO-8601 instant with an offset (e.g. 2026-03-02T10:00:00+08:00), not ${JSON.stringify(at.slice(0, 40))}` };
  const atMs = Date.parse(at);
  if (!Number.isFinite(atMs)) return { ok: false, reason: `"at" is not a real instant: ${JSON.stringify(at)}` };
  if ('member' in o && o['member'] !== undefined && o['member'] !== null && (typeof o['member'] !== 'string' || o['member'] === '')) {
    return { ok: false, reason: `"member" must be a non-empty string, not ${jsonType(o['member'])}` };
  }
  const type = o['type'] as string;
  const member = typeof o['member'] === 'string' ? (o['member'] as string) : undefined;
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k !== 'id' && k !== 'type' && k !== 'at' && k !== 'community' && k !== 'member') payload[k] = v;
  }
  const def = events[type];
  const event: InputEvent = { id, type, at, atMs, community: o['community'] as string, payload };
  if (member !== undefined) event.member = member;
  if (!def) return { ok: true, event, known: false };
  if (def.memberLevel && member === undefined) return { ok: false, reason: `"${type}" events need a "member"` };
  for (const [name, field] of Object.entries(def.fields)) {
    const v = payload[name];
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
