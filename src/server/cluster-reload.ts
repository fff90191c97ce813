import type pg from 'pg';
import { compile } from '../compiler/compile.js';
import type { IR } from '../ir/schema.js';
import { firstDiagnostics } from '../hosting/reload.js';
import type { ClusterVersions } from '../hosting/cluster-versions.js';
import { currentVersion, storeVersion } from '../store/postgres-versions.js';

/**
 * Reloading in cluster mode (docs/scaling.md, "Reloading the playbook"): any process checks the
 * new version and stores it as the next version in the database; nothing else happens at once.
 * Each owner carries a community over in the transaction that next processes it (work accepted
 * after the reply included), and every process validates events with the newest version.
 */

/** The meta key a starting process compares its playbook with (the newest version's key). */
export const META_IR = 'playbook.ir';

/** The IR without its file name, so the same playbook at another path is the same version. */
export function irKey(ir: IR): string {
  const { source: _source, ...rest } = ir as IR & { source?: unknown };
  return JSON.stringify(rest);
}

export type ClusterReload =
  { ok: false; diagnostics: string[]; moreDiagnostics?: number } | { ok: true; playbook: string; version: number; unchanged: boolean; diagnostics: string[] };

export async function reloadCluster(pool: pg.Pool, versions: ClusterVersions, source: string, file: string): Promise<ClusterReload> {
  const compiled = compile(source, { file });
  const { diagnostics, more } = firstDiagnostics(compiled.diagnostics, source);
  if (!compiled.ir) return { ok: false, diagnostics, ...(more ? { moreDiagnostics: more } : {}) };
  const client = await pool.connect();
  try {
    const { version, created } = await storeVersion(client, { source, file, key: irKey(compiled.ir) }, META_IR);
    if (created) versions.known(version, compiled.ir);
    return { ok: true, playbook: compiled.ir.name, version, unchanged: !created, diagnostics };
  } finally {
    client.release();
  }
}

/** The newest version's IR, read per request: an event sent after a reload's reply is checked against the new version. */
export async function newestIr(pool: pg.Pool, versions: ClusterVersions): Promise<{ version: number; ir: IR }> {
  const version = Math.max(versions.latest, await currentVersion(pool));
  versions.latest = version;
  return { version, ir: await versions.ir(pool, version) };
}
