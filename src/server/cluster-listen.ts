import pg from 'pg';
import { DONE_CHANNEL, INBOX_CHANNEL } from '../hosting/cluster-owner.js';

/**
 * LISTEN for the other processes' news (docs/scaling.md): work accepted for a community, and
 * work processed (`<seq>:<community>`). Reconnects after a lost session until `closed()`;
 * meanwhile the owner and the waiters poll, so nothing depends on a notification arriving.
 */
export async function listenForNews(o: {
  url: string;
  closed: () => boolean;
  listening: (client: pg.Client) => void;
  inbox: (community: string) => void;
  done: (community: string) => void;
}): Promise<void> {
  while (!o.closed()) {
    const client = new pg.Client({ connectionString: o.url, application_name: `playbook-listen ${process.pid}` });
    try {
      const ended = new Promise<void>((resolve) => {
        client.on('error', () => {
          resolve();
        });
        client.on('end', () => {
          resolve();
        });
      });
      client.on('notification', (n) => {
        const payload = n.payload ?? '';
        if (n.channel === INBOX_CHANNEL) o.inbox(payload);
        else if (n.channel === DONE_CHANNEL) o.done(payload.slice(payload.indexOf(':') + 1));
      });
      await client.connect();
      o.listening(client);
      await client.query(`LISTEN ${INBOX_CHANNEL}`);
      await client.query(`LISTEN ${DONE_CHANNEL}`);
      await ended;
    } catch {
      // The database is away; the owner and the waiters poll meanwhile.
    }
    await client.end().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
  }
}
