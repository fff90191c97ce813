import type { EventType, IR } from '../ir/schema.js';
import { D, type DiagnosticMessage } from '../parser/diagnostic-codes.js';
import { isoInZone } from '../stdlib/calendar.js';
import { dict, hasKey, own, table } from '../stdlib/dict.js';
import { isoDuration, parseDurationText } from '../stdlib/durations.js';
import { closest } from '../stdlib/suggest.js';
import { DEFAULT_START, formatOffset, INSTANT_FORMS, nextClockTime, parseInstant } from './clock.js';
import type { EventSpec, ExpectMode, ExpectSpec, FieldSpec, Span, TestCase, TestDiagnostic, TimeSpec, Value } from './syntax.js';

/**
 * A parsed test checked against its compiled playbook and turned into a plan: absolute instants,
 * complete event JSON (docs/embedding.md, section 3) and expectation patterns with plain JSON values.
 * Every problem that can be found without running (unknown event types or fields, a time that
 * goes backwards, a missing member) is reported here with its line and column.
 */

export type FieldPattern =
  | { field: string; kind: 'equals'; value: unknown; span: Span }
  | { field: string; kind: 'contains'; text: string; span: Span }
  | { field: string; kind: 'instant'; ms: number; text: string; span: Span };

export interface Expectation {
  mode: ExpectMode;
  count?: number;
  type?: string;
  member?: string;
  fields: FieldPattern[];
  /** The expect line as written (without `expect`), for explanations. */
  text: string;
  span: Span;
}

export type PlanStep =
  /** Move the clock: fires every timer due up to `at`. */
  | { kind: 'advance'; at: number; span: Span }
  | { kind: 'event'; at: number; event: Record<string, unknown>; span: Span }
  | { kind: 'expect'; expectation: Expectation; span: Span };

export interface TestPlan {
  name: string;
  community: string;
  start: number;
  zone: string;
  steps: PlanStep[];
}

export const DEFAULT_COMMUNITY = 'test';

/** The last instant a test may reach: ISO-8601 text (and the runtime) need a four-digit year. */
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Required id fields the runner makes up when a test does not care about them. */
const AUTO_IDS = table({ messageId: 'msg', orderId: 'order' });
const ENVELOPE = new Set(['id', 'type', 'at', 'community', 'member']);

export function planTest(test: TestCase, ir: IR, source: string): { plan?: TestPlan; diagnostics: TestDiagnostic[] } {
  const diagnostics: TestDiagnostic[] = [];
  const error = (span: Span, m: DiagnosticMessage, hint?: string) => {
    const d: TestDiagnostic = {
      severity: m.severity,
      code: m.code,
      message: m.message,
      start: span.start,
      end: span.end,
      line: span.line,
      column: span.column,
    };
    if (hint) d.hint = hint;
    diagnostics.push(d);
  };
  const zone = ir.timezone;
  let community = DEFAULT_COMMUNITY;
  let start = parseInstant(DEFAULT_START, zone)!;
  let seenStep = false;
  let seenStart = false;
  let seenCommunity = false;

  for (const st of test.statements) {
    if (st.kind === 'step') {
      seenStep = true;
      continue;
    }
    // Later, `community "g-2"` switches the community of the lines after it (a network of groups).
    if (seenStep && st.kind === 'community') continue;
    if (seenStep) {
      error(st.span, D.T0108.afterFirstEvent(st.kind), `move it to the top of the test`);
      continue;
    }
    if (st.kind === 'start') {
      if (seenStart) error(st.span, D.T0108.startTwice());
      seenStart = true;
      const ms = st.time.kind === 'instant' ? parseInstant(st.time.text, zone) : undefined;
      if (ms === undefined)
        error(st.time.span, D.T0005.notADateTime(source.slice(st.time.span.start, st.time.span.end)), `a real date and time: ${INSTANT_FORMS}`);
      else start = ms;
    } else {
      if (seenCommunity) error(st.span, D.T0108.communityTwice());
      seenCommunity = true;
      community = st.name;
    }
  }

  const steps: PlanStep[] = [];
  let now = start;
  let outOfRange = false;
  const inRange = (at: number, span: Span) => {
    if (at >= 0 && at <= LATEST && !outOfRange) return true;
    if (!outOfRange) error(span, D.T0005.outsideYears(), 'use a nearer date or a shorter wait');
    outOfRange = true;
    return false;
  };
  let eventNo = 0;
  const autoIds = dict<number>();
  let current = community;
  for (const st of test.statements) {
    if (st.kind === 'community') current = st.name;
    if (st.kind !== 'step') continue;
    if (st.time) {
      const at = resolveTime(st.time, now, zone, source, error);
      if (at !== undefined) {
        if (at < now) {
          error(
            st.time.span,
            D.T0109.beforePrevious(isoInZone(now, zone), formatOffset(now - start)),
            'lines run in order; use a wait such as `+1h` or a later time',
          );
        }
        // Even when it is wrong, the written time is what later lines were meant to follow.
        now = at;
        if (!inRange(now, st.time.span)) break;
      }
      if (!st.event) steps.push({ kind: 'advance', at: now, span: st.time.span });
    }
    const payload = st.event ? resolveEvent(st.event, ir.events, error) : undefined;
    if (st.event && payload) {
      const type = own(ir.events, st.event.type)!;
      const missing = Object.entries(type.fields).filter(([name, def]) => !def.optional && payload[name] === undefined && !(name in AUTO_IDS));
      for (const [name, def] of missing) {
        error(st.event.typeSpan, D.T0103.missingField(st.event.type, name, def.type), `add \`${name} ${exampleValue(def.type)}\``);
      }
      const times = st.repeat?.count ?? 1;
      for (let rep = 0; rep < times && missing.length === 0; rep++) {
        if (rep > 0) now += st.repeat!.everyMs;
        if (!inRange(now, st.repeat?.span ?? st.event.span)) break;
        eventNo++;
        // A dict: the payload's field names are the playbook's, and one may be `__proto__`.
        const json = Object.assign(dict<unknown>(), { id: `e${eventNo}`, type: st.event.type, at: isoInZone(now, zone), community: current });
        if (st.event.member) json['member'] = st.event.member.id;
        Object.assign(json, payload);
        for (const [field, prefix] of Object.entries(AUTO_IDS)) {
          if (type.fields[field] && !type.fields[field].optional && json[field] === undefined) {
            autoIds[prefix] = (autoIds[prefix] ?? 0) + 1;
            json[field] = `${prefix}-${autoIds[prefix]}`;
          }
        }
        steps.push({ kind: 'event', at: now, event: json, span: st.event.span });
      }
    }
    if (st.expect) {
      const expectation = resolveExpect(st.expect, zone, source, error);
      if (expectation) steps.push({ kind: 'expect', expectation, span: st.expect.span });
    }
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  // A broken test lost lines to syntax errors: its expects may be among them.
  if (!test.broken && !steps.some((s) => s.kind === 'expect')) {
    const m = D.T0111.noExpect(test.name);
    diagnostics.push({ severity: m.severity, code: m.code, message: m.message, hint: 'say what must happen: expect member.warn alice', ...test.nameSpan });
  }
  return { plan: { name: test.name, community, start, zone, steps }, diagnostics };
}

type Report = (span: Span, m: DiagnosticMessage, hint?: string) => void;

function resolveTime(t: TimeSpec, now: number, zone: string, source: string, error: Report): number | undefined {
  switch (t.kind) {
    case 'wait':
      return now + t.ms;
    case 'clock':
      return nextClockTime(now, t.hour, t.minute, t.second, zone);
    case 'instant': {
      const ms = parseInstant(t.text, zone);
      if (ms === undefined) error(t.span, D.T0005.notADateTime(source.slice(t.span.start, t.span.end)), `a real date and time: ${INSTANT_FORMS}`);
      return ms;
    }
  }
}

function exampleValue(type: EventType['fields'][string]['type']): string {
  return type === 'number' ? '5' : type === 'boolean' ? 'true' : type === 'string[]' ? '[a, b]' : '"text"';
}

function resolveEvent(ev: EventSpec, events: Record<string, EventType>, error: Report): Record<string, unknown> | undefined {
  const def = own(events, ev.type);
  if (!def) {
    const guess = closest(ev.type, Object.keys(events));
    error(
      ev.typeSpan,
      D.T0102.unknownEventType(ev.type),
      guess ? `did you mean \`${guess}\`?` : `declare it in the playbook: event ${ev.type} { field: type }`,
    );
    return undefined;
  }
  if (def.memberLevel && !ev.member) {
    error(ev.typeSpan, D.T0106.needsMember(ev.type), `write the member right after the type: event ${ev.type} alice …`);
    return undefined;
  }
  if (!def.memberLevel && ev.member) {
    error(ev.member.span, D.T0106.hasNoMember(ev.type), 'remove the member');
    return undefined;
  }
  const payload = dict<unknown>();
  let ok = true;
  for (const f of ev.fields) {
    if (ENVELOPE.has(f.name)) {
      error(f.nameSpan, D.T0103.setByTest(f.name), f.name === 'at' ? 'use a time at the start of the line: `+1h`, `19:20` or `2026-03-02T19:20`' : undefined);
      ok = false;
      continue;
    }
    const field = own(def.fields, f.name);
    if (!field) {
      const names = Object.keys(def.fields);
      const guess = closest(f.name, names);
      error(
        f.nameSpan,
        D.T0103.noField(ev.type, f.name),
        guess ? `did you mean \`${guess}\`?` : names.length ? `its fields are ${names.join(', ')}` : `${ev.type} has no fields`,
      );
      ok = false;
      continue;
    }
    if (hasKey(payload, f.name)) {
      error(f.nameSpan, D.T0103.givenTwice(f.name));
      ok = false;
      continue;
    }
    const value = convert(f, field.type, ev.type, error);
    if (value === undefined) ok = false;
    else payload[f.name] = value;
  }
  return ok ? payload : undefined;
}

function convert(f: FieldSpec, type: EventType['fields'][string]['type'], eventType: string, error: Report): unknown {
  const v = f.value;
  const wrong = (want: string): void => {
    error(v.span, D.T0103.wrongType(f.name, eventType, want));
  };
  switch (type) {
    case 'number':
      if (v.kind === 'number') return v.value;
      wrong('a number');
      return undefined;
    case 'string':
      if (v.kind === 'text' || v.kind === 'datetime') return v.value;
      if (v.kind === 'number') return String(v.value);
      wrong('text');
      return undefined;
    case 'boolean':
      if (v.kind === 'text' && v.bare && (v.value === 'true' || v.value === 'false')) return v.value === 'true';
      wrong('true or false');
      return undefined;
    case 'string[]': {
      const items = v.kind === 'list' ? v.items : [v];
      const out: string[] = [];
      for (const item of items) {
        if (item.kind === 'text' || item.kind === 'datetime') out.push(item.value);
        else if (item.kind === 'number') out.push(String(item.value));
        else {
          wrong('a list of text like [a, b]');
          return undefined;
        }
      }
      return out;
    }
  }
}

function resolveExpect(ex: ExpectSpec, zone: string, source: string, error: Report): Expectation | undefined {
  const text = source.slice(ex.span.start, ex.span.end).replace(/^expect\s+/, '');
  const out: Expectation = { mode: ex.mode, fields: [], text, span: ex.span };
  if (ex.count !== undefined) out.count = ex.count;
  if (ex.type !== undefined) out.type = ex.type;
  if (ex.member) out.member = ex.member.id;
  let ok = true;
  for (const f of ex.fields) {
    const p = pattern(f, zone, error);
    if (p) out.fields.push(p);
    else ok = false;
  }
  return ok ? out : undefined;
}

function pattern(f: FieldSpec, zone: string, error: Report): FieldPattern | undefined {
  const v = f.value;
  const span = { start: f.nameSpan.start, end: v.span.end, line: f.nameSpan.line, column: f.nameSpan.column };
  if (f.contains) return { field: f.name, kind: 'contains', text: (v as Value & { kind: 'text' }).value, span };
  if (v.kind === 'datetime' || f.name === 'at' || f.name === 'until') {
    if (v.kind !== 'datetime') {
      error(v.span, D.T0103.notAnInstant(f.name));
      return undefined;
    }
    const ms = parseInstant(v.value, zone);
    if (ms === undefined) {
      error(v.span, D.T0005.notADateTime(v.value), `a real date and time: ${INSTANT_FORMS}`);
      return undefined;
    }
    return { field: f.name, kind: 'instant', ms, text: v.value, span };
  }
  // `duration 10m` is friendlier than the ISO form the action carries (PT10M).
  if (f.name === 'duration' && v.kind === 'text' && v.bare) {
    const ms = parseDurationText(v.value);
    if (ms !== undefined) return { field: f.name, kind: 'equals', value: isoDuration(ms), span };
  }
  return { field: f.name, kind: 'equals', value: toJson(v), span };
}

function toJson(v: Value): unknown {
  switch (v.kind) {
    case 'text':
      if (v.bare && (v.value === 'true' || v.value === 'false')) return v.value === 'true';
      return v.value;
    case 'number':
      return v.value;
    case 'datetime':
      return v.value;
    case 'list':
      return v.items.map(toJson);
  }
}
