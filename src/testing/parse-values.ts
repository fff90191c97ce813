/**
 * The values of a test-file line (src/testing/parser.ts): a member, a value (text, number, name,
 * date, list), and `field value` pairs, in expectations also `field contains "text"`.
 */
import { D } from '../parser/diagnostic-codes.js';
import { closest } from '../stdlib/suggest.js';
import { joinSpans, pickSpan, type LineCursor } from './line-cursor.js';
import type { FieldSpec, MemberRef, Value } from './syntax.js';
import { ACTION_FIELDS, actionFields } from './vocabulary.js';

export function parseMember(s: LineCursor, what: string): MemberRef {
  const t = s.peek();
  if (t?.kind === 'word' || t?.kind === 'string' || t?.kind === 'number') {
    s.next();
    return { id: t.kind === 'string' ? String(t.value) : t.text, span: pickSpan(t) };
  }
  return s.fail(t, `expected ${what}, found ${s.describe(t)}`);
}

/** `field value` pairs to the end of the line; in expectations also `field contains "text"`. */
export function parsePairs(s: LineCursor, inExpect: boolean, usage: string, actionType?: string): FieldSpec[] {
  const out: FieldSpec[] = [];
  while (!s.done()) {
    const name = s.peek()!;
    if (name.kind !== 'word') {
      s.fail(name, `expected a field name, found ${s.describe(name)}`, usage);
    }
    s.next();
    if (actionType !== undefined) {
      const fields = actionFields(actionType);
      if (!fields.includes(name.text)) {
        const guess = closest(name.text, fields);
        s.fail(
          name,
          D.T0105.noActionField(actionType, name.text),
          guess
            ? `did you mean \`${guess}\`? (${actionType} has ${ACTION_FIELDS[actionType]!.join(', ')})`
            : `${actionType} has ${ACTION_FIELDS[actionType]!.join(', ') || 'no fields of its own'}; the member comes right after the type`,
        );
      }
    }
    let contains = false;
    if (inExpect && s.peek()?.kind === 'word' && s.peek()!.text === 'contains' && s.peek(1) !== undefined) {
      s.next();
      contains = true;
    }
    if (s.done()) s.fail(undefined, `the field \`${name.text}\` has no value`, usage);
    const value = parseValue(s);
    if (contains && value.kind !== 'text') s.fail(value.span, '`contains` takes text in quotes', 'text contains "欢迎"');
    out.push({ name: name.text, nameSpan: pickSpan(name), contains, value });
  }
  return out;
}

export function parseValue(s: LineCursor): Value {
  const t = s.peek();
  switch (t?.kind) {
    case 'string':
      s.next();
      return { kind: 'text', value: String(t.value), bare: false, span: pickSpan(t) };
    case 'word':
    case 'clock':
      s.next();
      return { kind: 'text', value: t.text, bare: true, span: pickSpan(t) };
    case 'number':
      s.next();
      return { kind: 'number', value: t.value as number, span: pickSpan(t) };
    case 'datetime':
      s.next();
      return { kind: 'datetime', value: t.text, span: pickSpan(t) };
    case 'lbracket': {
      s.next();
      const items: Value[] = [];
      while (s.peek()?.kind !== 'rbracket') {
        if (s.done()) s.fail(undefined, 'this list has no closing `]`', 'write lists like [bob, carol]');
        const item = parseValue(s);
        if (item.kind === 'list') s.fail(item.span, 'a list cannot contain a list');
        items.push(item);
        if (s.peek()?.kind === 'comma') s.next();
        else if (s.peek()?.kind !== 'rbracket')
          s.fail(s.peek(), `expected \`,\` or \`]\` in the list, found ${s.describe(s.peek())}`, 'write lists like [bob, carol]');
      }
      const close = s.next()!;
      return { kind: 'list', items, span: joinSpans(t, close) };
    }
    default:
      return s.fail(t, `expected a value, found ${s.describe(t)}`, 'values are text in quotes, numbers, names, dates or lists like [a, b]');
  }
}
