import {
  Alternation,
  Alternative,
  getLookaheadPaths,
  LLkLookaheadStrategy,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Terminal,
  type ILookaheadStrategy,
  type IOrAlt,
  type IProduction,
  type IToken,
  type LookaheadProductionType,
  type Rule,
  type TokenType,
} from 'chevrotain';

/**
 * The grammar's lookahead, computed once and stored (docs/performance.md, "Start-up").
 *
 * When the parser is built, chevrotain works out for every OR, OPTION and MANY of the grammar the
 * token sequences (up to two tokens) that choose each alternative, and makes a function of them.
 * That computation was about 40% of a short `playbook check`; its result depends only on the
 * grammar, so lookahead-data.ts stores it and the parser builds the functions from the stored
 * sequences. The stored data names the grammar it was computed from (a fingerprint of every rule's
 * productions, the tokens and their categories, and the lookahead depth): when the grammar is not
 * that one, the parser ignores the store and computes the lookahead as chevrotain always did, so a
 * stale store costs time, never a wrong parse. `npm run build` rewrites the store from the grammar
 * it compiled (scripts/grammar-cache.mjs), and test/grammar-cache.test.ts fails while it is stale.
 */
export interface LookaheadData {
  fingerprint: string;
  /** Token names; the sequences below hold indices into this list. */
  tokens: string[];
  /** `rule:Alternation:occurrence` → per alternative, its sequences; `rule:Option:occurrence` (and the repetitions) → the sequences that enter it. */
  paths: Record<string, number[][][] | number[][]>;
}

type Paths = TokenType[][];
/** A production that holds others (every one but Terminal and NonTerminal, whose `definition` is the rule it calls). */
type Composite = IProduction & { definition: IProduction[] };
type LaThis = { LA_FAST(howMuch: number): IToken };

const keyOf = (rule: Rule, kind: LookaheadProductionType, occurrence: number) => `${rule.name}:${kind}:${occurrence}`;

function kindOf(prod: IProduction): LookaheadProductionType | undefined {
  if (prod instanceof Alternation) return 'Alternation';
  if (prod instanceof Option) return 'Option';
  if (prod instanceof Repetition) return 'Repetition';
  if (prod instanceof RepetitionMandatory) return 'RepetitionMandatory';
  if (prod instanceof RepetitionMandatoryWithSeparator) return 'RepetitionMandatoryWithSeparator';
  if (prod instanceof RepetitionWithSeparator) return 'RepetitionWithSeparator';
  return undefined;
}

interface Decision {
  kind: LookaheadProductionType;
  idx: number;
  maxLookahead: number | undefined;
}

/** Every OR, OPTION and repetition of a rule (not of the rules it calls), in grammar order. */
function decisionsOf(rule: Rule): Decision[] {
  const out: Decision[] = [];
  const walk = (defs: IProduction[]) => {
    for (const prod of defs) {
      if (prod instanceof Terminal || prod instanceof NonTerminal) continue;
      const kind = kindOf(prod);
      const p = prod as IProduction & { idx: number; maxLookahead?: number };
      if (kind) out.push({ kind, idx: p.idx, maxLookahead: p.maxLookahead });
      walk((prod as Composite).definition);
    }
  };
  walk(rule.definition);
  return out;
}

/** The grammar as text: what the lookahead sequences are computed from, and nothing else. */
function grammarText(rules: Rule[], tokens: readonly TokenType[], maxLookahead: number): string {
  const parts: string[] = [`k=${maxLookahead}`];
  for (const t of tokens) parts.push(`t ${t.name}<${(t.CATEGORIES ?? []).map((c) => c.name).join(',')}`);
  const walk = (defs: IProduction[]) => {
    for (const prod of defs) {
      if (prod instanceof Terminal) parts.push(`T ${prod.terminalType.name}#${prod.idx}`);
      else if (prod instanceof NonTerminal) parts.push(`N ${prod.nonTerminalName}#${prod.idx}`);
      else {
        const p = prod as IProduction & { idx?: number; maxLookahead?: number; separator?: TokenType };
        const head = prod instanceof Alternative ? 'Alt' : (kindOf(prod) ?? 'unknown');
        parts.push(`${head}#${p.idx ?? ''}/${p.maxLookahead ?? ''}/${p.separator?.name ?? ''}(`);
        walk((prod as Composite).definition);
        parts.push(')');
      }
    }
  };
  for (const rule of rules) {
    parts.push(`R ${rule.name}(`);
    walk(rule.definition);
    parts.push(')');
  }
  return parts.join('\n');
}

/** Two 32-bit FNV-1a lanes: enough to tell one grammar from another (nobody forges a grammar). */
export function grammarFingerprint(rules: Rule[], tokens: readonly TokenType[], maxLookahead: number): string {
  const text = grammarText(rules, tokens, maxLookahead);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** What lookahead-data.ts holds, computed with chevrotain's own analysis (scripts/grammar-cache.mjs, the tests). */
export function computeLookaheadData(rules: Rule[], tokens: readonly TokenType[], maxLookahead: number): LookaheadData {
  const index = new Map(tokens.map((t, i) => [t, i]));
  const ids = (path: TokenType[]) =>
    path.map((t) => {
      const i = index.get(t);
      if (i === undefined) throw new Error(`lookahead names the token ${t.name}, which is not in the token list`);
      return i;
    });
  const paths: LookaheadData['paths'] = Object.create(null) as LookaheadData['paths'];
  for (const rule of rules) {
    for (const d of decisionsOf(rule)) {
      const seqs = getLookaheadPaths({ occurrence: d.idx, rule, prodType: d.kind, maxLookahead: d.maxLookahead || maxLookahead });
      // An optional production's first entry is what enters it; the second, what follows it, only decided it.
      paths[keyOf(rule, d.kind, d.idx)] = d.kind === 'Alternation' ? seqs.map((alt) => alt.map(ids)) : (seqs[0] ?? []).map(ids);
    }
  }
  return { fingerprint: grammarFingerprint(rules, tokens, maxLookahead), tokens: tokens.map((t) => t.name), paths };
}

/** chevrotain's token test: the token's type, or a category that includes it. */
function matches(token: IToken, type: TokenType): boolean {
  const idx = token.tokenTypeIdx;
  return idx === type.tokenTypeIdx || (type.isParent === true && type.categoryMatchesMap?.[idx] === true);
}

function pathMatches(self: LaThis, path: TokenType[]): boolean {
  for (let i = 0; i < path.length; i++) if (!matches(self.LA_FAST(i + 1), path[i]!)) return false;
  return true;
}

/** Token type index → the first alternative a one-token lookahead chooses (categories expanded). */
function firstTokenTable<V>(alts: Paths[], value: (alt: number) => V): V[] {
  const table: V[] = [];
  alts.forEach((alt, a) => {
    for (const path of alt) {
      const t = path[0]!;
      for (const idx of [t.tokenTypeIdx!, ...(t.categoryMatches ?? [])]) if (!(idx in table)) table[idx] = value(a);
    }
  });
  return table;
}

const oneToken = (alts: Paths[]) => alts.every((alt) => alt.every((path) => path.length === 1));

/** The function an OR asks which alternative to take: the first whose gate allows it and one of whose sequences comes next. */
function alternationFunction(alts: Paths[], hasPredicates: boolean): (this: LaThis, orAlts?: IOrAlt<unknown>[]) => number | undefined {
  if (!hasPredicates && oneToken(alts)) {
    const table = firstTokenTable(alts, (a) => a);
    return function (this: LaThis) {
      return table[this.LA_FAST(1).tokenTypeIdx];
    };
  }
  return function (this: LaThis, orAlts?: IOrAlt<unknown>[]) {
    for (let a = 0; a < alts.length; a++) {
      // A gate that returns anything but false leaves its alternative open, as in chevrotain.
      if (hasPredicates && orAlts?.[a]?.GATE?.call(this) === false) continue;
      for (const path of alts[a]!) if (pathMatches(this, path)) return a;
    }
    return undefined;
  };
}

/** The function an OPTION or a repetition asks whether to go in. */
function optionalFunction(paths: Paths): (this: LaThis) => boolean {
  if (oneToken([paths])) {
    const single = paths.length === 1 && (paths[0]![0]!.categoryMatches ?? []).length === 0 ? paths[0]![0]!.tokenTypeIdx : undefined;
    if (single !== undefined) {
      return function (this: LaThis) {
        return this.LA_FAST(1).tokenTypeIdx === single;
      };
    }
    const table = firstTokenTable([paths], () => true);
    return function (this: LaThis) {
      return table[this.LA_FAST(1).tokenTypeIdx] === true;
    };
  }
  return function (this: LaThis) {
    for (const path of paths) if (pathMatches(this, path)) return true;
    return false;
  };
}

/**
 * chevrotain's LL(k) lookahead, reading the stored sequences when they were computed from this
 * grammar. `used` counts the decisions built from the store and `computed` those chevrotain worked
 * out itself (the tests read them).
 */
export class CachedLookahead extends LLkLookaheadStrategy {
  used = 0;
  computed = 0;
  private stored: Map<string, number[][][] | number[][]> | undefined;

  constructor(
    private readonly tokens: readonly TokenType[],
    private readonly k: number,
    private readonly data: LookaheadData | undefined,
  ) {
    super({ maxLookahead: k });
  }

  override initialize(options: { rules: Rule[] }): void {
    const data = this.data;
    const fresh = data !== undefined && data.tokens.join('\n') === this.tokens.map((t) => t.name).join('\n');
    this.stored = fresh && data.fingerprint === grammarFingerprint(options.rules, this.tokens, this.k) ? new Map(Object.entries(data.paths)) : undefined;
  }

  override buildLookaheadForAlternation(options: Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0]) {
    const seqs = options.dynamicTokensEnabled ? undefined : this.stored?.get(keyOf(options.rule, 'Alternation', options.prodOccurrence));
    if (seqs === undefined) {
      this.computed++;
      return super.buildLookaheadForAlternation(options);
    }
    this.used++;
    return alternationFunction(
      (seqs as number[][][]).map((alt) => alt.map((p) => this.types(p))),
      options.hasPredicates,
    );
  }

  override buildLookaheadForOptional(options: Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0]) {
    const seqs = options.dynamicTokensEnabled ? undefined : this.stored?.get(keyOf(options.rule, options.prodType, options.prodOccurrence));
    if (seqs === undefined) {
      this.computed++;
      return super.buildLookaheadForOptional(options);
    }
    this.used++;
    return optionalFunction((seqs as number[][]).map((p) => this.types(p)));
  }

  private types(path: number[]): TokenType[] {
    return path.map((i) => this.tokens[i]!);
  }
}
