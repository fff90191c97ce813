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

  declare(kind: SymbolKind, id: A.Ident, node: unknown, scope?: string): void {
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

  reference(kind: SymbolKind, id: A.Ident, scope?: string): void {
    const s = this.symbol(kind, id.name, scope);
    s.references.push(id);
    this.occurrences.push({ symbol: s, ident: id, isDeclaration: false });
  }
}

/** One declaration or use found in a tree, applied to an index by `indexSymbols`. */
interface Entry {
  declares: boolean;
  kind: SymbolKind;
  ident: A.Ident;
  node?: unknown;
  scope?: string;
}

/**
 * The entries of each item's tree, kept while the item is: an edit re-parses one item
 * (incremental.ts), so indexing the document again only re-reads that item. Spans move with their
 * items, so the kept entries point at the right places.
 */
const entriesOfTree = new WeakMap<A.Playbook, Entry[]>();

/** Builds the index of a document from its items' trees, with the core events and built-in roles known without declaration. */
export function indexSymbols(trees: readonly A.Playbook[], builtinEvents: Iterable<string>, builtinRoles: Iterable<string>): SymbolIndex {
  const ix = new SymbolIndex();
  for (const e of builtinEvents) ix.symbol('event', e);
  for (const r of builtinRoles) ix.symbol('role', r);
  for (const tree of trees) {
    let entries = entriesOfTree.get(tree);
    if (!entries) {
      entries = collect(tree);
      entriesOfTree.set(tree, entries);
    }
    for (const e of entries) {
      if (e.declares) ix.declare(e.kind, e.ident, e.node, e.scope);
      else ix.reference(e.kind, e.ident, e.scope);
    }
  }
  // Items come in source order and each one's entries are sorted: the occurrences are too.
  return ix;
}

/** The declarations and uses of one item's tree, by position. */
function collect(ast: A.Playbook): Entry[] {
  const out: Entry[] = [];
  const declare = (kind: SymbolKind, ident: A.Ident | undefined, node: unknown, scope?: string): void => {
    if (!ident || typeof ident.name !== 'string') return;
    out.push(scope === undefined ? { declares: true, kind, ident, node } : { declares: true, kind, ident, node, scope });
  };
  const reference = (kind: SymbolKind, ident: A.Ident | undefined, scope?: string): void => {
    // A tree recovered from a syntax error may hold a name without its span.
    if (!ident || typeof ident.name !== 'string' || !(ident as Partial<A.Ident>).span) return;
    out.push(scope === undefined ? { declares: false, kind, ident } : { declares: false, kind, ident, scope });
  };
  for (const r of ast.roles) declare('role', r, r);
  for (const e of ast.events) declare('event', e.name, e);
  for (const t of ast.templates) declare('template', t.name, t);
  for (const s of ast.segments) declare('segment', s.name, s);
  for (const l of ast.ladders) declare('ladder', l.name, l);
  for (const l of ast.levels) declare('level', l.name, l);
  for (const b of ast.badges) declare('badge', b.name, b);
  for (const lb of ast.leaderboards) if (!lb.nameFromPeriod) declare('leaderboard', lb.name, lb);
  for (const r of ast.rituals) declare('ritual', r.name, r);
  for (const r of ast.rules) declare('rule', r.name, r);
  for (const s of ast.schedules) declare('schedule', s.name, s);
  for (const j of ast.jobs) if (j.name.span.start !== j.span.start) declare('job', j.name, j);
  for (const a of ast.agendas) if (!a.oneOff) declare('agenda', a.name, a);
  for (const c of ast.campaigns) {
    declare('campaign', c.name, c);
    for (const st of c.stages) {
      declare('stage', st.name, st, c.name.name);
      for (const r of st.rules) declare('rule', r.name, r);
      for (const s of st.schedules) declare('schedule', s.name, s);
      for (const j of st.jobs) if (j.name.span.start !== j.span.start) declare('job', j.name, j);
      for (const a of st.agendas) if (!a.oneOff) declare('agenda', a.name, a);
    }
  }
  for (const l of ast.lifecycles) {
    declare('lifecycle', l.name, l);
    const scope = l.name.name;
    // A state is declared where it is first named (`initial` or a transition), used elsewhere.
    const seen = new Set<string>();
    const state = (id: A.Ident | undefined): void => {
      if (!id) return;
      if (seen.has(id.name)) reference('state', id, scope);
      else {
        seen.add(id.name);
        declare('state', id, l, scope);
      }
    };
    state(l.initial);
    for (const t of l.transitions) {
      state(t.from);
      state(t.to);
    }
  }
  walkReferences(ast, reference);
  // Stable: a name declared twice keeps its first declaration first.
  return out.sort((a, b) => a.ident.span.start - b.ident.span.start);
}

type Reference = (kind: SymbolKind, ident: A.Ident | undefined, scope?: string) => void;

/** Finds the names used in conditions, actions and patterns, whatever declaration they sit in. */
function walkReferences(ast: A.Playbook, reference: Reference): void {
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
    if (kind === 'hasRole') reference('role', id('role'));
    else if (kind === 'count' || kind === 'sum') reference('event', id('event'));
    else if (kind === 'template') reference('template', id('name'));
    else if (kind === 'absences' || kind === 'attended') reference('schedule', id('schedule'));
    else if (kind === 'warn') reference('ladder', id('ladder'));
    else if (kind === 'after') reference('event', id('without'));
    else if (kind === 'inStage') {
      const campaign = id('campaign');
      reference('campaign', campaign);
      if (campaign) reference('stage', id('stage'), campaign.name);
    } else if (kind === undefined && 'event' in o && !('days' in o) && !('fields' in o)) {
      reference('event', id('event')); // an event pattern: `on E where …`
    } else if (kind === undefined && 'days' in o && 'event' in o) {
      reference('event', id('event')); // a badge's streak
    }
    if ('segment' in o && kind !== undefined) reference('segment', id('segment'));
    if ('attendance' in o && 'every' in o) reference('event', id('attendance'));
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
