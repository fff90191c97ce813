import type { IR } from '../ir/schema.js';
import type { ClockMode } from '../server/server.js';
import { UsageError, type Io } from './io.js';
import { untilStopped } from './signals.js';
import { messageOf } from '../stdlib/errors.js';

/**
 * `playbook serve FILE --db postgres://…`: one process of a cluster (docs/scaling.md). Loaded
 * only for a PostgreSQL URL, so the other commands never load node-postgres.
 */
export async function serveCluster(
  o: { file: string; source: string; ir: IR; url: string; clock: ClockMode; token: string | undefined; host: string; port: number; maxSkewMs?: number },
  io: Io,
): Promise<number> {
  const { ClusterServer, ClusterStartError } = await import('../server/cluster-server.js');
  const log = (line: string) => {
    io.err(`${new Date().toISOString()} ${line}\n`);
  };
  let server;
  try {
    server = await ClusterServer.open({ ...o, log });
  } catch (e) {
    if (e instanceof ClusterStartError) throw new UsageError(e.message);
    throw e;
  }
  let address;
  try {
    address = await server.listen(o.port, o.host);
  } catch (e) {
    await server.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${o.port} on ${o.host} is already in use`);
    throw e;
  }
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  io.out(`listening on http://${shown}:${address.port}\n`);
  // The URL may hold a password: only its host and database are logged.
  const where = new URL(o.url);
  log(`serving ${o.file} (${o.ir.name}) in cluster mode: db postgres://${where.host}${where.pathname}, clock ${o.clock}, auth ${o.token ? 'on' : 'off'}`);
  return await untilStopped({
    file: o.file,
    log,
    // Stored for every process (docs/scaling.md, "Reloading the playbook"); the outcome is logged when the database has it.
    reload: (text, f) => {
      server.reload(text, f).then(
        (r) => {
          if (!r.ok) log(`SIGHUP: ${f} has errors; the running version is unchanged\n${r.diagnostics.join('\n\n')}`);
          else if (r.unchanged) log(`SIGHUP: ${f} is the version the cluster runs (${r.version}); nothing to reload`);
        },
        (e: unknown) => {
          log(`SIGHUP: reload failed: ${messageOf(e)}; the running version is unchanged`);
        },
      );
      return { ok: true };
    },
    close: () => server.close(),
  }).done;
}
