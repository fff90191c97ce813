import type { OutputAction } from '../runtime/runtime.js';
import type { Expectation, FieldPattern } from './plan.js';

/**
 * Whether an action fits an expectation, and if not, which fields differ. Values compare
 * loosely where an operator cannot see the difference: `count 1` and `count "1"` both match the
 * number 1, because both print as 1.
 */

export interface Mismatch {
  field: string;
  /** How the expected value reads in the test file. */
  expected: string;
  /** The action's value, or undefined when the action has no such field. */
  actual: unknown;
}

export interface MatchResult {
  sameType: boolean;
  /** Field differences (the member counts as a field); empty and `sameType` means a match. */
  mismatches: Mismatch[];
}

export function compareAction(e: Expectation, action: OutputAction): MatchResult {
  const mismatches: Mismatch[] = [];
  if (e.member !== undefined && action.member !== e.member) {
    mismatches.push({ field: 'member', expected: e.member, actual: action.member });
  }
  for (const p of e.fields) {
    if (!fieldMatches(p, action[p.field])) mismatches.push({ field: p.field, expected: describePattern(p), actual: action[p.field] });
  }
  return { sameType: e.type === undefined || action.type === e.type, mismatches };
}

export function actionMatches(e: Expectation, action: OutputAction): boolean {
  const r = compareAction(e, action);
  return r.sameType && r.mismatches.length === 0;
}

export function fieldMatches(p: FieldPattern, actual: unknown): boolean {
  switch (p.kind) {
    case 'contains':
      return (typeof actual === 'string' || typeof actual === 'number') && String(actual).includes(p.text);
    case 'instant':
      return typeof actual === 'string' && Date.parse(actual) === p.ms;
    case 'equals':
      return looselyEqual(p.value, actual);
  }
}

function looselyEqual(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((x, i) => looselyEqual(x, actual[i]));
  }
  if (actual === undefined || actual === null || typeof actual === 'object') return false;
  if (typeof expected === typeof actual) return expected === actual;
  // A number written in quotes, or text that looks like a number: equal when they print the same.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- actual is a field of an action: by now a string, number or boolean
  return String(expected) === String(actual);
}

export function describePattern(p: FieldPattern): string {
  switch (p.kind) {
    case 'contains':
      return `contains ${JSON.stringify(p.text)}`;
    case 'instant':
      return p.text;
    case 'equals':
      return formatValue(p.value);
  }
}

const BARE = /^[\p{L}_][\p{L}\p{M}\p{N}_.-]*$/u;

/** A value as it would be written in a test file: names bare, other text in quotes. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return BARE.test(v) && v !== 'true' && v !== 'false' && v !== 'contains' ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (v === undefined) return '(none)';
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- what is left is null or a primitive other than a string
  return String(v);
}
