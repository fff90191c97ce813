import { request, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { PlaybookServer } from '../src/server/server.js';
import { SqliteStore } from '../src/store/sqlite.js';

const PLAYBOOK = `playbook "Stop" {\n  timezone "UTC"\n}\n\nritual onboarding {\n  starts on member.joined\n  say to member "welcome {member.name}"\n  step intro "intro": message.posted where text contains "-"\n}\n`;
const event = (id: string, member: string) =>
  JSON.stringify({ id, type: 'member.joined', at: '2026-03-01T08:00:00Z', community: 'club', member, name: member });

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(db: string): Promise<{ server: PlaybookServer; url: string }> {
  const ir = compile(PLAYBOOK, { file: 'stop.playbook' }).ir!;
  const server = new PlaybookServer({ file: 'stop.playbook', source: PLAYBOOK, ir, store: new SqliteStore(db), clock: 'events' });
  const address = await server.listen(0, '127.0.0.1');
  return { server, url: `http://127.0.0.1:${address.port}` };
}

/**
 * Stopping the SQLite server (docs/serve.md, "Signals"), as a cluster process stops
 * (test/e2e/cluster-stop.e2e.test.ts): a request whose body is read after the stop began is
 * answered 503 with Retry-After and not applied, rather than cut.
 */
describe('stopping serve on SQLite', () => {
  it('a request whose headers came before the stop and whose body came after: 503 with Retry-After, not applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-serve-stop-'));
    dirs.push(dir);
    const db = join(dir, 'stop.db');
    const { server, url } = await start(db);
    const slow = request(`${url}/events`, { method: 'POST' });
    const reply = new Promise<{ res: IncomingMessage; text: string }>((resolve, reject) => {
      slow.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ res, text }));
      });
      slow.on('error', reject);
    });
    reply.catch(() => undefined);
    slow.flushHeaders();
    // The server has read the slow request's headers by the time it answers one sent after them.
    expect((await fetch(`${url}/health`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const closing = server.close();
    slow.end(event('late', 'ann'));
    const { res, text } = await reply;
    expect(res.statusCode, text).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(text).toMatch(/the server is stopping; nothing of this request was applied/);
    await closing;

    // Sent again to the restarted server, the event is new: it was not applied.
    const again = await start(db);
    const r = await fetch(`${again.url}/events`, { method: 'POST', body: event('late', 'ann') });
    expect(r.status).toBe(200);
    expect(r.headers.get('playbook-events')).toMatch(/^processed=1; duplicate=0;/);
    await again.server.close();
  });
});
