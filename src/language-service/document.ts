import { checkParsed, type CompileResult } from '../compiler/compile.js';
import { BUILTIN_ROLES } from '../compiler/checker/scopes.js';
import type { Diagnostic } from '../parser/diagnostics.js';
import { CORE_EVENT_NAMES } from './events.js';
import { IncrementalParser, type ParsedText } from './incremental.js';
import { LineIndex, type Range } from './positions.js';
import { indexSymbols, type SymbolIndex } from './symbols.js';

/**
 * One open document and what is known about its current version. Parsing happens on every update
 * (only the items that changed, incremental.ts); the checker, the symbol index and the
 * diagnostics are computed when first asked for and kept until the next update.
 */

/** A diagnostic as the Language Server Protocol has it (severity 1 error, 2 warning). */
export interface LspDiagnostic {
  range: Range;
  severity: 1 | 2;
  code: string;
  source: 'playbook';
  message: string;
  /** The hint, and the name a did-you-mean hint proposes (code-actions.ts). */
  data?: { hint: string; suggestion?: string };
}

const DID_YOU_MEAN = /did you mean `([^`]+)`\?/;

export class PlaybookDocument {
  private parser: IncrementalParser;
  private _text = '';
  private _version = 0;
  private _lines = new LineIndex('');
  private _parsed!: ParsedText;
  private _checked: CompileResult | undefined;
  private _symbols: SymbolIndex | undefined;
  private _diagnostics: LspDiagnostic[] | undefined;

  constructor(
    readonly uri: string,
    readonly file: string,
    text: string,
    version = 0,
  ) {
    this.parser = new IncrementalParser(file);
    this.update(text, version);
  }

  get text(): string {
    return this._text;
  }
  get version(): number {
    return this._version;
  }
  get lines(): LineIndex {
    return this._lines;
  }
  get parsed(): ParsedText {
    return this._parsed;
  }

  /** The new text of the document; what depends on it is computed again when asked for. */
  update(text: string, version: number): void {
    // A byte-order mark is whitespace to the lexer: kept in place (not stripped as files are) so offsets stay the editor's.
    this._text = text.startsWith('\uFEFF') ? ' ' + text.slice(1) : text;
    this._version = version;
    this._lines = new LineIndex(this._text);
    this._parsed = this.parser.parse(this._text, this._lines);
    this._checked = undefined;
    this._symbols = undefined;
    this._diagnostics = undefined;
  }

  /** Parse and check, as `playbook check` would (without the IR's self-check). */
  get checked(): CompileResult {
    this._checked ??= checkParsed(this._text, { ast: this._parsed.ast, diagnostics: this._parsed.diagnostics }, this.file);
    return this._checked;
  }

  get symbols(): SymbolIndex {
    this._symbols ??= indexSymbols(this._parsed.trees, CORE_EVENT_NAMES, BUILTIN_ROLES);
    return this._symbols;
  }

  get diagnostics(): LspDiagnostic[] {
    this._diagnostics ??= this.checked.diagnostics.map((d) => this.toLsp(d));
    return this._diagnostics;
  }

  /** The range a diagnostic underlines: from its line and column, its length in UTF-16 units. */
  diagnosticRange(d: Diagnostic): Range {
    const start = this._lines.offsetOfLineColumn(d.line, d.column);
    return this._lines.range(start, Math.min(this._text.length, start + Math.max(1, d.length)));
  }

  private toLsp(d: Diagnostic): LspDiagnostic {
    const out: LspDiagnostic = {
      range: this.diagnosticRange(d),
      severity: d.severity === 'error' ? 1 : 2,
      code: d.code,
      source: 'playbook',
      message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    };
    if (d.hint) {
      const suggestion = DID_YOU_MEAN.exec(d.hint)?.[1];
      out.data = suggestion ? { hint: d.hint, suggestion } : { hint: d.hint };
    }
    return out;
  }
}
