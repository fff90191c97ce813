import { compile } from '../compiler/compile.js';
import { IR as IRSchema, type IR } from '../ir/schema.js';
import { formatDiagnostic, type Diagnostic } from '../parser/diagnostics.js';
import { MAX_RELOAD_DIAGNOSTICS } from '../limits.js';
import { StorageError, type DurableRuntime } from '../store/durable.js';
import { emptyCommit } from '../store/store.js';
import { migrateSnapshot, type ReloadNote } from './migrate.js';
import { constructId } from '../ir/ids.js';
import { messageOf } from '../stdlib/errors.js';

/**
 * Reload orchestration shared by `playbook serve` and `playbook bot`: check a new version of the
 * playbook, migrate the stored state to it (migrate.ts, where the rules of what carries over are
 * written down) and store the result; and, at start, adopt state a durable store holds from
 * another version.
 */

export type { ReloadNote } from './migrate.js';

/** Meta keys of the store: the playbook the stored state was produced by. */
const META_SOURCE = 'playbook.source';
const META_IR = 'playbook.ir';
const META_FILE = 'playbook.file';

export function playbookMeta(ir: IR, source: string, file: string): Record<string, string> {
  return { [META_SOURCE]: source, [META_IR]: JSON.stringify(ir), [META_FILE]: file };
}

/** The IR without its file name, so the same playbook at another path is not a new version. */
function irKey(ir: IR): string {
  const { source: _source, ...rest } = ir as IR & { source?: unknown };
  return JSON.stringify(rest);
}

/**
 * A durable store holds state produced by some version of a playbook; if it is not the one
 * starting now, migrate it as a reload would (a restart with an edited FILE is a reload).
 * Returns what the migration dropped and changed, or undefined when there was nothing to do.
 */
export function adoptStoredVersion(
  durable: DurableRuntime,
  playbook: { ir: IR; source: string; file: string },
): { dropped: ReloadNote[]; changed: ReloadNote[] } | undefined {
  const { ir } = playbook;
  const storedIr = durable.store.getMeta(META_IR);
  const meta = playbookMeta(ir, playbook.source, playbook.file);
  if (storedIr === undefined) {
    durable.checkStoredStates();
    durable.store.commit({ ...emptyCommit(), meta });
    return undefined;
  }
  let previous: IR | undefined;
  let same = false;
  try {
    const raw = upgradeStoredIr(JSON.parse(storedIr) as IR);
    // Compared as stored (zod's output orders keys by its schema, not as the compiler wrote them).
    same = irKey(raw) === irKey(ir);
    const parsed = IRSchema.safeParse(raw);
    if (parsed.success) previous = parsed.data;
  } catch {
    previous = undefined;
  }
  if (same) {
    // The state is this version's: a state its machines lack is damage, not a change to carry over.
    durable.checkStoredStates();
    return undefined;
  }
  const migration = migrateSnapshot(previous ?? ir, ir, durable.snapshot());
  durable.replace(ir, migration.snapshot, meta);
  // A ritual state migrate.ts keeps by name may still be damage.
  durable.checkStoredStates();
  return { dropped: migration.dropped, changed: migration.changed };
}

export interface ReloadOutcome {
  ok: boolean;
  playbook?: string;
  /** At most MAX_RELOAD_DIAGNOSTICS formatted diagnostics, errors first. */
  diagnostics?: string[];
  /** How many more there were. */
  moreDiagnostics?: number;
  dropped?: ReloadNote[];
  changed?: ReloadNote[];
}

/**
 * Switch a durable runtime to a new version of the playbook: check it, migrate state
 * (reporting what is dropped), store it. A version with errors changes nothing.
 */
export function reloadDurable(durable: DurableRuntime, source: string, file: string): ReloadOutcome {
  const compiled = compile(source, { file });
  const { diagnostics, more } = firstDiagnostics(compiled.diagnostics, source);
  if (!compiled.ir) return { ok: false, diagnostics, ...(more ? { moreDiagnostics: more } : {}) };
  const ir = compiled.ir;
  const migration = migrateSnapshot(durable.ir, ir, durable.snapshot());
  try {
    durable.replace(ir, migration.snapshot, playbookMeta(ir, source, file));
  } catch (e) {
    throw new StorageError(messageOf(e));
  }
  return { ok: true, playbook: ir.name, diagnostics, ...(more ? { moreDiagnostics: more } : {}), dropped: migration.dropped, changed: migration.changed };
}

/**
 * The diagnostics a reload reports: errors first (they are why it was refused), at most
 * MAX_RELOAD_DIAGNOSTICS of them formatted. A large garbage body has a diagnostic per line or
 * more; formatting and returning them all would cost the server time and the client a reply
 * nobody reads past the first screen (docs/serve.md#limits).
 */
export function firstDiagnostics(all: readonly Diagnostic[], source: string): { diagnostics: string[]; more: number } {
  const shown: Diagnostic[] = [];
  for (const severity of ['error', 'warning'] as const) {
    for (const d of all) {
      if (shown.length === MAX_RELOAD_DIAGNOSTICS) break;
      if (d.severity === severity) shown.push(d);
    }
  }
  return { diagnostics: shown.map((d) => formatDiagnostic(d, source)), more: all.length - shown.length };
}

export function reloadSummary(outcome: ReloadOutcome): string {
  const dropped = outcome.dropped ?? [];
  return dropped.length ? dropped.map((n) => `${n.what} (${n.count})`).join('; ') : 'nothing dropped';
}

/**
 * An IR stored by an earlier version, brought to this one's shape where only the shape changed,
 * so that restarting on the same playbook after an upgrade is not taken for a new playbook:
 * IRs stored before ladders had an `id` (docs/architecture.md, "The IR") get the one the compiler now gives.
 */
export function upgradeStoredIr(raw: IR): IR {
  // What the store read back is JSON of an older shape: nothing in it is checked yet.
  const stored: unknown = (raw as { ladders?: unknown } | null | undefined)?.ladders;
  if (!Array.isArray(stored)) return raw;
  const ladders = (stored as unknown[]).map((l) =>
    l && typeof l === 'object' && !('id' in l) ? { id: constructId('ladder', String((l as { name?: unknown }).name)), ...l } : l,
  );
  return { ...raw, ladders } as IR;
}
