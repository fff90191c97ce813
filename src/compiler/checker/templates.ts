import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import { didYouMean } from '../../stdlib/suggest.js';
import { placeholders } from '../../stdlib/templates.js';
import { MEMBER_ATTRS, type Checker, type Scope } from './scopes.js';
import { textFields } from './targets.js';

/**
 * `template NAME "text"` and the text of messages: resolves template names and checks every
 * `{placeholder}` against what the scope can fill. Templates are declared in index.ts.
 */
export function text(cx: Checker, t: A.MessageText, scope: Scope, memberInScope: boolean): string {
  let value: string;
  let span: A.Span;
  if (t.kind === 'template') {
    const tpl = cx.templates.get(t.name.name);
    if (!tpl) {
      cx.bag.report(
        D.E0211.unknownTemplate(t.name.name),
        t.name.span,
        didYouMean(t.name.name, cx.templates.keys()) ?? 'declare it with `template NAME "text"`',
      );
      return '';
    }
    value = tpl.text.value;
    span = t.name.span;
  } else {
    value = t.text.value;
    span = t.text.span;
  }
  const allowed = new Set<string>(scope.extras);
  if (memberInScope) for (const a of MEMBER_ATTRS) allowed.add(`member.${a}`);
  // With several triggering events, only fields every one of them has can be filled.
  const fieldSets = scope.events.map((ev) => Object.keys(cx.events[ev]?.fields ?? {}));
  const shared = fieldSets.length ? fieldSets.reduce((a, b) => a.filter((f) => b.includes(f))) : [];
  for (const f of shared) {
    allowed.add(f);
    allowed.add(`event.${f}`);
  }
  // A text field may hold a member id (`author`): that member's name (docs/language.md, "Targets").
  for (const f of textFields(cx, scope.events)) {
    allowed.add(`${f}.name`);
    allowed.add(`${f}.id`);
  }
  if (memberInScope) {
    allowed.add('inviter.name');
    allowed.add('inviter.id');
  }
  allowed.add('community');
  allowed.add('date');
  allowed.add('time');
  for (const p of placeholders(value)) {
    if (!allowed.has(p.name)) {
      const at = t.kind === 'inline' ? offsetSpan(span, value, p.offset, p.name.length + 2) : span;
      const groupScope = p.name.startsWith('member.') && !memberInScope ? scope.what : undefined;
      cx.bag.report(
        D.E0212.unknownPlaceholder(p.name, groupScope),
        at,
        didYouMean(p.name, allowed) ??
          `placeholders here: ${[...allowed]
            .sort()
            .map((x) => `{${x}}`)
            .join(' ')}`,
      );
    }
  }
  return value;
}

/** Span of a placeholder inside a string literal (the literal's span includes its quote). */
function offsetSpan(span: A.Span, value: string, offset: number, length: number): A.Span {
  // Escapes make literal offsets differ from value offsets; only adjust when none are present.
  const literalLength = span.end - span.start - 2;
  if (literalLength !== value.length) return span;
  return { start: span.start + 1 + offset, end: span.start + 1 + offset + length, line: span.line, column: span.column + 1 + offset };
}
