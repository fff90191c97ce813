import { D } from '../parser/diagnostic-codes.js';
import { DiagnosticBag, lineStarts, sortDiagnostics, type Diagnostic } from '../parser/diagnostics.js';
import { parsePlaybook, type ParseResult } from '../parser/parse.js';
import type { Playbook, Span } from '../parser/ast.js';
import { checkPlaybook } from './checker/index.js';
import { IR, type IR as IRType } from '../ir/schema.js';

export interface CompileOptions {
  /** Shown in diagnostics and stored in the IR. */
  file?: string;
}

export interface CompileResult {
  /** Present only when there are no errors (warnings are fine). */
  ir?: IRType;
  ast: Playbook;
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
}

/** A copy of the tree without top-level declarations that span a line with a syntax error. */
function withoutBrokenDeclarations(ast: Playbook, errorLines: number[]): Playbook {
  const broken = (node: unknown): boolean => typeof (node as { span?: { line?: unknown } } | undefined)?.span?.line !== 'number';
  const out = { ...ast } as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(ast)) {
    if (!Array.isArray(value) || key === 'comments') continue;
    out[key] = value.filter((item) => {
      if (item === undefined || item === null || broken(item)) return false;
      const lines = linesOf(item);
      return !errorLines.some((l) => l >= lines.first && l <= lines.last);
    });
  }
  if (ast.header && errorLines.some((l) => l >= ast.header!.span.line && l <= linesOf(ast.header).last)) delete out['header'];
  return out as unknown as Playbook;
}

/** First and last line a node's spans touch. */
function linesOf(node: unknown): { first: number; last: number } {
  let first = Infinity;
  let last = -Infinity;
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o['line'] === 'number' && typeof o['start'] === 'number') {
      first = Math.min(first, o['line']);
      last = Math.max(last, o['line']);
    }
    for (const x of Object.values(o)) walk(x);
  };
  walk(node);
  return { first: first === Infinity ? 0 : first, last: last === -Infinity ? 0 : last };
}

/** Codes of real syntax errors, after which the tree on that line is a guess. */
const SYNTAX_CODES = new Set<string>([D.E0002.code, D.E0003.code, D.E0004.code, D.E0005.code, D.E0010.code, D.E0099.code]);

/**
 * Codes that say a piece is missing (a rule without actions, a ladder without steps…): inside a
 * declaration with a syntax error the piece is usually there, in the clause the parser could not
 * read, so these would only be noise.
 */
const MISSING_PIECE_CODES = new Set<string>([D.E0401.code, D.E0402.code, D.W0401.code, D.W0402.code, D.E0504.code, D.E0701.code, D.E0801.code]);

/**
 * The checker's diagnostics worth showing beside the syntax errors (docs/diagnostics.md): a syntax
 * error in one clause does not hide the problems of the other clauses, of the same declaration or
 * of the rest of the file. Dropped are only what the syntax error makes a guess:
 * - on the line of a syntax error, a diagnostic outside every clause (`on …`, `when …`, an action)
 *   that ends before the error, or in the clause the error cuts short (`when text matchs …` reads
 *   as `when text`, then fails at `matchs`);
 * - a diagnostic saying a piece is missing from a declaration that holds a syntax error.
 */
function besideSyntaxErrors(text: string, ast: Playbook, parserDiagnostics: readonly Diagnostic[], checked: readonly Diagnostic[]): Diagnostic[] {
  const starts = lineStarts(text);
  const offset = (line: number, column: number): number => (starts[line - 1] ?? text.length) + column - 1;
  const errorAt = new Map<number, number>();
  for (const d of parserDiagnostics) {
    if (!SYNTAX_CODES.has(d.code)) continue;
    errorAt.set(d.line, Math.min(errorAt.get(d.line) ?? Infinity, offset(d.line, d.column)));
  }
  const declarationStarts: number[] = [];
  for (const [key, value] of Object.entries(ast)) {
    if (!Array.isArray(value) || key === 'comments' || key === 'clauses') continue;
    for (const item of value as unknown[]) declarationStarts.push(linesOf(item).first);
  }
  if (ast.header) declarationStarts.push(ast.header.span.line);
  declarationStarts.sort((a, b) => a - b);
  const owner = (line: number): number => declarationStarts.filter((s) => s <= line).pop() ?? 0;
  const broken = new Set([...errorAt.keys()].map(owner));
  const clauses = ast.clauses;
  const beforeError = (d: Diagnostic, error: number): boolean => {
    const from = offset(d.line, d.column);
    const to = from + d.length;
    let inner: Span | undefined;
    for (const c of clauses) if (c.start <= from && to <= c.end && (!inner || c.end - c.start < inner.end - inner.start)) inner = c;
    if (!inner || inner.end > error) return false;
    return text.slice(inner.end, error).trim() !== '';
  };
  return checked.filter((d) => {
    const error = errorAt.get(d.line);
    if (error !== undefined && !beforeError(d, error)) return false;
    return !(MISSING_PIECE_CODES.has(d.code) && broken.has(owner(d.line)));
  });
}

/** Text to IR. Never throws on any input: problems come back as diagnostics. */
export function compile(source: string, options: CompileOptions = {}): CompileResult {
  const file = options.file ?? '<input>';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a JavaScript caller may pass anything (a Buffer, say): its String() is the text, and this never throws
  const text = String((source as unknown) ?? '');
  const parsed = parsePlaybook(text, file);
  const checked = checkParsed(text, parsed, file);
  const { diagnostics, errors, warnings, ir } = checked;
  if (errors > 0 || !ir) return { ast: parsed.ast, diagnostics, errors, warnings };
  // One IR per compile: zod's compiled fast path (code generated per object schema on first use)
  // costs more to build than it saves on a single parse, about 40 ms of a short `playbook check`
  // (docs/performance.md, "Start-up"). The result is the same either way.
  const valid = IR.safeParse(ir, { jitless: true });
  if (!valid.success) {
    const m = D.E0097.irSchema(valid.error.issues[0]?.message ?? '', valid.error.issues[0]?.path.join('.'));
    diagnostics.push({ severity: m.severity, code: m.code, file, line: 1, column: 1, length: 1, message: m.message });
    return { ast: parsed.ast, diagnostics, errors: errors + 1, warnings };
  }
  return { ir, ast: parsed.ast, diagnostics, errors, warnings };
}

/**
 * The checker's half of `compile` on a tree already parsed from `text`, without the IR's schema
 * check: the language service (src/language-service/) parses a document piece by piece and checks
 * the joined tree on every keystroke, where the schema check (a compiler self-test) costs too much.
 */
export function checkParsed(text: string, parsed: ParseResult, file: string): CompileResult {
  const syntaxErrors = parsed.diagnostics.some((d) => d.severity === 'error');
  let ir: IRType | undefined;
  let bag = new DiagnosticBag(file);
  try {
    ir = checkPlaybook(parsed.ast, bag, file);
  } catch (e) {
    if (!syntaxErrors) {
      // A checker bug must not surface as a stack trace; report it at the top of the file.
      bag.report(D.E0098.checkerFailed((e as Error).message), { start: 0, end: 1, line: 1, column: 1 });
    } else {
      // The recovered tree has holes where the syntax errors are: check again without the
      // declarations that contain them, so the rest of the file still gets its diagnostics.
      bag = new DiagnosticBag(file);
      const errorLines = parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line);
      try {
        ir = checkPlaybook(withoutBrokenDeclarations(parsed.ast, errorLines), bag, file);
      } catch {
        bag = new DiagnosticBag(file);
      }
    }
  }
  const semantic = syntaxErrors ? besideSyntaxErrors(text.replace(/^\uFEFF/, ''), parsed.ast, parsed.diagnostics, bag.items) : bag.items;
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...semantic]);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return { ...(ir ? { ir } : {}), ast: parsed.ast, diagnostics, errors, warnings };
}
