import type * as A from '../parser/ast.js';
import type { PlaybookDocument } from './document.js';
import type { Position, Range } from './positions.js';
import type { Occurrence } from './symbols.js';

/**
 * Go to definition, references and rename for the names a playbook declares (symbols.ts). A name
 * is renamed everywhere it is declared or used; names that exist without a declaration (the core
 * events, `admin`, `owner`) are not renamed.
 */

export interface Location {
  uri: string;
  range: Range;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

const NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const DOTTED_NAME = /^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*$/u;

function occurrenceAt(doc: PlaybookDocument, position: Position): Occurrence | undefined {
  return doc.symbols.at(doc.lines.offset(position));
}

function rangeOf(doc: PlaybookDocument, id: A.Ident): Range {
  return doc.lines.range(id.span.start, id.span.end);
}

export function definition(doc: PlaybookDocument, position: Position): Location | undefined {
  const decl = occurrenceAt(doc, position)?.symbol.declaration;
  return decl ? { uri: doc.uri, range: rangeOf(doc, decl) } : undefined;
}

export function references(doc: PlaybookDocument, position: Position, includeDeclaration: boolean): Location[] {
  const symbol = occurrenceAt(doc, position)?.symbol;
  if (!symbol) return [];
  const ids = [...(includeDeclaration && symbol.declaration ? [symbol.declaration] : []), ...symbol.references];
  return ids.sort((a, b) => a.span.start - b.span.start).map((id) => ({ uri: doc.uri, range: rangeOf(doc, id) }));
}

export type RenameResult = { ok: true; edits: TextEdit[] } | { ok: false; message: string };

/** The range of the name a rename at `position` would change, or why it cannot be renamed. */
export function prepareRename(doc: PlaybookDocument, position: Position): { ok: true; range: Range; placeholder: string } | { ok: false; message: string } {
  const occ = occurrenceAt(doc, position);
  if (!occ) return { ok: false, message: 'no declared name here' };
  if (!occ.symbol.declaration) return { ok: false, message: `\`${occ.symbol.name}\` is built in and cannot be renamed` };
  return { ok: true, range: rangeOf(doc, occ.ident), placeholder: occ.symbol.name };
}

export function rename(doc: PlaybookDocument, position: Position, newName: string): RenameResult {
  const prepared = prepareRename(doc, position);
  if (!prepared.ok) return prepared;
  const symbol = occurrenceAt(doc, position)!.symbol;
  const valid = symbol.kind === 'event' ? DOTTED_NAME : NAME;
  if (!valid.test(newName)) {
    return {
      ok: false,
      message: `\`${newName}\` is not a valid ${symbol.kind} name: letters, digits and \`_\`, starting with a letter or \`_\`${symbol.kind === 'event' ? ', parts joined by dots' : ''}`,
    };
  }
  if (newName !== symbol.name && doc.symbols.get(symbol.kind, newName, symbol.scope)) {
    return { ok: false, message: `a ${symbol.kind} named \`${newName}\` exists already` };
  }
  const ids = [symbol.declaration!, ...symbol.references];
  const seen = new Set<number>();
  const edits: TextEdit[] = [];
  for (const id of ids.sort((a, b) => a.span.start - b.span.start)) {
    if (seen.has(id.span.start)) continue;
    seen.add(id.span.start);
    edits.push({ range: rangeOf(doc, id), newText: newName });
  }
  return { ok: true, edits };
}
