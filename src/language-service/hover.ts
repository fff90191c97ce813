import type * as A from '../parser/ast.js';
import { parseDurationText } from '../stdlib/durations.js';
import type { PlaybookDocument } from './document.js';
import { describeFields, fieldsOf } from './events.js';
import { keywordDoc } from './keyword-docs.js';
import type { Position, Range } from './positions.js';
import type { PlaybookSymbol } from './symbols.js';

/**
 * Hover: for a declared name, what it is and what it stands for (an event's fields, a template's
 * text, a segment's condition, a ladder's steps); for a field, its type and event; for a keyword,
 * the opening of its section of docs/language.md; for a duration, its length in words.
 */

export interface Hover {
  contents: { kind: 'markdown'; value: string };
  range: Range;
}

const WORD = /[\p{L}\p{N}_]+(?:\.[\p{L}\p{N}_]+)*/gu;
const EVENT_ON = /\b(?:on|of)\s+([\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*)/gu;
const MEMBER_ATTRIBUTES = new Map<string, string>([
  ['id', 'the member id (text)'],
  ['name', 'the display name (text)'],
  ['points', 'the points balance (number)'],
  ['level', 'the current level name (text)'],
  ['joinedDays', 'whole days since joining (number)'],
  ['age', 'time since joining (a duration)'],
]);

export function hover(doc: PlaybookDocument, position: Position): Hover | undefined {
  const offset = doc.lines.offset(position);
  const occurrence = doc.symbols.at(offset);
  if (occurrence) {
    const { ident, symbol } = occurrence;
    return markdown(doc, ident.span.start, ident.span.end, describeSymbol(doc, symbol));
  }
  const word = wordAt(doc, offset, position.line);
  if (!word) return undefined;
  const { text, start, end } = word;
  const duration = /^\d/.test(text) ? describeDuration(text) : undefined;
  if (duration) return markdown(doc, start, end, duration);
  const parts = text.split('.');
  const dotIndex = text.lastIndexOf('.', offset - start);
  if (parts[0] === 'member' && parts.length === 2 && offset - start > 'member'.length) {
    const about = MEMBER_ATTRIBUTES.get(parts[1]!);
    if (about) return markdown(doc, start + 7, end, `**\`member.${parts[1]}\`**: ${about}`);
  }
  const field = parts[0] === 'event' || parts[0] === 'this' ? parts.slice(1).join('.') : parts.length === 1 ? text : undefined;
  if (field && (dotIndex < 0 || parts[0] === 'event' || parts[0] === 'this')) {
    const found = fieldInItem(doc, start, field);
    if (found) return markdown(doc, start, end, found);
  }
  const kw = parts.length === 1 ? keywordDoc(text) : undefined;
  if (kw) return markdown(doc, start, end, kw);
  return undefined;
}

function markdown(doc: PlaybookDocument, start: number, end: number, value: string): Hover {
  return { contents: { kind: 'markdown', value }, range: doc.lines.range(start, end) };
}

function wordAt(doc: PlaybookDocument, offset: number, line: number): { text: string; start: number; end: number } | undefined {
  const lineStart = doc.lines.starts[line] ?? 0;
  const lineText = doc.text.slice(lineStart, doc.lines.lineEnd(line));
  for (const m of lineText.matchAll(WORD)) {
    const start = lineStart + m.index;
    if (start <= offset && offset < start + m[0].length) return { text: m[0], start, end: start + m[0].length };
  }
  return undefined;
}

function describeDuration(text: string): string | undefined {
  const ms = parseDurationText(text);
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  return `**duration** \`${text}\`: ${spell(ms)} (${ms.toLocaleString('en')} ms)`;
}

function spell(ms: number): string {
  const units: [number, string][] = [
    [7 * 86_400_000, 'week'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  const out: string[] = [];
  let rest = ms;
  for (const [size, name] of units) {
    // `30d` reads as 30 days, not 4 weeks 2 days; `2w` as 2 weeks.
    if (name === 'week' && ms % size !== 0) continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out.push(`${n} ${name}${n === 1 ? '' : 's'}`);
      rest -= n * size;
    }
  }
  if (rest > 0 || out.length === 0) out.push(`${rest} ms`);
  return out.join(' ');
}

/** A field of an event the enclosing item handles, found from the item's text before the word. */
function fieldInItem(doc: PlaybookDocument, at: number, field: string): string | undefined {
  let itemStart = 0;
  for (const s of doc.parsed.starts) if (s <= at) itemStart = s;
  const before = doc.text.slice(itemStart, at);
  const seen = new Set<string>();
  for (const m of before.matchAll(EVENT_ON)) {
    const event = m[1]!;
    if (seen.has(event)) continue;
    seen.add(event);
    const f = fieldsOf(doc.parsed.ast, event)?.find((x) => x.name === field);
    if (f) return `**field** \`${f.name}\`: ${f.type}${f.optional ? ', optional (a condition on it is false when it is missing)' : ''}, of event \`${event}\``;
  }
  return undefined;
}

function source(doc: PlaybookDocument, span: A.Span | undefined): string {
  if (!span) return '';
  const text = doc.text.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}

function describeSymbol(doc: PlaybookDocument, s: PlaybookSymbol): string {
  const head = `**${s.kind}** \`${s.name}\``;
  const where = s.declaration ? `declared at line ${s.declaration.span.line}` : 'built in';
  const uses = `${s.references.length} use${s.references.length === 1 ? '' : 's'}`;
  const lines = [`${head}: ${where}, ${uses}`];
  const node = s.node as Record<string, unknown> | undefined;
  switch (s.kind) {
    case 'event': {
      const fields = fieldsOf(doc.parsed.ast, s.name);
      lines.push(`Fields: ${fields ? describeFields(fields) : 'unknown event'}`);
      break;
    }
    case 'template':
      lines.push(`Text: ${JSON.stringify((node as unknown as A.TemplateDecl | undefined)?.text.value ?? '')}`);
      break;
    case 'segment':
      lines.push(`Members where \`${source(doc, (node as unknown as A.SegmentDecl | undefined)?.where.span)}\``);
      break;
    case 'ladder': {
      const l = node as unknown as A.LadderDecl | undefined;
      if (l) lines.push(`${l.steps.length} step${l.steps.length === 1 ? '' : 's'}${l.expire ? `; a warning expires after ${l.expire.text}` : ''}`);
      break;
    }
    case 'level': {
      const l = node as unknown as A.LevelDecl | undefined;
      if (l) lines.push(`Reached at ${l.at} points`);
      break;
    }
    case 'rule': {
      const r = node as unknown as A.RuleDecl | undefined;
      if (r) lines.push(`On ${r.on.map((p) => `\`${p.event.name}\``).join(', ') || 'no event'}`);
      break;
    }
    case 'state':
      lines.push(`A state of lifecycle \`${s.scope ?? ''}\``);
      break;
    case 'stage': {
      const st = node as unknown as A.StageDecl | undefined;
      if (st) lines.push(`Stage of campaign \`${s.scope ?? ''}\`: \`${source(doc, st.from.span)}\`${st.to ? ` to \`${source(doc, st.to.span)}\`` : ''}`);
      break;
    }
    case 'role':
      if (!s.declaration) lines.push('`admin` and `owner` exist without being declared');
      break;
    default:
      break;
  }
  const kw = keywordDoc(s.kind === 'state' ? 'lifecycle' : s.kind);
  if (kw) lines.push('---', kw);
  return lines.join('\n\n');
}
