import type { Playbook } from '../parser/ast.js';
import { D } from '../parser/diagnostic-codes.js';
import type { Diagnostic } from '../parser/diagnostics.js';
import { parsePlaybook } from '../parser/parse.js';
import type { Printer } from './blocks.js';
import { topLevelItem } from './declarations.js';
import { FormatBug, FormatRefusal, LineWriter, type LayoutOptions } from './layout.js';
import { Source } from './source.js';
import { weave } from './weave.js';
import { messageOf } from '../stdlib/errors.js';

/**
 * `playbook fmt`: one canonical layout for every playbook (docs/formatting.md).
 *
 * The printer walks the parser's own tree: the statements the grammar recorded
 * (`Playbook.clauses`) give the structure, the action nodes split action lists, and the tokens
 * inside each node's span give the words as written. Comments are woven back in by position
 * (weave.ts), and the result is parsed again: unless it yields the same syntax tree and the same
 * comments, the formatter reports an internal error instead of returning text. So a formatter
 * bug can refuse to format a file but never change what it means.
 */

export type FormatResult =
  | { ok: true; text: string; changed: boolean }
  /** The file has syntax errors; it is not formatted. */
  | { ok: false; reason: 'syntax'; diagnostics: Diagnostic[] }
  /** Valid, but written in a way the formatter cannot lay out without changing its meaning. */
  | { ok: false; reason: 'unsupported'; message: string; line: number }
  /** A formatter bug; the message says what went wrong. */
  | { ok: false; reason: 'internal'; message: string };

export interface FormatOptions {
  /** Shown in diagnostics. */
  file?: string;
}

export const FORMAT_LAYOUT: LayoutOptions = { maxWidth: 100, maxInlineActions: 2 };

export { FormatBug, FormatRefusal };

/** Diagnostics that mean the tree is a guess: such files are left alone. */
const BLOCKING = new Set<string>([D.E0001.code, D.E0002.code, D.E0003.code, D.E0004.code, D.E0005.code, D.E0010.code, D.E0099.code]);

/** Format a playbook. Never throws: every failure comes back as a result. */
export function formatPlaybook(source: string, options: FormatOptions = {}): FormatResult {
  try {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a JavaScript caller may pass anything (a Buffer, say): its String() is the text, and this never throws
    return formatChecked(String((source as unknown) ?? ''), options.file ?? '<input>');
  } catch (e) {
    if (e instanceof FormatRefusal) return { ok: false, reason: 'unsupported', message: e.message, line: e.line };
    const message = e instanceof RangeError ? 'the file is nested too deeply to format' : messageOf(e);
    return { ok: false, reason: 'internal', message };
  }
}

function formatChecked(source: string, file: string): FormatResult {
  const parsed = parsePlaybook(source, file);
  const blocking = parsed.diagnostics.filter((d) => d.severity === 'error' && BLOCKING.has(d.code));
  if (blocking.length > 0) {
    return { ok: false, reason: 'syntax', diagnostics: parsed.diagnostics.filter((d) => d.severity === 'error') };
  }
  const text = print(source.replace(/^\uFEFF/, ''), parsed.ast);

  const again = parsePlaybook(text, file);
  const againBlocking = again.diagnostics.filter((d) => d.severity === 'error' && BLOCKING.has(d.code));
  if (againBlocking.length > 0) {
    throw new FormatBug(`the formatted text does not parse (line ${againBlocking[0]!.line}: ${againBlocking[0]!.message})`);
  }
  if (treeKey(again.ast) !== treeKey(parsed.ast)) throw new FormatBug('the formatted text would mean something else');
  const commentsBefore = parsed.ast.comments.map((c) => c.text.trimEnd());
  const commentsAfter = again.ast.comments.map((c) => c.text);
  if (JSON.stringify(commentsBefore) !== JSON.stringify(commentsAfter)) throw new FormatBug('a comment was lost or changed');
  return { ok: true, text, changed: text !== source };
}

/** Print the tree of `text` (parsed without blocking errors) in the canonical layout. */
function print(text: string, ast: Playbook): string {
  const src = new Source(text, ast);
  const printer: Printer = { src, lifecycles: 0 };
  const writer = new LineWriter(src, FORMAT_LAYOUT);
  for (const item of src.clausesBetween(-1, src.tokens.length)) writer.item(topLevelItem(printer, item));
  return weave(writer.lines, src.tokens, src.comments);
}

/**
 * The syntax tree without positions, as one string. An unnamed job is named after its line
 * (`every_line_12`), and so is a one-off (`on_line_7`): a position too, so those names are left out.
 */
export function treeKey(ast: Playbook): string {
  const stages = ast.campaigns.flatMap((c) => c.stages);
  const jobs = new Set<unknown>(
    [...ast.jobs, ...stages.flatMap((s) => s.jobs)]
      .filter((j) => j.name.span.start === j.span.start && /^every_line_\d+$/.test(j.name.name))
      .map((j) => j.name),
  );
  // A one-off is named after its line too (`on_line_7`).
  for (const a of [...ast.agendas, ...stages.flatMap((s) => s.agendas)]) if (a.oneOff) jobs.add(a.name);
  return JSON.stringify(ast, function (this: unknown, key, value: unknown) {
    if (key === 'span' || key === 'typeSpan' || key === 'timeSpan' || key === 'comments' || key === 'clauses') return undefined;
    if (key === 'name' && jobs.has(value)) return '<unnamed job>';
    return value;
  });
}
