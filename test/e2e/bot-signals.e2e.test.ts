/**
 * The launch forms docs/bots.md recommends ("Running the bot as a service") pass SIGTERM to the
 * bot itself: the installed bin `node_modules/.bin/playbook` started directly (as a systemd
 * unit's ExecStart does), and a wrapper script that `exec`s it. (`npx playbook bot` does not:
 * npx runs `npm exec`, which runs `sh -c`, which runs node; a SIGTERM to npx ends npx and leaves
 * the bot running with no parent.) Each form is started in a project folder where playbook is
 * installed (node_modules/playbook, its .bin link), against the Telegram Bot API stand-in,
 * stopped with SIGTERM sent to the pid its launcher got, and started again on the same database:
 * it must have exited 0 through its own stop path, and the community's state must be there
 * (the second ad is the ladder's second step, a removal, and nothing is repeated).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { User } from '@grammyjs/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_PLAYBOOK, BotProcess, welcomeText } from './servers/bot-process.js';
import { eventually } from './servers/common.js';
import { TelegramStandin, TOKEN } from './servers/telegram-standin.js';
import { BOT } from './servers/telegram-world.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('SIGTERM reaches the bot through the documented launch forms', () => {
  const api = new TelegramStandin();
  const bots: BotProcess[] = [];
  let project: string;

  beforeAll(async () => {
    // An operator's folder with playbook installed: npm puts the package in node_modules and
    // links its bin into node_modules/.bin.
    project = mkdtempSync(join(tmpdir(), 'playbook-signals-'));
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(ROOT, join(project, 'node_modules', 'playbook'));
    symlinkSync(join('..', 'playbook', 'bin', 'playbook.js'), join(project, 'node_modules', '.bin', 'playbook'));
    const wrapper = join(project, 'run-bot.sh');
    writeFileSync(
      wrapper,
      '#!/bin/sh\n# exec: the shell becomes the bot, so signals sent to this pid reach it\ncd "$(dirname "$0")"\nexec node_modules/.bin/playbook "$@"\n',
    );
    chmodSync(wrapper, 0o755);
    await api.start();
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await api.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  const posted = (chat: number) =>
    [...api.chat(chat).messages.values()].filter((k) => k.message.from.id === BOT.id).map((k) => (k.message as { text?: string }).text);

  const forms: [string, () => string[], number, number][] = [
    ['node_modules/.bin/playbook', () => [join(project, 'node_modules', '.bin', 'playbook')], -1001000000301, 301],
    ['a wrapper script that execs it', () => [join(project, 'run-bot.sh')], -1001000000302, 302],
  ];

  for (const [form, launcher, chat, userId] of forms) {
    it(`${form}: SIGTERM stops the bot cleanly (exit 0), and started again it goes on from the saved state`, async () => {
      api.addChat(chat, form);
      const user: User = api.addUser(userId, `m${userId}`, `m${userId}_user`, true);
      const args = ['--telegram', '--api-root', api.url, `--room=${chat}=c${userId}`, '--db', join(project, `c${userId}.db`)];
      const start = async (label: string) => {
        const bot = new BotProcess(label, args, { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: undefined }, BOT_PLAYBOOK, launcher());
        bots.push(bot);
        await bot.waitReady();
        return bot;
      };

      const first = await start(`${userId}-first`);
      api.join(chat, user);
      await eventually('the welcome', () => api.inbox(userId).find((t) => t === welcomeText(user.first_name)));
      api.post(chat, user, `m${userId}-oslo-cook`);
      await eventually('the ritual done', () => posted(chat).find((t) => t === `Welcome m${userId}, you are in`));
      const ad = api.post(chat, user, 'buy now')!;
      await eventually('the first warning', () => api.inbox(userId).find((t) => t === 'First warning: no ads here'));
      await first.waitOutcome(
        'the warning as done',
        (o) => o.type === 'message.send' && o.status === 'done' && o.member === String(userId) && o.seq !== first.outcomes[0]?.seq,
      );

      // The signal goes to the pid the launcher was given, as systemd or `kill` would send it.
      first.child.kill('SIGTERM');
      expect(await first.ended()).toBe('exited (code 0)');
      expect(first.stderr()).toMatch(/SIGTERM: stopping/);
      expect(first.stderr()).not.toContain('error while stopping');

      const second = await start(`${userId}-second`);
      const again = api.post(chat, user, 'buy now, really')!;
      await second.waitOutcome(
        'the removal (second step of the ads ladder)',
        (o) => o.type === 'member.remove' && o.member === String(userId) && o.status === 'done',
      );
      expect(api.chat(chat).messages.get(ad.message_id)!.deleted).toBe(true);
      expect(api.chat(chat).messages.get(again.message_id)!.deleted).toBe(true);
      expect(api.chat(chat).member(user).status).toBe('left');
      // Nothing of the first run repeated: one welcome, one warning; the restart did only the new ad's actions.
      expect(api.inbox(userId)).toEqual([welcomeText(user.first_name), 'First warning: no ads here']);
      expect(second.outcomes.map((o) => o.type)).toEqual(['message.delete', 'member.remove']);
      second.child.kill('SIGTERM');
      expect(await second.ended()).toBe('exited (code 0)');
    });
  }
});
