import type * as A from '../parser/ast.js';

/**
 * The names a playbook declares and every place each is used: what go to definition, references,
 * rename, hover and document symbols read (navigation.ts, hover.ts, outline.ts). Built from the
 * parser's tree alone, so it works on a file the checker rejects.
 */

export type SymbolKind =
  | 'role'
  | 'event'
  | 'template'
  | 'segment'
  | 'ladder'
  | 'schedule'
  | 'campaign'
  | 'stage'
  | 'level'
  | 'state'
  | 'rule'
  | 'ritual'
  | 'lifecycle'
  | 'badge'
  | 'leaderboard'
  | 'job'
  | 'agenda';

export interface PlaybookSymbol {
  kind: SymbolKind;
  name: string;
  /** The campaign of a stage, the lifecycle of a state: names are unique only within it. */
  scope?: string;
  /** Where it is declared; absent for what exists without a declaration (core events, `admin`). */
  declaration?: A.Ident;
  /** The declaring node (a rule, a ladder …), for hover. */
  node?: unknown;
  references: A.Ident[];
}

export interface Occurrence {
  symbol: PlaybookSymbol;
  ident: A.Ident;
  isDeclaration: boolean;
}

export class SymbolIndex {
  readonly symbols = new Map<string, PlaybookSymbol>();
  /** Every declaration and reference, sorted by start offset. */
  readonly occurrences: Occurrence[] = [];

  static key(kind: SymbolKind, name: string, scope?: string): string {
    return `${kind}\u0000${scope ?? ''}\u0000${name}`;
  }

  get(kind: SymbolKind, name: string, scope?: string): PlaybookSymbol | undefined {
    return this.symbols.get(SymbolIndex.key(kind, name, scope));
  }

  /** Names of one kind, declared or (for events and roles) built in. */
  names(kind: SymbolKind): string[] {
    const out: string[] = [];
    for (const s of this.symbols.values()) if (s.kind === kind && (s.declaration || kind === 'event' || kind === 'role')) out.push(s.name);
    return out;
  }

  /** The occurrence whose name covers `offset` (or ends right at it, as a cursor after a word does). */
  at(offset: number): Occurrence | undefined {
    let lo = 0;
    let hi = this.occurrences.length - 1;
    let found: Occurrence | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = this.occurrences[mid]!;
      if (o.ident.span.start <= offset) {
        if (offset <= o.ident.span.end) found = o;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  symbol(kind: SymbolKind, name: string, scope?: string): PlaybookSymbol {
    const key = SymbolIndex.key(kind, name, scope);
    let s = this.symbols.get(key);
    if (!s) {
      s = { kind, name, references: [] };
      if (scope !== undefined) s.scope = scope;
      this.symbols.set(key, s);
    }
    return s;
  }

  declare(kind: SymbolKind, id: A.Ident | undefined, node: unknown, scope?: string): void {
    if (!id || typeof id.name !== 'string') return;
    const s = this.symbol(kind, id.name, scope);
    if (s.declaration) {
      // A second declaration (E0102) still belongs to the name: rename must change it too.
      this.reference(kind, id, scope);
      return;
    }
    s.declaration = id;
    s.node = node;
    this.occurrences.push({ symbol: s, ident: id, isDeclaration: true });
  }

  reference(kind: SymbolKind, id: A.Ident | undefined, scope?: string): void {
    // A tree recovered from a syntax error may hold a name without its span.
    if (!id || typeof id.name !== 'string' || !(id as Partial<A.Ident>).span) return;
    const s = this.symbol(kind, id.name, scope);
    s.references.push(id);
    this.occurrences.push({ symbol: s, ident: id, isDeclaration: false });
  }
}

/** Builds the index of a tree, with `builtinEvents` (the core events) known without declaration. */
export function indexSymbols(ast: A.Playbook, builtinEvents: Iterable<string>, builtinRoles: Iterable<string>): SymbolIndex {
  const ix = new SymbolIndex();
  for (const e of builtinEvents) ix.symbol('event', e);
  for (const r of builtinRoles) ix.symbol('role', r);
  for (const r of ast.roles) ix.declare('role', r, r);
  for (const e of ast.events) ix.declare('event', e.name, e);
  for (const t of ast.templates) ix.declare('template', t.name, t);
  for (const s of ast.segments) ix.declare('segment', s.name, s);
  for (const l of ast.ladders) ix.declare('ladder', l.name, l);
  for (const l of ast.levels) ix.declare('level', l.name, l);
  for (const b of ast.badges) ix.declare('badge', b.name, b);
  for (const lb of ast.leaderboards) if (!lb.nameFromPeriod) ix.declare('leaderboard', lb.name, lb);
  for (const r of ast.rituals) ix.declare('ritual', r.name, r);
  for (const r of ast.rules) ix.declare('rule', r.name, r);
  for (const s of ast.schedules) ix.declare('schedule', s.name, s);
  for (const j of ast.jobs) if (j.name.span.start !== j.span.start) ix.declare('job', j.name, j);
  for (const a of ast.agendas) if (!a.oneOff) ix.declare('agenda', a.name, a);
  for (const c of ast.campaigns) {
    ix.declare('campaign', c.name, c);
    for (const st of c.stages) {
      ix.declare('stage', st.name, st, c.name.name);
      for (const r of st.rules) ix.declare('rule', r.name, r);
      for (const s of st.schedules) ix.declare('schedule', s.name, s);
      for (const j of st.jobs) if (j.name.span.start !== j.span.start) ix.declare('job', j.name, j);
      for (const a of st.agendas) if (!a.oneOff) ix.declare('agenda', a.name, a);
    }
  }
  for (const l of ast.lifecycles) {
    ix.declare('lifecycle', l.name, l);
    const scope = l.name.name;
    const state = (id: A.Ident | undefined) => {
      if (!id) return;
      if (ix.get('state', id.name, scope)?.declaration) ix.reference('state', id, scope);
      else ix.declare('state', id, l, scope);
    };
    state(l.initial);
    for (const t of l.transitions) {
      state(t.from);
      state(t.to);
    }
  }
  walkReferences(ast, ix);
  ix.occurrences.sort((a, b) => a.ident.span.start - b.ident.span.start);
  return ix;
}

/** Finds the names used in conditions, actions and patterns, whatever declaration they sit in. */
function walkReferences(ast: A.Playbook, ix: SymbolIndex): void {
  const seen = new Set<object>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const x of node) visit(x);
      return;
    }
    const o = node as Record<string, unknown>;
    if (typeof o['start'] === 'number' && typeof o['line'] === 'number') return; // a span
    const kind = o['kind'];
    const id = (k: string): A.Ident | undefined => {
      const v = o[k] as Partial<A.Ident> | null | undefined;
      return v && typeof v === 'object' && typeof v.name === 'string' && v.span ? (v as A.Ident) : undefined;
    };
    if (kind === 'hasRole') ix.reference('role', id('role'));
    else if (kind === 'count' || kind === 'sum') ix.reference('event', id('event'));
    else if (kind === 'template') ix.reference('template', id('name'));
    else if (kind === 'absences' || kind === 'attended') ix.reference('schedule', id('schedule'));
    else if (kind === 'warn') ix.reference('ladder', id('ladder'));
    else if (kind === 'after') ix.reference('event', id('without'));
    else if (kind === 'inStage') {
      const campaign = id('campaign');
      ix.reference('campaign', campaign);
      if (campaign) ix.reference('stage', id('stage'), campaign.name);
    } else if (kind === undefined && 'event' in o && !('days' in o) && !('fields' in o)) {
      ix.reference('event', id('event')); // an event pattern: `on E where …`
    } else if (kind === undefined && 'days' in o && 'event' in o) {
      ix.reference('event', id('event')); // a badge's streak
    }
    if ('segment' in o && kind !== undefined) ix.reference('segment', id('segment'));
    if ('attendance' in o && 'every' in o) ix.reference('event', id('attendance'));
    for (const k in o) {
      if (k === 'span' || k === 'name') continue;
      visit(o[k]);
    }
  };
  for (const key of [
    'rules',
    'rituals',
    'ladders',
    'points',
    'badges',
    'leaderboards',
    'lifecycles',
    'schedules',
    'jobs',
    'campaigns',
    'agendas',
    'segments',
  ] as const) {
    visit(ast[key]);
  }
}
