import type pg from 'pg';
import type { Outbox, OutboxRow, OutboxStatus } from './outbox.js';

/**
 * The outbox on PostgreSQL (src/store/outbox.ts), shared by cluster mode and the bot's store:
 * appendActions (postgres.ts) writes the rows with their actions; a dispatcher reads and records
 * attempts through this. In a cluster each process asks only for its own communities' calls.
 */
export function postgresOutbox(sql: pg.ClientBase | pg.Pool): Outbox {
  const rows = async (where: string, params: unknown[], communities: readonly string[] | undefined, order: string, limit: number): Promise<OutboxRow[]> => {
    const among = communities ? ` AND community = ANY($${params.length + 2})` : '';
    const r = await sql.query<{
      seq: string;
      community: string;
      action: string;
      attempts: number;
      next_at: string;
      status: OutboxStatus;
      last_error: string | null;
    }>(
      `SELECT seq, community, action, attempts, next_at, status, last_error FROM outbox WHERE ${where}${among} ORDER BY ${order} LIMIT $${params.length + 1}`,
      [...params, limit, ...(communities ? [communities] : [])],
    );
    return r.rows.map((row) => ({
      seq: Number(row.seq),
      community: row.community,
      action: row.action,
      attempts: row.attempts,
      nextAt: Number(row.next_at),
      status: row.status,
      ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    }));
  };
  return {
    due: (now, limit, communities) => rows(`status = 'pending' AND next_at <= $1`, [now], communities, 'seq', limit),
    nextDue: async (communities) => (await rows(`status = 'pending'`, [], communities, 'next_at', 1))[0]?.nextAt,
    record: async (seq, u) => {
      await sql.query('UPDATE outbox SET attempts = $2, status = $3, next_at = $4, last_error = $5 WHERE seq = $1', [
        seq,
        u.attempts,
        u.status,
        Math.floor(u.nextAt),
        u.lastError ?? null,
      ]);
    },
    list: (status, limit) => rows('status = $1', [status], undefined, 'seq DESC', limit),
    counts: async () => {
      const out: Record<OutboxStatus, number> = { pending: 0, delivered: 0, failed: 0 };
      const r = await sql.query<{ status: OutboxStatus; n: string }>('SELECT status, count(*) AS n FROM outbox GROUP BY status');
      for (const row of r.rows) out[row.status] = Number(row.n);
      return out;
    },
  };
}
