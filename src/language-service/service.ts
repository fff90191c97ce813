import { codeActions, format, type CodeAction, type FormatOutcome } from './code-actions.js';
import { complete, type CompletionItem } from './completion.js';
import { PlaybookDocument, type LspDiagnostic } from './document.js';
import { hover, type Hover } from './hover.js';
import { definition, prepareRename, references, rename, type Location, type RenameResult } from './navigation.js';
import { documentSymbols, type DocumentSymbol } from './outline.js';
import { LineIndex, type Position, type Range } from './positions.js';

/**
 * The language service: the open documents and every question an editor asks about them, in the
 * Language Server Protocol's own shapes (positions in UTF-16 code units) but without depending on
 * it, so that `playbook lsp` (src/cli/lsp.ts) and a browser editor can both use it. Each answer is
 * computed from the document's current version and kept until the next change (document.ts).
 */

/** A change as LSP's didChange sends it: a range and its new text, or the whole new text. */
export type ContentChange = { range: Range; text: string } | { text: string };

export class LanguageService {
  private readonly docs = new Map<string, PlaybookDocument>();

  open(uri: string, text: string, version = 0): PlaybookDocument {
    const doc = new PlaybookDocument(uri, fileOf(uri), text, version);
    this.docs.set(uri, doc);
    return doc;
  }

  /** Applies changes in order (each range is in the text the previous change left). */
  change(uri: string, changes: readonly ContentChange[], version: number): PlaybookDocument | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    let text = doc.text;
    for (const c of changes) {
      if ('range' in c) {
        const lines = text === doc.text ? doc.lines : new LineIndex(text);
        text = text.slice(0, lines.offset(c.range.start)) + c.text + text.slice(lines.offset(c.range.end));
      } else text = c.text;
    }
    doc.update(text, version);
    return doc;
  }

  close(uri: string): void {
    this.docs.delete(uri);
  }

  get(uri: string): PlaybookDocument | undefined {
    return this.docs.get(uri);
  }

  diagnostics(uri: string): LspDiagnostic[] {
    return this.docs.get(uri)?.diagnostics ?? [];
  }

  completion(uri: string, position: Position): CompletionItem[] {
    const doc = this.docs.get(uri);
    return doc ? complete(doc, position) : [];
  }

  hover(uri: string, position: Position): Hover | undefined {
    const doc = this.docs.get(uri);
    return doc ? hover(doc, position) : undefined;
  }

  definition(uri: string, position: Position): Location | undefined {
    const doc = this.docs.get(uri);
    return doc ? definition(doc, position) : undefined;
  }

  references(uri: string, position: Position, includeDeclaration = true): Location[] {
    const doc = this.docs.get(uri);
    return doc ? references(doc, position, includeDeclaration) : [];
  }

  prepareRename(uri: string, position: Position): ReturnType<typeof prepareRename> {
    const doc = this.docs.get(uri);
    return doc ? prepareRename(doc, position) : { ok: false, message: 'the document is not open' };
  }

  rename(uri: string, position: Position, newName: string): RenameResult {
    const doc = this.docs.get(uri);
    return doc ? rename(doc, position, newName) : { ok: false, message: 'the document is not open' };
  }

  documentSymbols(uri: string): DocumentSymbol[] {
    const doc = this.docs.get(uri);
    return doc ? documentSymbols(doc) : [];
  }

  format(uri: string): FormatOutcome {
    const doc = this.docs.get(uri);
    return doc ? format(doc) : { ok: false, message: 'the document is not open' };
  }

  codeActions(uri: string, range: Range): CodeAction[] {
    const doc = this.docs.get(uri);
    return doc ? codeActions(doc, range) : [];
  }
}

/** The name diagnostics show for a document: its path for a file: URI, else the URI itself. */
export function fileOf(uri: string): string {
  if (!uri.startsWith('file://')) return uri;
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
