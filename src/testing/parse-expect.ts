/**
 * `expect` lines of a test (src/testing/parser.ts): `expect [nothing | no | exactly N] TYPE
 * [member] [field value …]`, the action type and its fields checked against the vocabulary.
 */
import { D } from '../parser/diagnostic-codes.js';
import { closest } from '../stdlib/suggest.js';
import { joinSpans, pickSpan, type LineCursor } from './line-cursor.js';
import { parseMember, parsePairs } from './parse-values.js';
import type { ExpectSpec } from './syntax.js';
import { ACTION_FIELDS, actionFields } from './vocabulary.js';

export function parseExpect(s: LineCursor): ExpectSpec {
  const kw = s.next()!;
  const usage = 'expect [no | exactly N] TYPE [member] [field value …], e.g. expect member.warn alice count 1';
  const spec: ExpectSpec = { mode: 'some', fields: [], span: pickSpan(kw) };
  let t = s.peek();
  if (t?.kind === 'word' && t.text === 'nothing') {
    s.next();
    spec.mode = 'nothing';
    s.end();
    spec.span = joinSpans(kw, t);
    return spec;
  }
  if (t?.kind === 'word' && t.text === 'no') {
    s.next();
    spec.mode = 'none';
  } else if ((t?.kind === 'word' && t.text === 'exactly') || t?.kind === 'number') {
    if (t.kind === 'word') s.next();
    const n = s.peek();
    if (n?.kind !== 'number' || !Number.isInteger(n.value) || (n.value as number) < 0)
      s.fail(n, `expected how many (a whole number), found ${s.describe(n)}`, usage);
    s.next();
    spec.mode = 'exactly';
    spec.count = n.value as number;
  }
  t = s.peek();
  if (t?.kind !== 'word') s.fail(t, `expected an action type after \`expect\`, found ${s.describe(t)}`, usage);
  s.next();
  if (!(t.text in ACTION_FIELDS)) {
    const guess = closest(t.text, Object.keys(ACTION_FIELDS));
    s.fail(t, D.T0104.unknownActionType(t.text), guess ? `did you mean \`${guess}\`?` : `actions are: ${Object.keys(ACTION_FIELDS).join(', ')}`);
  }
  spec.type = t.text;
  spec.typeSpan = pickSpan(t);
  const fields = actionFields(t.text);
  const first = s.peek();
  // The member comes right after the type: a quoted name or a word that is not a field name.
  if (first && (first.kind === 'string' || first.kind === 'number' || (first.kind === 'word' && !fields.includes(first.text)))) {
    const afterFirst = s.peek(1);
    // `expect member.warn cuont 1`: a word followed by a value reads as a misspelt field.
    const guess = first.kind === 'word' && afterFirst && afterFirst.kind !== 'word' ? closest(first.text, fields) : undefined;
    if (guess) s.fail(first, D.T0105.noActionField(t.text, first.text), `did you mean \`${guess}\`? (${t.text} has ${ACTION_FIELDS[t.text]!.join(', ')})`);
    spec.member = parseMember(s, 'the member');
  }
  for (const f of parsePairs(s, true, usage, t.text)) {
    if (f.name === 'member') {
      if (f.value.kind !== 'text') s.fail(f.value.span, 'a member is a name or an id', usage);
      if (spec.member) s.fail(f.nameSpan, 'the member is given twice', usage);
      spec.member = { id: f.value.value, span: f.value.span };
    } else spec.fields.push(f);
  }
  spec.span = joinSpans(kw, s.last());
  return spec;
}
