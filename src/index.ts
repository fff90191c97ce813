/** The embedding API (DESIGN.md section 6b). */
export { compile, type CompileOptions, type CompileResult } from './compiler/compile.js';
export { IR as IRSchema, IR_VERSION, type IR } from './compiler/ir.js';
export { toXState } from './compiler/xstate-backend.js';
export { toRules } from './compiler/rules-backend.js';
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
export {
  openDurableRuntime,
  DurableRuntime,
  SqliteStore,
  MemoryDurableStore,
  StorageError,
  StoreOpenError,
} from './store/index.js';
export { Bot, type BotOptions, type DeliveryReport } from './bots/bot.js';
export {
  PLATFORM_ACTIONS,
  type ChatAdapter,
  type Capabilities,
  type ChatEvent,
  type ActionOutcome,
  type AdapterEvents,
  type RoomBinding,
  type UndoRecord,
  type RemoveMode,
} from './bots/adapter.js';
export type { CommunityState, MemberState, Timer } from './runtime/state.js';
export { validateEvent, type InputEvent } from './runtime/events.js';
export { formatDiagnostic, type Diagnostic } from './parser/diagnostics.js';
