import { formatPlaybook } from '../format/index.js';
import type { LspDiagnostic, PlaybookDocument } from './document.js';
import type { TextEdit } from './navigation.js';
import { comparePositions, type Range } from './positions.js';

/**
 * Quick fixes and formatting. A did-you-mean hint (`did you mean \`ads\`?`, from
 * src/stdlib/suggest.ts) becomes a fix that writes the proposed name over the misspelt one; it is
 * offered only where the underlined text is one name, so the edit cannot swallow anything else.
 */

export interface CodeAction {
  title: string;
  kind: 'quickfix';
  diagnostics: LspDiagnostic[];
  isPreferred: boolean;
  edit: { changes: Record<string, TextEdit[]> };
}

const ONE_NAME = /^[\p{L}\p{N}_.]+$/u;

function overlaps(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}

export function codeActions(doc: PlaybookDocument, range: Range): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of doc.diagnostics) {
    const suggestion = d.data?.suggestion;
    if (!suggestion || !overlaps(d.range, range)) continue;
    const written = doc.text.slice(doc.lines.offset(d.range.start), doc.lines.offset(d.range.end));
    if (!ONE_NAME.test(written) || written === suggestion) continue;
    const changes: Record<string, TextEdit[]> = Object.create(null) as Record<string, TextEdit[]>;
    changes[doc.uri] = [{ range: d.range, newText: suggestion }];
    out.push({ title: `Change \`${written}\` to \`${suggestion}\``, kind: 'quickfix', diagnostics: [d], isPreferred: true, edit: { changes } });
  }
  return out;
}

export type FormatOutcome = { ok: true; edits: TextEdit[] } | { ok: false; message: string };

/** `playbook fmt` on the document: one edit replacing the whole text, none when it is formatted already. */
export function format(doc: PlaybookDocument): FormatOutcome {
  const result = formatPlaybook(doc.text, { file: doc.file });
  if (!result.ok) {
    if (result.reason === 'syntax') return { ok: false, message: 'the playbook has syntax errors; fix them to format it' };
    return { ok: false, message: result.message };
  }
  if (!result.changed) return { ok: true, edits: [] };
  return { ok: true, edits: [{ range: doc.lines.range(0, doc.text.length), newText: result.text }] };
}
