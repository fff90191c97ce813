/**
 * `playbook bot --telegram --webhook URL`: the stand-in (servers/telegram-standin.ts) POSTs
 * updates to the bot, with the secret the bot gave setWebhook, and sends each again until it is
 * answered 2xx, as Telegram does. Checked: the setWebhook call, that nobody polls, that a request
 * without the secret is refused, and that updates made while the bot was killed arrive after it
 * starts again, once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess, welcomeText } from './servers/bot-process.js';
import { eventually, freePort } from './servers/common.js';
import { TelegramStandin, TOKEN } from './servers/telegram-standin.js';
import { BOT } from './servers/telegram-world.js';

const HOOK = -1001000000300;

describe('playbook bot on Telegram with a webhook', () => {
  const api = new TelegramStandin();
  const bots: BotProcess[] = [];
  let dir: string;
  let args: string[];
  let url: string;
  const wade = api.addUser(301, 'wade', 'wade_user', true);

  const startBot = async () => {
    const bot = new BotProcess('wbot', args, { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: undefined });
    bots.push(bot);
    await bot.waitReady();
    return bot;
  };
  const posted = () => [...api.chat(HOOK).messages.values()].filter((k) => k.message.from.id === BOT.id).map((k) => (k.message as { text?: string }).text);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'playbook-bot-telegram-hook-'));
    await api.start();
    api.addChat(HOOK, 'Hook');
    const port = await freePort();
    url = `http://127.0.0.1:${port}/telegram/updates`;
    args = [
      '--telegram',
      '--api-root',
      api.url,
      `--room=${HOOK}=hook`,
      '--db',
      join(dir, 'wbot.db'),
      '--webhook',
      url,
      '--webhook-listen',
      `127.0.0.1:${port}`,
    ];
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await api.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sets the webhook with a secret, refuses requests without it, and gets what happened while it was killed after it starts again', async () => {
    const wbot = await startBot();
    const set = api.calls('setWebhook');
    expect(set).toHaveLength(1);
    expect(set[0]!.params).toMatchObject({
      url,
      allowed_updates: ['message', 'edited_message', 'chat_member', 'message_reaction', 'chat_join_request'],
      drop_pending_updates: false,
      secret_token: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(api.calls('getUpdates')).toEqual([]);
    expect(api.calls('deleteWebhook')).toEqual([]);

    api.join(HOOK, wade);
    await eventually('the private welcome', () => api.inbox(wade.id).find((t) => t === welcomeText('wade')));
    api.post(HOOK, wade, 'wade-kyiv-chef');
    await eventually('the welcome in the group', () => posted().find((t) => t === 'Welcome wade, you are in'));

    // A forged update, without the secret: refused, and nothing is deleted.
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'guess' },
      body: JSON.stringify({
        update_id: 1,
        message: { message_id: 1, date: 1, chat: { id: HOOK, type: 'supergroup', title: 'Hook' }, from: wade, text: 'buy now' },
      }),
    });
    expect(forged.status).toBe(401);

    const ad = api.post(HOOK, wade, 'buy now: http://spam.example')!;
    await eventually('the ad deleted', () => api.chat(HOOK).messages.get(ad.message_id)!.deleted || undefined);
    await eventually('the warning', () => api.inbox(wade.id).find((t) => t === 'First warning: no ads here'));
    await wbot.waitOutcome('the warning as done', (o) => o.type === 'message.send' && o.status === 'done' && o.seq !== wbot.outcomes[0]!.seq);
    expect(api.calls('deleteMessage').map((r) => r.params['message_id'])).toEqual([ad.message_id]);

    await wbot.kill();
    const again = api.post(HOOK, wade, 'buy now, last chance')!;
    await eventually('a delivery refused while the bot is down', () => api.deliveries.find((d) => d.status === 0));
    const restarted = await startBot();
    await restarted.waitOutcome('the removal for a second ad', (o) => o.type === 'member.remove' && o.member === '301' && o.status === 'done');
    expect(api.chat(HOOK).messages.get(again.message_id)!.deleted).toBe(true);
    expect(api.chat(HOOK).member(wade).status).toBe('left');
    // Each update was taken once (2xx), however often it was offered.
    const taken = api.deliveries.filter((d) => d.status === 200).map((d) => d.updateId);
    expect(new Set(taken).size).toBe(taken.length);
    expect(api.calls('setWebhook')).toHaveLength(2);
    expect(api.calls('setWebhook')[1]!.params['secret_token']).not.toBe(set[0]!.params['secret_token']);
    expect(wbot.stderr()).toContain('webhook: a request without the secret token from 127.0.0.1 refused');
    for (const b of bots) expect(b.stderr()).not.toContain(TOKEN);
  });
});
