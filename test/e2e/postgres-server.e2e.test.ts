import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { postgresMissing, startPostgres, type PostgresCluster } from './servers/postgres.js';

/** The private cluster the PostgreSQL tests run on: it starts, answers, restarts and stops. */
describe.skipIf(postgresMissing() !== undefined)('a private PostgreSQL cluster', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(() => cluster?.destroy());

  it('accepts connections on 127.0.0.1, survives a restart and keeps its data', async () => {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    await client.query('CREATE TABLE t (x int)');
    await client.query('INSERT INTO t VALUES (42)');
    await client.end();
    cluster.stop();
    cluster.start();
    const again = new pg.Client({ connectionString: cluster.url });
    await again.connect();
    const r = await again.query<{ x: number; addr: string }>('SELECT x, inet_server_addr()::text AS addr FROM t');
    await again.end();
    expect(r.rows).toEqual([{ x: 42, addr: '127.0.0.1/32' }]);
  }, 60_000);
});
