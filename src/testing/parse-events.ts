/**
 * Event lines of a test (src/testing/parser.ts): the compact form a member's verb starts
 * (`alice posts "hello"`, `bob sends redpacket 10 in 3`) and the generic
 * `event TYPE [member] field value …`.
 */
import { D } from '../parser/diagnostic-codes.js';
import { closest } from '../stdlib/suggest.js';
import { joinSpans, pickSpan, type LineCursor } from './line-cursor.js';
import { parseMember, parsePairs } from './parse-values.js';
import type { EventSpec, Span, Value } from './syntax.js';
import { VERB_USAGE, VERBS } from './vocabulary.js';

export function parseCompactEvent(s: LineCursor): EventSpec {
  const memberTok = s.peek()!;
  if (memberTok.kind !== 'word' && memberTok.kind !== 'string') {
    s.fail(
      memberTok,
      `expected a member, \`expect\` or \`event\` at the start of the line, found ${s.describe(memberTok)}`,
      'lines look like `+1m alice posts "hello"`, `expect member.warn alice` or `event order.paid bob amount 99`',
    );
  }
  const member = parseMember(s, 'a member');
  const verbTok = s.peek();
  if (verbTok?.kind !== 'word' || !(verbTok.text in VERBS)) {
    const guess = verbTok?.kind === 'word' ? closest(verbTok.text, Object.keys(VERBS)) : undefined;
    s.fail(
      verbTok,
      verbTok ? D.T0004.unknownVerb(s.describe(verbTok)) : D.T0004.noVerb(member.id),
      guess
        ? `did you mean \`${guess}\`? (${VERB_USAGE[guess]})`
        : `members can: ${Object.keys(VERBS).join(', ')}; for other events write \`event TYPE ${member.id} field value …\``,
    );
  }
  s.next();
  const verb = verbTok.text;
  const ev: EventSpec = { type: VERBS[verb]!, typeSpan: pickSpan(verbTok), verb, member, fields: [], span: joinSpans(memberTok, verbTok) };
  const field = (name: string, at: Span, value: Value) => ev.fields.push({ name, nameSpan: at, contains: false, value });
  const usage = VERB_USAGE[verb]!;
  const word = (w: string) => s.peek()?.kind === 'word' && s.peek()!.text === w;
  const expectWord = (w: string) => {
    if (!word(w)) s.fail(s.peek(), `expected \`${w}\`, found ${s.describe(s.peek())}`, usage);
    return s.next()!;
  };
  const idValue = (what: string): Value => {
    const t = s.peek();
    if (t?.kind === 'word' || t?.kind === 'string' || t?.kind === 'number') {
      s.next();
      return { kind: 'text', value: t.kind === 'string' ? String(t.value) : t.text, bare: t.kind !== 'string', span: pickSpan(t) };
    }
    return s.fail(t, `expected ${what}, found ${s.describe(t)}`, usage);
  };
  const numberValue = (what: string): Value => {
    const t = s.peek();
    if (t?.kind !== 'number') s.fail(t, `expected ${what} (a number), found ${s.describe(t)}`, usage);
    s.next();
    return { kind: 'number', value: t.value as number, span: pickSpan(t) };
  };
  const textValue = (what: string): Value => {
    const t = s.peek();
    if (t?.kind !== 'string') s.fail(t, `expected ${what} in quotes, found ${s.describe(t)}`, usage);
    s.next();
    return { kind: 'text', value: String(t.value), bare: false, span: pickSpan(t) };
  };
  switch (verb) {
    case 'joins':
      for (;;) {
        if (word('as')) {
          const kw = s.next()!;
          field('name', kw, textValue('the display name'));
        } else if (word('invited') && s.peek(1)?.text === 'by') {
          const kw = s.next()!;
          s.next();
          field('invitedBy', kw, idValue('who invited them'));
        } else if (word('with') && (s.peek(1)?.text === 'role' || s.peek(1)?.text === 'roles')) {
          const kw = s.next()!;
          s.next();
          const items: Value[] = [idValue('a role')];
          while (s.peek()?.kind === 'comma') {
            s.next();
            items.push(idValue('a role'));
          }
          field('roles', kw, { kind: 'list', items, span: joinSpans(items[0]!.span, items[items.length - 1]!.span) });
        } else break;
      }
      break;
    case 'leaves':
      break;
    case 'posts': {
      const text = textValue('the message text');
      field('text', text.span, text);
      if (word('id')) {
        const kw = s.next()!;
        field('messageId', kw, idValue('the message id'));
      }
      break;
    }
    case 'reacts': {
      const emoji = textValue('the emoji');
      field('emoji', emoji.span, emoji);
      const kw = expectWord('to');
      field('messageId', kw, idValue('the message id'));
      break;
    }
    case 'sends': {
      if (word('red') && s.peek(1)?.text === 'packet') s.next();
      else if (!word('redpacket')) expectWord('redpacket');
      s.next();
      const amount = numberValue('the amount');
      field('amount', amount.span, amount);
      expectWord('in');
      const shares = numberValue('the number of shares');
      field('shares', shares.span, shares);
      if (word('shares')) s.next();
      break;
    }
    case 'checks':
      expectWord('in');
      break;
    case 'acknowledges':
      if (word('the')) s.next();
      expectWord('rules');
      break;
    case 'pays': {
      const amount = numberValue('the amount');
      field('amount', amount.span, amount);
      if (word('order')) {
        const kw = s.next()!;
        field('orderId', kw, idValue('the order id'));
      }
      break;
    }
    case 'invites': {
      const invitee = idValue('who accepted the invitation');
      field('invitee', invitee.span, invitee);
      break;
    }
    case 'gets':
    case 'loses': {
      expectWord('role');
      const role = idValue('the role');
      field('role', role.span, role);
      break;
    }
  }
  for (const pair of parsePairs(s, false, usage)) ev.fields.push(pair);
  ev.span = joinSpans(memberTok, s.last());
  return ev;
}

/** `event TYPE [member] field value …`: with an odd number of terms the first is the member. */
export function parseGenericEvent(s: LineCursor): EventSpec {
  const kw = s.next()!;
  const typeTok = s.peek();
  if (typeTok?.kind !== 'word')
    s.fail(typeTok, `expected an event type after \`event\`, found ${s.describe(typeTok)}`, 'event order.paid bob amount 99 orderId o1');
  s.next();
  const ev: EventSpec = { type: typeTok.text, typeSpan: pickSpan(typeTok), fields: [], span: joinSpans(kw, typeTok) };
  const remaining = s.countTerms();
  if (remaining % 2 === 1) ev.member = parseMember(s, 'the member');
  ev.fields = parsePairs(s, false, 'event TYPE member field value …, e.g. event order.paid bob amount 99 orderId o1');
  ev.span = joinSpans(kw, s.last());
  return ev;
}
