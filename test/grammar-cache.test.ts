/**
 * The stored lookahead (src/parser/grammar/lookahead-cache.ts): the parser builds its lookahead
 * functions from sequences computed once and kept in lookahead-data.ts instead of computing them on
 * every start. These tests prove the store is the grammar's (and fail, saying how to rebuild it,
 * when the grammar changed), that a store of another grammar is ignored, and that the functions
 * built from it choose exactly as chevrotain's own on every token pair and gate, and parse alike.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EOF, Lexer, Terminal, type IOrAlt, type IToken, type TokenType } from 'chevrotain';
import { PlaybookParser } from '../src/parser/grammar.js';
import { grammarTokens, MAX_LOOKAHEAD } from '../src/parser/grammar/base.js';
import { computeLookaheadData, grammarFingerprint, type LookaheadData } from '../src/parser/grammar/lookahead-cache.js';
import { LOOKAHEAD_DATA } from '../src/parser/grammar/lookahead-data.js';
import { keywordWords, PlaybookLexer } from '../src/parser/lexer.js';

const stored = JSON.parse(LOOKAHEAD_DATA) as LookaheadData;
const computedParser = new PlaybookParser({ storedLookahead: false });
const storedParser = new PlaybookParser();
const rules = () => Object.values(computedParser.getGAstProductions());

type LaFunction = (this: unknown, alts?: IOrAlt<unknown>[]) => number | boolean | undefined;
const functionsOf = (p: PlaybookParser) => (p as unknown as { lookAheadFuncsCache: Map<number, LaFunction> }).lookAheadFuncsCache;

describe('stored lookahead', () => {
  it('is the current grammar’s (if not: `npm run build` rewrites it; commit it)', () => {
    const fresh = computeLookaheadData(rules(), grammarTokens, MAX_LOOKAHEAD);
    expect(stored.fingerprint, 'src/parser/grammar/lookahead-data.ts is stale: `npm run build` rewrites it').toBe(fresh.fingerprint);
    expect(stored).toEqual(JSON.parse(JSON.stringify(fresh)));
  });

  it('builds every decision of the parser from the store, and none without it', () => {
    const decisions = Object.keys(stored.paths).length;
    expect(decisions).toBeGreaterThan(100);
    expect(functionsOf(storedParser).size).toBe(decisions);
    expect([storedParser.lookaheadStore.used, storedParser.lookaheadStore.computed]).toEqual([decisions, 0]);
    expect([computedParser.lookaheadStore.used, computedParser.lookaheadStore.computed]).toEqual([0, decisions]);
  });

  it('is ignored when it was computed from another grammar', () => {
    const other = new PlaybookParser({ storedLookahead: { ...stored, fingerprint: '0000000000000000' } });
    expect([other.lookaheadStore.used, other.lookaheadStore.computed]).toEqual([0, Object.keys(stored.paths).length]);
    const renamed = new PlaybookParser({ storedLookahead: { ...stored, tokens: [...stored.tokens.slice(1), stored.tokens[0]!] } });
    expect(renamed.lookaheadStore.used).toBe(0);
  });

  it('has a fingerprint that changes with the productions, the tokens and the lookahead depth', () => {
    const rs = rules();
    const base = grammarFingerprint(rs, grammarTokens, MAX_LOOKAHEAD);
    expect(grammarFingerprint(rs, grammarTokens, MAX_LOOKAHEAD + 1)).not.toBe(base);
    expect(grammarFingerprint(rs, [...grammarTokens].reverse(), MAX_LOOKAHEAD)).not.toBe(base);
    // One more token at the end of one rule: the parser a grammar edit would record.
    const victim = rs.find((r) => r.name === 'roles')!;
    victim.definition.push(new Terminal({ terminalType: grammarTokens[0]! }));
    try {
      expect(grammarFingerprint(rs, grammarTokens, MAX_LOOKAHEAD)).not.toBe(base);
    } finally {
      victim.definition.pop();
    }
    expect(grammarFingerprint(rs, grammarTokens, MAX_LOOKAHEAD)).toBe(base);
  });

  it('makes functions that choose as chevrotain’s on every token pair and every closed gate', () => {
    const fromStore = functionsOf(storedParser);
    const own = functionsOf(computedParser);
    expect([...fromStore.keys()].sort()).toEqual([...own.keys()].sort());
    const lexable = grammarTokens.filter((t) => t.PATTERN !== Lexer.NA);
    const token = (t: TokenType) => ({ tokenType: t, tokenTypeIdx: t.tokenTypeIdx, image: '' }) as IToken;
    // Second tokens: every token some sequence holds second, and one that none does (EOF here).
    const second = new Set<TokenType>([EOF]);
    for (const seqs of Object.values(stored.paths)) {
      for (const path of seqs.flat(1) as (number | number[])[]) {
        const p = (Array.isArray(path) ? path : [path]) as number[];
        if (p.length > 1) second.add(grammarTokens[p[1]!]!);
      }
    }
    let compared = 0;
    for (const [key, expected] of own) {
      const actual = fromStore.get(key)!;
      for (const a of lexable) {
        for (const b of second) {
          const input = [token(a), token(b), token(EOF), token(EOF)];
          const self = { LA_FAST: (n: number) => input[n - 1]! };
          // Gates: all open, then each of the first alternatives closed in turn.
          for (let closed = -1; closed < (b === EOF ? 16 : 0); closed++) {
            const alts = Array.from({ length: 16 }, (_, i) => ({ ALT: () => i, GATE: () => i !== closed }));
            const want = expected.call(self, alts);
            const got = actual.call(self, alts);
            if (got !== want)
              throw new Error(`decision ${key} on ${a.name} ${b.name} (gate ${closed} closed): stored ${String(got)}, chevrotain ${String(want)}`);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100_000);
  });

  const parseWith = (p: PlaybookParser, text: string) => {
    p.problems = [];
    p.clauses = [];
    p.input = PlaybookLexer.tokenize(text).tokens;
    let ast: unknown;
    try {
      ast = p.playbook();
    } catch (e) {
      ast = `threw ${(e as Error).message}`;
    }
    return { ast, errors: p.errors.map((e) => `${e.name} ${e.message} ${e.token.startOffset}`), problems: p.problems, clauses: p.clauses };
  };

  it('parses every example and every broken playbook of the diagnostics tests alike', () => {
    const files = [
      ...readdirSync('examples')
        .filter((f) => f.endsWith('.playbook'))
        .map((f) => join('examples', f)),
      ...readdirSync('test/diagnostics')
        .filter((f) => f.endsWith('.playbook'))
        .map((f) => join('test/diagnostics', f)),
    ];
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(parseWith(storedParser, text), f).toEqual(parseWith(computedParser, text));
    }
  });

  it('parses random token soup alike (fixed seed)', () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20_2);
    const words = [
      ...keywordWords,
      '{',
      '}',
      '(',
      ')',
      '[',
      ']',
      ',',
      ';',
      ':',
      '.',
      '->',
      '>=',
      '==',
      '<',
      '+',
      '-',
      '*',
      '/',
      'x',
      '"s"',
      '/re/',
      '5',
      '10m',
      '09:00',
      '2026-01-01',
      '\n',
    ];
    const soup = fc.array(fc.constantFrom(...words), { maxLength: 60 }).map((ws) => ws.join(' '));
    try {
      fc.assert(
        fc.property(soup, (text) => {
          expect(parseWith(storedParser, text)).toEqual(parseWith(computedParser, text));
        }),
        { seed, numRuns: 300 },
      );
    } catch (e) {
      throw new Error(`with FUZZ_SEED=${seed}: ${(e as Error).message}`, { cause: e });
    }
  });
});
