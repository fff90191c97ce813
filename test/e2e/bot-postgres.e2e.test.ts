/**
 * `playbook bot --db postgres://…` (docs/bots.md, "PostgreSQL"): the Telegram bot of
 * bot-telegram.e2e.test.ts, its state, timers, processed ids, action log and bookkeeping in a
 * private PostgreSQL cluster. A bot killed with SIGKILL and started again repeats nothing and
 * still fires its deadline; a second bot for the same community waits, without joining, until
 * the first is gone, then goes on from the database.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@grammyjs/types';
import { BOT_PLAYBOOK, BotProcess, DEADLINE_WAIT_MS, welcomeText } from './servers/bot-process.js';
import { eventually } from './servers/common.js';
import { postgresMissing, startPostgres, type PostgresCluster } from './servers/postgres.js';
import { TelegramStandin, TOKEN } from './servers/telegram-standin.js';

const RESTART = -1001000000300;
const STANDBY = -1001000000400;
const HOOKED = -1001000000500;

/** Every message posted is relayed to the operator's service (docs/serve.md, "Webhooks"). */
const HOOKED_PLAYBOOK = `playbook "Hooked Room" {
  timezone "UTC"
}

endpoint crm {
  url env "PLAYBOOK_TEST_BOT_CRM_URL"
  timeout 2s
  retries 5
}

rule relay {
  on message.posted
  do call crm with text, member
}
`;

describe.skipIf(postgresMissing() !== undefined)('playbook bot on PostgreSQL', () => {
  let db: PostgresCluster;
  const apis = { restart: new TelegramStandin(), standby: new TelegramStandin(), hooked: new TelegramStandin() };
  const bots: BotProcess[] = [];
  const users: Record<string, User> = {};

  const args = (api: TelegramStandin, chat: number, name: string) => ['--telegram', '--api-root', api.url, `--room=${chat}=${name}`, '--db', db.url];
  const spawnBot = (label: string, botArgs: string[]) => {
    const bot = new BotProcess(label, botArgs, { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: undefined });
    bots.push(bot);
    return bot;
  };
  const sql = (q: string) => db.psql(q).trim();

  beforeAll(async () => {
    db = await startPostgres();
    for (const api of Object.values(apis)) {
      await api.start();
      for (const [id, name] of [
        [301, 'nova'],
        [302, 'olga'],
      ] as const)
        users[name] = api.addUser(id, name, `${name}_user`, true);
    }
    apis.restart.addChat(RESTART, 'Restart');
    apis.standby.addChat(STANDBY, 'Standby');
    apis.hooked.addChat(HOOKED, 'Hooked');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.kill()));
    await Promise.all(Object.values(apis).map((a) => a.stop()));
    db?.destroy();
  });

  it('SIGKILL and restart: the deadline still removes the newcomer, and nothing is done twice', async () => {
    const api = apis.restart;
    const nova = users['nova']!;
    const first = spawnBot('first', args(api, RESTART, 'restart'));
    await first.waitReady();
    api.join(RESTART, nova);
    await first.waitOutcome('the welcome as done', (o) => o.type === 'message.send' && o.status === 'done');
    const ad = api.post(RESTART, nova, 'buy now')!;
    await first.waitOutcome('the ad deleted', (o) => o.type === 'message.delete' && o.status === 'done');
    await first.waitOutcome('the warning as done', (o) => o.type === 'message.send' && o.status === 'done' && o.seq !== first.outcomes[0]!.seq);
    await first.kill();
    const before = first.outcomes.map((o) => o.seq);
    // Everything it handled is in PostgreSQL: the events' ids, the deadline, the log.
    expect(Number(sql("SELECT count(*) FROM processed WHERE community = 'restart'"))).toBeGreaterThanOrEqual(2);
    expect(Number(sql("SELECT count(*) FROM timers WHERE community = 'restart'"))).toBeGreaterThan(0);
    expect(sql("SELECT string_agg(action::json->>'type', ',' ORDER BY seq) FROM actions WHERE community = 'restart'")).toBe(
      'message.send,message.delete,member.warn,message.send',
    );
    api.post(RESTART, nova, 'anyone here?');
    // Every update already handled comes again, as after a kill before the offset was confirmed.
    api.redeliver();

    const again = spawnBot('again', args(api, RESTART, 'restart'));
    await again.waitReady();
    const removed = await again.waitOutcome('the removal of nova', (o) => o.type === 'member.remove' && o.member === '301', DEADLINE_WAIT_MS);
    expect(removed.status).toBe('done');
    expect(api.chat(RESTART).member(nova).status).toBe('left');
    expect(api.inbox(nova.id)).toEqual([welcomeText('nova'), 'First warning: no ads here']);
    expect(api.calls('deleteMessage').map((r) => r.params)).toEqual([{ chat_id: RESTART, message_id: ad.message_id }]);
    expect(api.calls('banChatMember')).toHaveLength(1);
    expect(again.outcomes.filter((o) => before.includes(o.seq))).toEqual([]);
    expect(again.outcomes.map((o) => o.type)).toEqual(['member.remove']);
    expect(again.stderr()).not.toContain('committed but not done');
    await again.stop();
    expect(await again.ended()).toBe('exited (code 0)');
  });

  it('a second bot for the same community waits without joining, and takes over from the database when the first is killed', async () => {
    const api = apis.standby;
    const olga = users['olga']!;
    const first = spawnBot('owner', args(api, STANDBY, 'standby'));
    await first.waitReady();
    const second = spawnBot('standby', args(api, STANDBY, 'standby'));
    await eventually('the second bot to say it waits', () =>
      second.stderr().includes('waiting: community "standby" is run by playbook-bot') ? true : undefined,
    );
    api.join(STANDBY, olga);
    await first.waitOutcome('the welcome as done', (o) => o.type === 'message.send' && o.status === 'done');
    // Only the owner asked the Bot API anything: the waiting bot has not even called getMe.
    expect(second.ready).toBeUndefined();
    expect(api.calls('getMe')).toHaveLength(1);
    const polls = api.calls('getUpdates').length;
    await first.kill();
    await second.waitReady();
    expect(api.calls('getUpdates').length).toBeGreaterThan(polls);
    const removed = await second.waitOutcome('the removal of olga at the deadline', (o) => o.type === 'member.remove' && o.member === '302', DEADLINE_WAIT_MS);
    expect(removed.status).toBe('done');
    expect(second.outcomes.map((o) => o.type)).toEqual(['member.remove']);
    expect(api.inbox(olga.id)).toEqual([welcomeText('olga')]);
    expect(api.calls('banChatMember')).toHaveLength(1);
  });

  it('the bot whose session the database ends stops with exit 3 instead of acting without its lock', async () => {
    const api = apis.standby;
    const bot = bots.find((b) => b.label === 'standby')!;
    expect(bot.exited()).toBeUndefined();
    sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'playbook-bot %'");
    api.join(STANDBY, users['nova']!);
    expect(await bot.ended()).toBe('exited (code 3)');
    expect(bot.stderr()).toContain('the database failed: PostgreSQL:');
    expect(api.inbox(users['nova']!.id)).toEqual([]);
  });

  it('a webhook call pending when the bot is killed is sent by the bot started again, with the same key', async () => {
    const received: { key: string; body: string }[] = [];
    let accept = false;
    const receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ key: String(req.headers['idempotency-key']), body });
        res.writeHead(accept ? 200 : 503);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'playbook-bot-hooks-'));
    try {
      const file = join(dir, 'hooked.playbook');
      writeFileSync(file, HOOKED_PLAYBOOK);
      const env = {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: undefined,
        PLAYBOOK_TEST_BOT_CRM_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/x`,
      };
      const api = apis.hooked;
      const first = new BotProcess('hooked', args(api, HOOKED, 'hooked'), env, file);
      bots.push(first);
      await first.waitReady();
      api.join(HOOKED, users['olga']!);
      api.post(HOOKED, users['olga']!, 'order 17 please');
      await eventually('the first attempt recorded', () => (sql("SELECT attempts FROM outbox WHERE community = 'hooked'") === '1' ? true : undefined)).catch(
        (e: Error) => {
          throw new Error(
            `${e.message}; outbox ${sql('SELECT * FROM outbox')}; actions ${sql('SELECT action FROM actions ORDER BY seq DESC LIMIT 3')}; received ${received.length}\n${first.report()}`,
          );
        },
      );
      await first.kill();
      accept = true;
      const again = new BotProcess('hooked-again', args(api, HOOKED, 'hooked'), env, file);
      bots.push(again);
      await again.waitReady();
      await eventually('the call delivered', () => (sql("SELECT status FROM outbox WHERE community = 'hooked'") === 'delivered' ? true : undefined));
      const seq = sql("SELECT seq FROM outbox WHERE community = 'hooked'");
      expect(received.map((r) => r.key)).toEqual(Array(received.length).fill(`playbook:hooked:${seq}`));
      expect(received.length).toBeGreaterThanOrEqual(2);
      expect(JSON.parse(received.at(-1)!.body)).toEqual({ text: 'order 17 please', member: String(users['olga']!.id) });
      await again.stop();
    } finally {
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a database used by a bot refuses a cluster of playbook serve, with a clear message', () => {
    const r = spawnSync(process.execPath, ['bin/playbook.js', 'serve', BOT_PLAYBOOK, '--db', db.url, '--port', '0'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('this database holds the state of playbook bot');
  });
});
