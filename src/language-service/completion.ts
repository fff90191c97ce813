import { CONDITION_MEMBER_ATTRS } from '../compiler/checker/clock.js';
import { PlaybookLexer } from '../parser/lexer.js';
import { nextTokens } from '../parser/parse.js';
import { VALUE_FUNCTIONS } from '../stdlib/arithmetic.js';
import type { PlaybookDocument } from './document.js';
import { describeFields, fieldsOf } from './events.js';
import { keywordDoc } from './keyword-docs.js';
import type { Position, Range } from './positions.js';
import type { SymbolKind } from './symbols.js';

/**
 * Completion: what the grammar accepts at the cursor (the parser's own content assist over the
 * item being written, so keywords are exactly those valid there), and for a name the names of the
 * kind that fits: events after `on`, ladders after `on ladder`, templates after `say`, the
 * handled events' fields and the member's attributes in a condition, durations where one goes.
 */

/** LSP's CompletionItemKind values used here. */
export const ItemKind = { Function: 3, Field: 5, Variable: 6, Class: 7, Unit: 11, Value: 12, Keyword: 14, EnumMember: 20, Event: 23 } as const;
export type ItemKindValue = (typeof ItemKind)[keyof typeof ItemKind];

export interface CompletionItem {
  label: string;
  kind: ItemKindValue;
  detail?: string;
  documentation?: { kind: 'markdown'; value: string };
  textEdit: { range: Range; newText: string };
  sortText?: string;
}

const PARTIAL = /[\p{L}\p{N}_.]*$/u;
const EVENT_ON = /\b(?:on|of|without|attendance)\s+([\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*)/gu;
const DURATION_UNITS: readonly [string, string][] = [
  ['s', 'seconds'],
  ['m', 'minutes'],
  ['h', 'hours'],
  ['d', 'days'],
  ['w', 'weeks'],
];
const COMMON_DURATIONS = ['10m', '1h', '24h', '7d', '30d'];
/** Clock and chance conditions start with these words, which the grammar reads as names. */
const CLOCK_WORDS = ['time', 'weekday', 'date', 'chance'];

export function complete(doc: PlaybookDocument, position: Position): CompletionItem[] {
  const offset = doc.lines.offset(position);
  const text = doc.text;
  const lineStart = doc.lines.starts[position.line] ?? 0;
  const partial = PARTIAL.exec(text.slice(lineStart, offset))?.[0] ?? '';
  const wordStart = offset - partial.length;
  const starts = doc.parsed.starts;
  let itemStart = 0;
  for (const s of starts) if (s <= wordStart) itemStart = s;
  const before = text.slice(itemStart, wordStart);
  const items = new Map<string, CompletionItem>();
  const add = (label: string, kind: ItemKindValue, detail?: string, replaceFrom = wordStart, doc?: string): void => {
    if (items.has(label)) return;
    const item: CompletionItem = { label, kind, textEdit: { range: rangeOf(replaceFrom), newText: label } };
    if (detail) item.detail = detail;
    if (doc) item.documentation = { kind: 'markdown', value: doc };
    items.set(label, item);
  };
  const rangeOf = (from: number): Range => ({ start: doc.lines.position(from), end: position });

  // `member.|`, `event.|`, `message.po|`: after a dot, complete the part after it.
  const dot = partial.lastIndexOf('.');
  if (dot >= 0) {
    const base = partial.slice(0, dot);
    const afterDot = wordStart + dot + 1;
    if (base === 'member') {
      for (const a of CONDITION_MEMBER_ATTRS) add(a, ItemKind.Field, 'member attribute', afterDot);
      return [...items.values()];
    }
    if (base === 'event' || base === 'this') {
      for (const f of handledFields(doc, before)) add(f.name, ItemKind.Field, f.detail, afterDot);
      return [...items.values()];
    }
    for (const e of doc.symbols.names('event')) if (e.startsWith(partial.slice(0, dot + 1))) add(e, ItemKind.Event, eventDetail(doc, e));
    return [...items.values()];
  }

  const suggestions = nextTokens(before);
  const tokens = PlaybookLexer.tokenize(before).tokens;
  const prev = tokens[tokens.length - 1]?.image;
  const prev2 = tokens[tokens.length - 2]?.image;
  let names: SymbolKind | 'operand' | undefined;
  for (const s of suggestions) {
    const rule = s.ruleStack[s.ruleStack.length - 1];
    if (s.tokenType.startsWith('Kw_')) {
      const word = s.tokenType.slice(3);
      add(word, ItemKind.Keyword, 'keyword', wordStart, keywordDoc(word));
    } else if (s.tokenType === 'DurationLiteral' && !s.ruleStack.includes('atomCondition')) {
      durations(partial, add);
    } else if (s.tokenType === 'Name' || s.tokenType === 'Identifier') {
      if (rule === 'dottedName' && s.ruleStack.includes('eventPattern')) names = 'event';
      else if (rule === 'messageText') names = 'template';
      else if (rule === 'clockCondition') for (const w of CLOCK_WORDS) add(w, ItemKind.Keyword, 'clock condition', wordStart, keywordDoc(w));
      else if (prev === 'ladder' && tokens.length > 2) names = 'ladder';
      else if (prev === 'role') names = 'role';
      else if (prev === 'segment' || (prev === 'in' && (prev2 === 'member' || prev2 === 'members'))) names = 'segment';
      else if (prev === 'stage' && prev2 === 'in') names = 'campaign';
      else if (prev === '(' && (prev2 === 'absences' || prev2 === 'attended')) names = 'schedule';
      else if ((prev === '(' && (prev2 === 'count' || prev2 === 'sum')) || prev === 'of' || prev === 'without' || prev === 'attendance') names = 'event';
      else if (rule === 'atom' && names === undefined) names = 'operand';
    }
  }
  if (names === 'operand') {
    for (const f of handledFields(doc, before)) add(f.name, ItemKind.Field, f.detail);
    add('member', ItemKind.Variable, 'the member the event is about');
    add('event', ItemKind.Variable, 'the handled event');
    for (const fn of VALUE_FUNCTIONS) add(fn, ItemKind.Function, 'function');
    if (/member\.level\s*(?:==|!=)\s*$/.test(before)) for (const l of doc.symbols.names('level')) add(l, ItemKind.EnumMember, 'level');
  } else if (names) {
    const kind = names === 'event' ? ItemKind.Event : ItemKind.Value;
    for (const n of doc.symbols.names(names)) add(n, kind, names === 'event' ? eventDetail(doc, n) : names);
  }
  if (/^\d+$/.test(partial) && items.size === 0) durations(partial, add);
  return [...items.values()];
}

function durations(partial: string, add: (label: string, kind: ItemKindValue, detail?: string) => void): void {
  if (/^\d+$/.test(partial)) for (const [unit, words] of DURATION_UNITS) add(`${partial}${unit}`, ItemKind.Unit, `${partial} ${words}`);
  else for (const d of COMMON_DURATIONS) add(d, ItemKind.Unit, 'duration');
}

function eventDetail(doc: PlaybookDocument, event: string): string {
  const fields = fieldsOf(doc.parsed.ast, event);
  return fields ? `event: ${describeFields(fields).replace(/`/g, '')}` : 'event';
}

/** Fields of the events the item being written handles (`on E`, `of E` …), by name. */
function handledFields(doc: PlaybookDocument, before: string): { name: string; detail: string }[] {
  const out = new Map<string, { name: string; detail: string }>();
  for (const m of before.matchAll(EVENT_ON)) {
    const event = m[1]!;
    for (const f of fieldsOf(doc.parsed.ast, event) ?? []) {
      if (!out.has(f.name)) out.set(f.name, { name: f.name, detail: `${f.type}${f.optional ? ' (optional)' : ''}, field of ${event}` });
    }
  }
  return [...out.values()];
}
