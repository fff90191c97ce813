import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import { didYouMean } from '../../stdlib/suggest.js';
import { own } from '../../stdlib/dict.js';
import type { Target } from '../../ir/schema.js';
import type { Checker, Scope } from './scopes.js';

/**
 * Targets (docs/language.md, "Targets"): `warn author …`, `award 5 points to inviter`. A word is
 * a text field that every event the block handles has (the member id it holds), or `inviter`,
 * the member who invited the event's member; a field of that name wins over `inviter`.
 */
export function target(cx: Checker, word: A.Ident, scope: Scope): Target | undefined {
  const name = word.name;
  const events = scope.events;
  if (events.length > 0 && events.every((e) => own(cx.events[e]?.fields ?? {}, name))) {
    for (const e of events) {
      const type = own(cx.events[e]!.fields, name)!.type;
      if (type !== 'string') {
        cx.bag.report(D.E0422.notText(name, e, type), word.span, 'name a field that holds a member id, such as `author` or `invitee`');
        return undefined;
      }
    }
    return { field: name };
  }
  if (name === 'inviter') {
    if (scope.member) return { inviter: true };
    cx.bag.report(D.E0421.noInviter(scope.what), word.span, 'name the member some other way, or move the action where an event has one');
    return undefined;
  }
  if (events.length === 0) {
    cx.bag.report(D.E0421.noEvent(name, scope.what), word.span, 'a target reads the event that triggered the action: use it in a rule');
    return undefined;
  }
  const shared = textFields(cx, events);
  cx.bag.report(
    D.E0420.unknownTarget(name, events.map((e) => `\`${e}\``).join(' and ')),
    word.span,
    didYouMean(name, [...shared, 'inviter', 'member']) ?? `members here: \`member\`, \`inviter\`${shared.map((f) => `, \`${f}\``).join('')}`,
  );
  return undefined;
}

/** The text fields every one of the events has: the words a target may be, and `{F.name}` placeholders. */
export function textFields(cx: Checker, events: readonly string[]): string[] {
  if (events.length === 0) return [];
  const first = cx.events[events[0]!]?.fields ?? {};
  return Object.keys(first).filter((f) => events.every((e) => own(cx.events[e]?.fields ?? {}, f)?.type === 'string'));
}
