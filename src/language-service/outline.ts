import type * as A from '../parser/ast.js';
import type { PlaybookDocument } from './document.js';
import type { Range } from './positions.js';

/** Document symbols: the outline of a playbook, its declarations with what they hold. */

/** LSP's SymbolKind values used here. */
export const OutlineKind = { Module: 2, Class: 5, Method: 6, Property: 7, Field: 8, Enum: 10, Function: 12, Constant: 14, EnumMember: 22, Event: 24 } as const;
export type OutlineKindValue = (typeof OutlineKind)[keyof typeof OutlineKind];

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: OutlineKindValue;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

export function documentSymbols(doc: PlaybookDocument): DocumentSymbol[] {
  const ast = doc.parsed.ast;
  const out: { at: number; symbol: DocumentSymbol }[] = [];
  const make = (name: A.Ident, detail: string, kind: OutlineKindValue, span: A.Span | undefined, children?: DocumentSymbol[]): DocumentSymbol => {
    const whole = span && span.start <= name.span.start && name.span.end <= span.end ? span : name.span;
    const s: DocumentSymbol = {
      name: name.name,
      detail,
      kind,
      range: doc.lines.range(whole.start, whole.end),
      selectionRange: doc.lines.range(name.span.start, name.span.end),
    };
    if (children && children.length > 0) s.children = children;
    return s;
  };
  const push = (s: DocumentSymbol, at: number): void => void out.push({ at, symbol: s });
  if (ast.header)
    push(make({ name: ast.header.name.value, span: ast.header.name.span }, 'playbook', OutlineKind.Module, ast.header.span), ast.header.span.start);
  for (const e of ast.events) push(make(e.name, 'event', OutlineKind.Event, e.span), e.span.start);
  for (const t of ast.templates) push(make(t.name, 'template', OutlineKind.Constant, undefined), t.name.span.start);
  for (const s of ast.segments) push(make(s.name, 'segment', OutlineKind.Class, s.span), s.span.start);
  for (const r of ast.rules) push(rule(r), r.span.start);
  for (const l of ast.ladders) push(make(l.name, 'ladder', OutlineKind.Enum, l.span), l.span.start);
  for (const l of ast.levels) push(make(l.name, `level at ${l.at}`, OutlineKind.EnumMember, l.span), l.span.start);
  for (const b of ast.badges) push(make(b.name, 'badge', OutlineKind.Constant, b.span), b.span.start);
  for (const lb of ast.leaderboards) push(make(lb.name, 'leaderboard', OutlineKind.Function, lb.span), lb.span.start);
  for (const r of ast.rituals) {
    const steps = r.steps.map((s) => make(s.name, 'step', OutlineKind.Property, undefined));
    push(make(r.name, 'ritual', OutlineKind.Class, r.span, steps), r.span.start);
  }
  for (const l of ast.lifecycles) {
    const states = new Map<string, DocumentSymbol>();
    for (const id of [l.initial, ...l.transitions.flatMap((t) => [t.from, t.to])]) {
      if (id && !states.has(id.name)) states.set(id.name, make(id, 'state', OutlineKind.EnumMember, undefined));
    }
    push(make(l.name, 'lifecycle', OutlineKind.Enum, l.span, [...states.values()]), l.span.start);
  }
  for (const s of ast.schedules) push(make(s.name, 'schedule', OutlineKind.Function, s.span), s.span.start);
  for (const j of ast.jobs) push(make(j.name, 'job', OutlineKind.Function, j.span), j.span.start);
  for (const a of ast.agendas) push(make(a.name, a.oneOff ? 'one-off' : 'agenda', OutlineKind.Function, a.span), a.span.start);
  for (const c of ast.campaigns) {
    const stages = c.stages.map((st) =>
      make(st.name, 'stage', OutlineKind.Method, st.span, [
        ...st.rules.map(rule),
        ...st.schedules.map((s) => make(s.name, 'schedule', OutlineKind.Function, s.span)),
        ...st.jobs.map((j) => make(j.name, 'job', OutlineKind.Function, j.span)),
      ]),
    );
    const goals = c.goals.map((g) => make(g.name, 'goal', OutlineKind.Property, g.span));
    push(make(c.name, 'campaign', OutlineKind.Module, c.span, [...stages, ...goals]), c.span.start);
  }
  if (ast.points.length > 0) {
    const first = ast.points[0]!.span;
    const entries = ast.points.map((p) => make(p.on.event, `${p.amount >= 0 ? '+' : ''}${p.amount} points`, OutlineKind.Field, p.span));
    push(
      {
        name: 'points',
        detail: 'points',
        kind: OutlineKind.Enum,
        range: doc.lines.range(first.start, ast.points[ast.points.length - 1]!.span.end),
        selectionRange: doc.lines.range(first.start, first.start),
        children: entries,
      },
      first.start,
    );
  }
  return out.sort((a, b) => a.at - b.at).map((x) => x.symbol);

  function rule(r: A.RuleDecl): DocumentSymbol {
    return make(r.name, `rule on ${r.on.map((p) => p.event.name).join(', ')}`, OutlineKind.Function, r.span);
  }
}
