import { DiagnosticBag, sortDiagnostics, type Diagnostic } from '../parser/diagnostics.js';
import { parsePlaybook } from '../parser/parse.js';
import type { Playbook } from '../parser/ast.js';
import { checkPlaybook } from './checker.js';
import { IR, type IR as IRType } from './ir.js';

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

/** Codes of real syntax errors, after which the tree on that line is a guess. */
const SYNTAX_CODES = new Set(['E0002', 'E0003', 'E0004', 'E0005', 'E0010', 'E0099']);

/** Text to IR. Never throws on any input: problems come back as diagnostics. */
export function compile(source: string, options: CompileOptions = {}): CompileResult {
  const file = options.file ?? '<input>';
  const parsed = parsePlaybook(String(source ?? ''), file);
  const bag = new DiagnosticBag(file);
  const syntaxErrors = parsed.diagnostics.some((d) => d.severity === 'error');
  let ir: IRType | undefined;
  try {
    ir = checkPlaybook(parsed.ast, bag, file);
  } catch (e) {
    // A checker bug must not surface as a stack trace; report it at the top of the file.
    if (!syntaxErrors) {
      bag.error('E0098', { start: 0, end: 1, line: 1, column: 1 }, `internal checker error: ${(e as Error).message}`);
    }
  }
  // After syntax errors the checker sees a partial tree; its errors about missing pieces would be
  // noise, so keep only its diagnostics that sit on lines without a syntax error.
  const syntaxLines = new Set(parsed.diagnostics.filter((d) => SYNTAX_CODES.has(d.code)).map((d) => d.line));
  const semantic = syntaxErrors ? bag.items.filter((d) => !syntaxLines.has(d.line)) : bag.items;
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...semantic]);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (errors > 0 || !ir) return { ast: parsed.ast, diagnostics, errors, warnings };
  const checked = IR.safeParse(ir);
  if (!checked.success) {
    diagnostics.push({
      severity: 'error', code: 'E0097', file, line: 1, column: 1, length: 1,
      message: `internal error: the IR does not match its schema: ${checked.error.issues[0]?.message ?? ''} at ${checked.error.issues[0]?.path.join('.')}`,
    });
    return { ast: parsed.ast, diagnostics, errors: errors + 1, warnings };
  }
  return { ir, ast: parsed.ast, diagnostics, errors, warnings };
}
