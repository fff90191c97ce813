import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copyDicts, dict, dictFrom, hasKey, isDict, own, ownReader, table } from '../src/stdlib/dict.js';
import { parseDurationText } from '../src/stdlib/durations.js';
import { ACTION_FIELDS, VERB_USAGE, VERBS } from '../src/testing/vocabulary.js';

/**
 * Keeps src/ on the dicts of src/stdlib/dict.ts (docs/runtime.md, "Hostile names"): a table
 * keyed by names from input must not inherit from Object.prototype, or a member called
 * `__proto__` pollutes the process and an event type `constructor` finds a function. The rules
 * look for the ways such tables were created before; each exception below says why its keys
 * are fixed by the code.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

const RULES: Record<'record-literal' | 'as-record' | 'lazy-empty' | 'property-empty' | 'from-entries', { re: RegExp; fix: string }> = {
  // `const members: Record<string, Member> = {}`, `x: Dict<T> = { … }`, a parameter default.
  'record-literal': { re: /(?:Record<\s*string\s*,[^\n]*?>|\bDict<[^\n]*?>)\s*=\s*\{/g, fix: 'use dict() (or table({…}) for a constant)' },
  // `{} as Record<string, T>`
  'as-record': { re: /\{\s*\}\s+as\s+(?:Record<\s*string|Dict<)/g, fix: 'use dict<T>()' },
  // `(m.warnings ??= {})[ladder]`: a table created on first write.
  'lazy-empty': { re: /(?:\?\?|\|\|)=\s*\{\s*\}/g, fix: 'use ??= dict()' },
  // `{ members: {}, counters: {} }`: an empty table in a state shape.
  'property-empty': { re: /(?<=[{,]\s*)[\w$]+\s*:\s*\{\s*\}/g, fix: 'use dict() as the value' },
  // Builds a plain object from data: a `__proto__` entry sets its prototype.
  'from-entries': { re: /\bObject\.fromEntries\(/g, fix: 'build a dict() and assign the entries' },
};
type Rule = keyof typeof RULES;

/** Places where a rule matches but the keys are the code's own, never input. */
const ALLOWED: { file: string; rule: Rule; text: string; reason: string }[] = [
  { file: 'src/bots/irc-state.ts', rule: 'record-literal', text: 'payload: Record<string, unknown> = {}', reason: 'payload fields named by the adapter code' },
  { file: 'src/bots/irc-state.ts', rule: 'property-empty', text: 'tags: {}', reason: 'an empty placeholder IRC line; its tags are never read by name' },
  {
    file: 'src/bots/capabilities.ts',
    rule: 'record-literal',
    text: 'const NEEDS: Record<string,',
    reason: 'keyed by IR action kinds (`do`), an enum the IR schema checks',
  },
  {
    file: 'src/cli/bot.ts',
    rule: 'record-literal',
    text: 'const line: Record<string, unknown> = { seq: r.seq',
    reason: 'an output line with fixed field names',
  },
  {
    file: 'src/cli/bot.ts',
    rule: 'record-literal',
    text: 'const line: Record<string, unknown> = {',
    reason: 'an output line with fixed field names',
  },
  {
    file: 'src/compiler/core-events.ts',
    rule: 'record-literal',
    text: 'CORE_EVENTS: Record<string, EventType> = {',
    reason: 'read only through own() and copied into dicts by the checker (coreEventTable)',
  },
  {
    file: 'src/compiler/core-events.ts',
    rule: 'property-empty',
    text: "'member.left': { core: true, memberLevel: true, fields: {} }",
    reason: 'copied into a dict by the checker',
  },
  {
    file: 'src/compiler/core-events.ts',
    rule: 'property-empty',
    text: "'rules.acknowledged': { core: true, memberLevel: true, fields: {} }",
    reason: 'copied into a dict by the checker',
  },
  {
    file: 'src/graph/text.ts',
    rule: 'record-literal',
    text: 'const COMPARE: Record<string, string> = {',
    reason: 'keyed by the IR comparison operator, an enum the IR schema checks',
  },
  {
    file: 'src/compiler/backends/xstate.ts',
    rule: 'record-literal',
    text: 'const t: Record<string, unknown> = { target: STEP_DONE }',
    reason: 'a transition: keys target, guard, actions',
  },
  {
    file: 'src/compiler/backends/xstate.ts',
    rule: 'record-literal',
    text: 'const t: Record<string, unknown> = { target: RITUAL_CANCELLED',
    reason: 'a transition: keys target, guard, actions',
  },
  {
    file: 'src/compiler/backends/xstate.ts',
    rule: 'record-literal',
    text: 'const tr: Record<string, unknown> = { target: t.to',
    reason: 'a transition: keys target, guard, actions',
  },
  { file: 'src/report/collector.ts', rule: 'property-empty', text: 'period: {}', reason: 'fixed keys firstEvent, lastEvent, until' },
  { file: 'src/runtime/machines/reference.ts', rule: 'property-empty', text: 'context: {}', reason: "XState's (unused) machine context" },
  {
    file: 'src/server/http.ts',
    rule: 'record-literal',
    text: 'readonly extra: Record<string, unknown> = {}',
    reason: 'extra fields of an error reply, named by the server code',
  },
  {
    file: 'src/server/http.ts',
    rule: 'record-literal',
    text: 'readonly headers: Record<string, string> = {}',
    reason: 'HTTP header names chosen by the server code',
  },
  { file: 'src/server/http.ts', rule: 'record-literal', text: 'export function sendJson(', reason: 'HTTP header names chosen by the server code' },
  { file: 'src/server/http.ts', rule: 'record-literal', text: 'export function sendLines(', reason: 'HTTP header names chosen by the server code' },
  {
    file: 'src/stdlib/regex-re2.ts',
    rule: 'record-literal',
    text: 'const CATEGORIES: Record<string, string> = {',
    reason: "read with \\p{…} names that JavaScript's own regex syntax accepted first (others are E0501); no Unicode property name is an Object.prototype name",
  },
  {
    file: 'src/stdlib/regex-re2.ts',
    rule: 'record-literal',
    text: 'const SCRIPT_CODES: Record<string, string> = {',
    reason: "read with \\p{Script=…} values JavaScript's own regex syntax accepted first (others are E0501)",
  },
  {
    file: 'src/stdlib/regex-syntax.ts',
    rule: 'record-literal',
    text: 'const simple: Record<string, number> = {',
    reason: 'keyed by one escape character, and no Object.prototype name is one character',
  },
];

interface Finding {
  file: string;
  line: number;
  rule: Rule;
  text: string;
}

/** Comments blanked out (same length, newlines kept), so positions stay those of the file. */
function withoutComments(text: string): string {
  const blank = (m: string) => m.replace(/[^\n]/g, ' ');
  return text.replace(/\/\*[\s\S]*?\*\//g, blank).replace(/(^|\s)\/\/.*$/gm, (m, before: string) => before + blank(m.slice(before.length)));
}

function scan(file: string, source: string): Finding[] {
  const code = withoutComments(source);
  const lines = source.split('\n');
  const out: Finding[] = [];
  for (const rule of Object.keys(RULES) as Rule[]) {
    for (const m of code.matchAll(RULES[rule].re)) {
      const line = code.slice(0, m.index).split('\n').length;
      out.push({ file, line, rule, text: lines[line - 1]!.trim() });
    }
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const allowedFor = (f: Finding) => ALLOWED.find((a) => a.file === f.file && a.rule === f.rule && f.text.includes(a.text));

describe('no plain objects as tables keyed by input (src/stdlib/dict.ts)', () => {
  const findings = sources(join(root, 'src')).flatMap((p) => scan(relative(root, p).split('\\').join('/'), readFileSync(p, 'utf8')));

  it('src/ creates every table keyed by names with dict(), dictFrom() or table()', () => {
    const bad = findings.filter((f) => !allowedFor(f)).map((f) => `${f.file}:${f.line} [${f.rule}] ${f.text}\n    -> ${RULES[f.rule].fix}`);
    expect(bad, `plain objects used as tables (see src/stdlib/dict.ts):\n${bad.join('\n')}`).toEqual([]);
  });

  it('every exception still matches something (stale ones are removed)', () => {
    const stale = ALLOWED.filter((a) => !findings.some((f) => allowedFor(f) === a)).map((a) => `${a.file} [${a.rule}] ${a.text}`);
    expect(stale).toEqual([]);
  });

  it('the rules catch the patterns they are for, and not the dict helpers', () => {
    const bad = [
      'const members: Record<string, MemberState> = {};',
      'const t: Record<string, { day: number; length: number }> = { a: { day: 1, length: 2 } };',
      'function f(h: Record<string, string> = {}) {}',
      'const x = {} as Record<string, number>;',
      'const w = (m.warnings ??= {});',
      'm.caps ||= {};',
      'const c = { id, members: {}, counters: {} };',
      'const c = {\n  id,\n  sessions: {},\n};',
      'const o = Object.fromEntries(pairs);',
    ];
    for (const snippet of bad) expect(scan('x.ts', snippet), snippet).not.toEqual([]);
    const good = [
      'const members = dict<MemberState>();',
      'const WEEKDAYS = table<number>({ mon: 1 });',
      'const w = (m.warnings ??= dict());',
      'const c = { id, members: dict(), counters: dict() };',
      'const v = cond ? a : {};',
      '// members: {} was the old way',
      '/* const x: Record<string, number> = {}; */',
      "const url = 'https://example.org'; const members = dict();",
    ];
    for (const snippet of good) expect(scan('x.ts', snippet), snippet).toEqual([]);
  });
});

describe('dict helpers', () => {
  const names = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype'])];

  it('a dict has no inherited names, and every name is an ordinary key', () => {
    const d = dict<number>();
    for (const n of names) expect(d[n], n).toBeUndefined();
    names.forEach((n, i) => (d[n] = i));
    expect(Object.keys(d)).toEqual(names);
    expect(JSON.parse(JSON.stringify(d))).toEqual(Object.fromEntries(names.map((n, i) => [n, i])));
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['__proto__']).toBe(Object.prototype);
  });

  it('copies, reads and tests own keys only', () => {
    const parsed = JSON.parse('{"__proto__":{"roles":["admin"]},"a":[{"constructor":1}]}') as Record<string, unknown>;
    const copy = copyDicts(parsed);
    expect(isDict(copy) && isDict((copy['a'] as unknown[])[0])).toBe(true);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(own(copy, '__proto__')).toEqual({ roles: ['admin'] });
    expect(own({}, 'constructor')).toBeUndefined();
    expect(hasKey({}, 'toString')).toBe(false);
    expect(hasKey(dictFrom(parsed), '__proto__')).toBe(true);
    expect(ownReader('toString')({})).toBeUndefined();
    expect(ownReader('text')({ text: 'hi' })).toBe('hi');
    expect(ownReader('__proto__')(parsed)).toEqual({ roles: ['admin'] });
    expect(({} as { roles?: unknown }).roles).toBeUndefined();
  });

  it('constant tables read with words from input answer nothing for Object.prototype names', () => {
    const t = table({ a: 1 });
    expect(Object.isFrozen(t)).toBe(true);
    for (const n of names) {
      expect(t[n], n).toBeUndefined();
      expect(VERBS[n], n).toBeUndefined();
      expect(VERB_USAGE[n], n).toBeUndefined();
      expect(ACTION_FIELDS[n], n).toBeUndefined();
      expect(n in VERBS, n).toBe(false);
      expect(parseDurationText(`1${n}`), n).toBeUndefined();
    }
  });
});
