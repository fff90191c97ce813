/** The language service shared by `playbook lsp` and editors (docs/editors.md). */
export { LanguageService, fileOf, type ContentChange } from './service.js';
export { PlaybookDocument, type LspDiagnostic } from './document.js';
export { LineIndex, type Position, type Range } from './positions.js';
export type { CompletionItem } from './completion.js';
export type { Hover } from './hover.js';
export type { Location, TextEdit, RenameResult } from './navigation.js';
export type { DocumentSymbol } from './outline.js';
export type { CodeAction, FormatOutcome } from './code-actions.js';
