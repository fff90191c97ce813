/**
 * A stand-in for the parts of VS Code's `vscode` module the extension's client uses
 * (editors/vscode/src/extension.js): documents and their events, the diagnostic collection, the
 * provider registrations and the value classes. test/vscode-extension.test.ts loads the bundled
 * client with it and calls the providers as the editor would.
 */

interface Pos {
  line: number;
  character: number;
}

class Range {
  start: Pos;
  end: Pos;
  constructor(sl: number, sc: number, el: number, ec: number) {
    this.start = { line: sl, character: sc };
    this.end = { line: el, character: ec };
  }
}

const uri = (s: string) => ({ toString: () => s, fsPath: s.replace(/^file:\/\//, '') });

class WorkspaceEdit {
  edits: { uri: string; range: Range; newText: string }[] = [];
  replace(u: { toString(): string }, range: Range, newText: string): void {
    this.edits.push({ uri: u.toString(), range, newText });
  }
}

interface Doc {
  uri: ReturnType<typeof uri>;
  languageId: string;
  version: number;
  text: string;
  getText(): string;
}

export interface Fake {
  module: Record<string, unknown>;
  openDocument(u: string, languageId: string, text: string): void;
  changeDocument(u: string, at: Pos, remove: number, text: string): void;
  diagnosticsFor(u: string, count?: number): Promise<{ message: string; code: string; severity: number; range: Range }[]>;
  provide(kind: string, ...args: unknown[]): Promise<unknown>;
}

export function fakeVscode(settings: Record<string, unknown>): Fake {
  const documents: Doc[] = [];
  const listeners = new Map<string, ((e: unknown) => void)[]>();
  const providers = new Map<string, Record<string, (...args: unknown[]) => unknown>>();
  const published = new Map<string, { message: string; code: string; severity: number; range: Range }[]>();
  let waiters: (() => void)[] = [];
  const event = (name: string) => (listener: (e: unknown) => void) => {
    listeners.set(name, [...(listeners.get(name) ?? []), listener]);
    return { dispose: () => undefined };
  };
  const fire = (name: string, e: unknown) => {
    for (const l of listeners.get(name) ?? []) l(e);
  };
  const register = (name: string) => (_selector: unknown, provider: Record<string, (...args: unknown[]) => unknown>) => {
    providers.set(name, provider);
    return { dispose: () => undefined };
  };
  const module: Record<string, unknown> = {
    Range,
    WorkspaceEdit,
    Uri: { parse: uri },
    Location: class {
      constructor(
        public uri: { toString(): string },
        public range: Range,
      ) {}
    },
    Diagnostic: class {
      code?: string;
      source?: string;
      constructor(
        public range: Range,
        public message: string,
        public severity: number,
      ) {}
    },
    DiagnosticSeverity: { Error: 0, Warning: 1 },
    MarkdownString: class {
      constructor(public value: string) {}
    },
    Hover: class {
      constructor(
        public contents: unknown,
        public range: Range,
      ) {}
    },
    CompletionItem: class {
      constructor(
        public label: string,
        public kind: number,
      ) {}
    },
    DocumentSymbol: class {
      children: unknown[] = [];
      constructor(
        public name: string,
        public detail: string,
        public kind: number,
        public range: Range,
        public selectionRange: Range,
      ) {}
    },
    TextEdit: { replace: (range: Range, newText: string) => ({ range, newText }) },
    CodeAction: class {
      edit?: WorkspaceEdit;
      isPreferred?: boolean;
      constructor(
        public title: string,
        public kind: string,
      ) {}
    },
    CodeActionKind: { QuickFix: 'quickfix' },
    workspace: {
      getConfiguration: () => ({ get: (key: string) => settings[key] }),
      workspaceFolders: undefined,
      textDocuments: documents,
      onDidOpenTextDocument: event('open'),
      onDidChangeTextDocument: event('change'),
      onDidCloseTextDocument: event('close'),
    },
    window: {
      createOutputChannel: () => ({ append: () => undefined, dispose: () => undefined }),
      showErrorMessage: (m: string) => {
        throw new Error(m);
      },
    },
    languages: {
      createDiagnosticCollection: () => ({
        set: (u: { toString(): string }, list: { message: string; code: string; severity: number; range: Range }[]) => {
          published.set(u.toString(), list);
          const w = waiters;
          waiters = [];
          for (const f of w) f();
        },
        dispose: () => undefined,
      }),
      registerCompletionItemProvider: register('completion'),
      registerHoverProvider: register('hover'),
      registerDefinitionProvider: register('definition'),
      registerReferenceProvider: register('references'),
      registerRenameProvider: register('rename'),
      registerDocumentSymbolProvider: register('documentSymbols'),
      registerDocumentFormattingEditProvider: register('formatting'),
      registerCodeActionsProvider: register('codeActions'),
    },
  };
  const METHODS: Record<string, string> = {
    completion: 'provideCompletionItems',
    hover: 'provideHover',
    definition: 'provideDefinition',
    rename: 'provideRenameEdits',
    documentSymbols: 'provideDocumentSymbols',
    formatting: 'provideDocumentFormattingEdits',
    codeActions: 'provideCodeActions',
  };
  return {
    module,
    openDocument(u, languageId, text) {
      const doc: Doc = { uri: uri(u), languageId, version: 1, text, getText: () => doc.text };
      documents.push(doc);
      fire('open', doc);
    },
    changeDocument(u, at, remove, text) {
      const doc = documents.find((d) => d.uri.toString() === u)!;
      const lines = doc.text.split('\n');
      const line = lines[at.line]!;
      lines[at.line] = line.slice(0, at.character) + text + line.slice(at.character + remove);
      doc.text = lines.join('\n');
      doc.version++;
      fire('change', { document: doc, contentChanges: [{ range: new Range(at.line, at.character, at.line, at.character + remove), text }] });
    },
    diagnosticsFor(u, count) {
      return new Promise((resolve) => {
        const check = () => {
          const list = published.get(u);
          if (list && (count === undefined || list.length === count)) resolve(list);
          else waiters.push(check);
        };
        check();
      });
    },
    async provide(kind, ...args) {
      const provider = providers.get(kind)!;
      const extra = kind === 'formatting' ? [{ tabSize: 2, insertSpaces: true }] : [];
      return provider[METHODS[kind]!]!(documents[documents.length - 1], ...args, ...extra);
    },
  };
}
