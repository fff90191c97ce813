import type * as A from '../parser/ast.js';
import { D } from '../parser/diagnostic-codes.js';
import type { DiagnosticBag } from '../parser/diagnostics.js';
import { checkRegex } from '../stdlib/regex-safety.js';

/**
 * Diagnostics for one `/regex/flags` of a `matches` condition (docs/diagnostics.md, E0501,
 * E0505–E0508, W0501). A problem with one construct (`\1`, `(?=`, `\p{…}`) is pointed at
 * inside the literal: a regex literal never spans lines, so the construct's column is the
 * literal's column plus one for the opening `/` plus its offset in the source.
 */
export function reportRegex(bag: DiagnosticBag, p: Extract<A.Pattern, { kind: 'regex' }>): void {
  const problem = checkedRegex(p.source, p.flags);
  if (!problem) return;
  let span: A.Span = p.span;
  if (problem.at !== undefined) {
    const start = p.span.start + 1 + problem.at;
    span = { start, end: start + Math.max(1, problem.len ?? 1), line: p.span.line, column: p.span.column + 1 + problem.at };
  }
  switch (problem.kind) {
    case 'invalid':
      bag.report(D.E0501.invalidRegex(problem.message), span, problem.hint);
      return;
    case 'backreference':
      bag.report(D.E0505.backreference(problem.message), span, problem.hint);
      return;
    case 'lookaround':
      bag.report(D.E0506.lookaround(problem.message), span, problem.hint);
      return;
    case 'unsupported':
      bag.report(D.E0507.unsupported(problem.message), span, problem.hint);
      return;
    case 'foreign':
      bag.report(D.E0508.foreign(problem.message), span, problem.hint);
      return;
    case 'backtracking':
      bag.report(D.W0501.backtracking(problem.message), span, problem.hint);
      return;
  }
}

/**
 * checkRegex is a pure function of the pattern and its flags, and compiling it for RE2 is most of
 * its cost: the language service checks the whole file again on each keystroke
 * (docs/editors.md), where the patterns of the other 999 rules have not changed.
 */
const REGEX_MEMO_SIZE = 4096;
const regexMemo = new Map<string, ReturnType<typeof checkRegex>>();

function checkedRegex(source: string, flags: string): ReturnType<typeof checkRegex> {
  const key = `${flags}/${source}`;
  if (regexMemo.has(key)) return regexMemo.get(key);
  const problem = checkRegex(source, flags);
  if (regexMemo.size >= REGEX_MEMO_SIZE) regexMemo.clear();
  regexMemo.set(key, problem);
  return problem;
}
