import type { DurableStore } from '../store/store.js';
import { UsageError } from './io.js';

/**
 * The store of `playbook bot --db postgres://…` (docs/bots.md, "PostgreSQL"): loaded only for
 * such a URL, so other bots never load node-postgres. While another process holds one of the
 * communities, this waits (logging who holds it, once) before the bot joins any room; SIGTERM or
 * SIGINT meanwhile gives up, and the bot exits 0 without having started (undefined).
 */
export async function openBotPostgres(url: string, communities: readonly string[], log: (line: string) => void): Promise<DurableStore | undefined> {
  const { PgBotStore } = await import('../store/postgres-bot.js');
  const { PgStoreError } = await import('../store/postgres.js');
  const stop = new AbortController();
  const onSignal = () => {
    stop.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  // The URL may hold a password: only its host and database are logged.
  const where = new URL(url);
  try {
    return await PgBotStore.open({
      url,
      communities,
      signal: stop.signal,
      onWait: (community, holder) => {
        log(
          `waiting: community ${JSON.stringify(community)} is run by ${holder} on postgres://${where.host}${where.pathname}; ` +
            'this bot joins its rooms once that process stops',
        );
      },
    });
  } catch (e) {
    if (stop.signal.aborted) {
      log('stopped while waiting for the communities');
      return undefined;
    }
    if (e instanceof PgStoreError) throw new UsageError(e.message);
    throw e;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
