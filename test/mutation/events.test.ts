import { describe, expect, it } from 'vitest';
import type { EventType } from '../../src/ir/schema.js';
import { ENVELOPE_KEYS, MAX_ID_LENGTH, validateEvent } from '../../src/runtime/events.js';

/**
 * Event validation (src/runtime/events.ts; docs/embedding.md, section 3), each refusal with its
 * exact reason and each limit on both sides. Written for the mutation run (docs/testing.md).
 */

const events: Record<string, EventType> = Object.assign(Object.create(null) as Record<string, EventType>, {
  'message.posted': { core: true, memberLevel: true, fields: { text: { type: 'string', optional: false } } },
  'poll.closed': {
    core: false,
    memberLevel: false,
    fields: {
      votes: { type: 'number', optional: false },
      title: { type: 'string', optional: true },
      open: { type: 'boolean', optional: true },
      options: { type: 'string[]', optional: true },
      name: { type: 'string', optional: true },
      mentions: { type: 'string[]', optional: true },
    },
  },
  'odd.event': { core: false, memberLevel: false, fields: { constructor: { type: 'string', optional: false } } },
});

const base = { id: 'e1', type: 'poll.closed', at: '2026-03-02T10:00:00+08:00', community: 'c1', votes: 3 };

function reason(raw: unknown): string {
  const v = validateEvent(raw, events);
  if (v.ok) throw new Error('expected a refusal');
  return v.reason;
}

function accepted(raw: unknown) {
  const v = validateEvent(raw, events);
  if (!v.ok) throw new Error(`refused: ${v.reason}`);
  return v;
}

describe('the envelope', () => {
  it('names the envelope keys', () => {
    expect([...ENVELOPE_KEYS]).toEqual(['id', 'type', 'at', 'community', 'member']);
    expect(MAX_ID_LENGTH).toBe(512);
  });

  it('refuses what is not a JSON object, naming what it is', () => {
    expect(reason('x')).toBe('an event must be a JSON object, not string');
    expect(reason(5)).toBe('an event must be a JSON object, not number');
    expect(reason(null)).toBe('an event must be a JSON object, not null');
    expect(reason([base])).toBe('an event must be a JSON object, not an array');
    expect(reason(undefined)).toBe('an event must be a JSON object, not undefined');
  });

  it('refuses a missing key, the first in envelope order', () => {
    expect(reason({})).toBe('missing envelope key "id"');
    expect(reason({ id: 'e' })).toBe('missing envelope key "type"');
    expect(reason({ id: 'e', type: 't' })).toBe('missing envelope key "at"');
    expect(reason({ id: 'e', type: 't', at: base.at })).toBe('missing envelope key "community"');
  });

  it('refuses a key that is not a string, naming its JSON type and value', () => {
    expect(reason({ ...base, id: 5 })).toBe('"id" must be a string, not number 5');
    expect(reason({ ...base, type: null })).toBe('"type" must be a string, not null');
    expect(reason({ ...base, type: 7 })).toBe('"type" must be a string, not number 7');
    expect(reason({ ...base, at: [] })).toBe('"at" must be a string, not an array');
    expect(reason({ ...base, community: {} })).toBe('"community" must be a string, not an object');
    expect(reason({ ...base, community: true })).toBe('"community" must be a string, not boolean true');
  });

  it('refuses an empty key', () => {
    expect(reason({ ...base, id: '' })).toBe('"id" must not be empty');
    expect(reason({ ...base, type: '' })).toBe('"type" must not be empty');
    expect(reason({ ...base, at: '' })).toBe('"at" must not be empty');
    expect(reason({ ...base, community: '' })).toBe('"community" must not be empty');
  });

  it('takes an id of 512 characters and refuses one of 513', () => {
    expect(accepted({ ...base, id: 'i'.repeat(512) }).event.id).toHaveLength(512);
    expect(reason({ ...base, id: 'i'.repeat(513) })).toBe('"id" is longer than 512 characters');
  });

  it('refuses an at that is not an instant, with the reason the instant parser gives', () => {
    expect(reason({ ...base, at: 'tomorrow' })).toBe('"at" must be an ISO-8601 instant with an offset (e.g. 2026-03-02T10:00:00+08:00), not "tomorrow"');
    expect(reason({ ...base, at: '2026-02-30T10:00:00Z' })).toBe('"at" names a day the calendar does not have: "2026-02-30T10:00:00Z"');
  });

  it('refuses a member that is empty or not a string; null or absent means no member', () => {
    expect(reason({ ...base, member: '' })).toBe('"member" must be a non-empty string, not the string ""');
    expect(reason({ ...base, member: 7 })).toBe('"member" must be a non-empty string, not number 7');
    expect(reason({ ...base, member: ['a'] })).toBe('"member" must be a non-empty string, not an array');
    expect(accepted({ ...base, member: null }).event.member).toBeUndefined();
    expect(accepted(base).event.member).toBeUndefined();
    expect(accepted({ ...base, member: 'alice' }).event.member).toBe('alice');
  });

  it('holds community and member to 256 characters, for known and unknown types', () => {
    expect(accepted({ ...base, community: 'c'.repeat(256), member: 'm'.repeat(256) }).ok).toBe(true);
    expect(reason({ ...base, community: 'c'.repeat(257) })).toBe('"community" is longer than 256 characters');
    expect(reason({ ...base, type: 'not.declared', member: 'm'.repeat(257) })).toBe('"member" is longer than 256 characters');
  });

  it('keeps the envelope and the whole object as the payload, with at parsed', () => {
    const raw = { ...base, member: 'm1', extra: 1 };
    const v = accepted(raw);
    expect(v.known).toBe(true);
    expect(v.event).toEqual({ id: 'e1', type: 'poll.closed', at: base.at, atMs: Date.parse(base.at), community: 'c1', member: 'm1', payload: raw });
    expect(v.event.payload).toBe(raw);
  });
});

describe('event types', () => {
  it('passes an unknown type, even one named like an Object.prototype member, as not known', () => {
    const plain: Record<string, EventType> = { ...events };
    for (const type of ['not.declared', 'constructor', 'toString']) {
      const v = validateEvent({ ...base, type, votes: 'not checked' }, plain);
      expect(v).toMatchObject({ ok: true, known: false });
    }
  });

  it('refuses a member-level event without a member, and takes a community-level one without', () => {
    expect(reason({ ...base, type: 'message.posted', text: 'hi' })).toBe('"message.posted" events need a "member"');
    expect(accepted({ ...base, type: 'message.posted', text: 'hi', member: 'm' }).known).toBe(true);
    expect(accepted(base).known).toBe(true);
  });

  it('refuses a required field that is absent or null; an optional one may be either', () => {
    const { votes: _votes, ...noVotes } = base;
    expect(reason(noVotes)).toBe('"poll.closed" needs payload field "votes" (number)');
    expect(reason({ ...base, votes: null })).toBe('"poll.closed" needs payload field "votes" (number)');
    expect(accepted({ ...base, title: null, open: undefined }).known).toBe(true);
  });

  it('reads declared fields as own keys only: an inherited constructor is no field', () => {
    expect(reason({ ...base, type: 'odd.event' })).toBe('"odd.event" needs payload field "constructor" (string)');
    expect(accepted({ ...base, type: 'odd.event', constructor: 'x' }).known).toBe(true);
  });

  it('checks each field type, naming the value it got', () => {
    expect(reason({ ...base, votes: '3' })).toBe('payload field "votes" of "poll.closed" must be number, not the string "3"');
    expect(reason({ ...base, votes: Number.NaN })).toBe('payload field "votes" of "poll.closed" must be number, not number NaN');
    expect(reason({ ...base, votes: Infinity })).toBe('payload field "votes" of "poll.closed" must be number, not number Infinity');
    expect(reason({ ...base, title: 5 })).toBe('payload field "title" of "poll.closed" must be string, not number 5');
    expect(reason({ ...base, open: 'yes' })).toBe('payload field "open" of "poll.closed" must be boolean, not the string "yes"');
    expect(reason({ ...base, options: 'a' })).toBe('payload field "options" of "poll.closed" must be string[], not the string "a"');
    expect(reason({ ...base, options: ['a', 2] })).toBe('payload field "options" of "poll.closed" must be string[], not an array');
    expect(accepted({ ...base, votes: -2.5, title: '', open: false, options: [] }).known).toBe(true);
  });

  it('shows at most 30 characters of a wrong string', () => {
    expect(reason({ ...base, votes: 'x'.repeat(30) })).toBe(`payload field "votes" of "poll.closed" must be number, not the string "${'x'.repeat(30)}"`);
    expect(reason({ ...base, votes: 'x'.repeat(31) })).toBe(`payload field "votes" of "poll.closed" must be number, not the string "${'x'.repeat(30)}…"`);
  });

  it('holds name-like fields to 256 characters and other strings to 65,536', () => {
    expect(accepted({ ...base, name: 'n'.repeat(256), title: 't'.repeat(65_536) }).known).toBe(true);
    expect(reason({ ...base, name: 'n'.repeat(257) })).toBe('payload field "name" is longer than 256 characters');
    expect(reason({ ...base, title: 't'.repeat(65_537) })).toBe('payload field "title" is longer than 65536 characters');
  });

  it('holds list fields to 256 items and each item to its field limit', () => {
    expect(accepted({ ...base, options: Array.from({ length: 256 }, () => 'o') }).known).toBe(true);
    expect(reason({ ...base, options: Array.from({ length: 257 }, () => 'o') })).toBe('payload field "options" has more than 256 items');
    expect(reason({ ...base, mentions: ['a', 'm'.repeat(257)] })).toBe('item 2 of payload field "mentions" is longer than 256 characters');
  });

  it('validates the same way on every call (the field list is worked out once per type)', () => {
    for (let i = 0; i < 3; i++) {
      expect(reason({ ...base, votes: 'no' })).toBe('payload field "votes" of "poll.closed" must be number, not the string "no"');
      expect(accepted(base).known).toBe(true);
    }
  });
});
