/**
 * The embedding API (docs/embedding.md): the compiler and the runtime. The durable store, the
 * HTTP server and the chat bots are the subpaths `playbook/store`, `playbook/server` and
 * `playbook/bots` (src/store/index.ts, src/server/index.ts, src/bots/index.ts), so importing
 * this loads neither SQLite nor node:http nor a chat client (issue 14, item 5; test/facade.test.ts).
 */
export { compile, type CompileOptions, type CompileResult } from './compiler/compile.js';
export { IR as IRSchema, IR_VERSION, type IR } from './ir/schema.js';
export { toXState } from './compiler/backends/xstate.js';
export { toRules } from './compiler/backends/rules.js';
export {
  createRuntime,
  MemoryStore,
  Runtime,
  type DispatchResult,
  type OutputAction,
  type RuntimeOptions,
  type RuntimeSnapshot,
  type EngineName,
  type Store,
} from './runtime/runtime.js';
export type { CommunityState, MemberState, Timer } from './runtime/state.js';
export { validateEvent, type InputEvent } from './runtime/events.js';
export { migrateSnapshot, type Migration, type ReloadNote } from './hosting/migrate.js';
export { checkSnapshotStates, StoredStateError } from './runtime/machines/stored.js';
export { RememberedIdsFull } from './runtime/remembered-limits.js';
export { formatDiagnostic, type Diagnostic } from './parser/diagnostics.js';
