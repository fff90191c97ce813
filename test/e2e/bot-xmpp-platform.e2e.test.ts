/**
 * The platform actions of issue 16 through `playbook bot` in a real Prosody room
 * (test/fixtures/bots/platform.playbook): what the room does for each (the reply others read,
 * the affiliation and role changes every occupant sees, the outcast refused and let in again)
 * and what the adapter reports as unsupported (a pin, a role with no affiliation), never as
 * failed. A file of its own beside bot-xmpp.e2e.test.ts, with its own server, so both run at once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { XmlElement } from '@xmpp/client';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { BotProcess, PLATFORM_PLAYBOOK, withBotLogs } from './servers/bot-process.js';
import { eventually, removeDir } from './servers/common.js';
import { prosodyMissing, startProsody, type RunningProsody } from './servers/prosody.js';
import { isSelf, itemOf, Member, NS_STANZAS, stanzaIdOf, statusCodes } from './servers/xmpp-member.js';

const skipReason = prosodyMissing();

const PASSWORD = 'correct horse';
/** The bot's nick in every room (the CLI's default). */
const BOT_NICK = 'playbook';
const CASE_TIMEOUT_MS = 60_000;

const fromRoom = (room: string, nick: string, text: string) => (s: XmlElement) =>
  s.name === 'message' && s.attrs['type'] === 'groupchat' && s.attrs['from'] === `${room}/${nick}` && s.getChildText('body') === text;
/** The member's own presence saying they are out of the room (kicked, banned, left). */
const selfGone = (s: XmlElement) => s.name === 'presence' && s.attrs['type'] === 'unavailable' && isSelf(s);
const selfRole = (role: string) => (s: XmlElement) => s.name === 'presence' && s.attrs['type'] === undefined && isSelf(s) && itemOf(s)?.attrs['role'] === role;

describe.skipIf(skipReason !== undefined)('playbook bot against Prosody: platform actions', () => {
  let server: RunningProsody;
  let dir: string;
  const bots: BotProcess[] = [];
  const members: Member[] = [];

  const startBot = (label: string, args: string[], playbook: string): BotProcess => {
    const bot = new BotProcess(label, args, { PLAYBOOK_BOT_PASSWORD: PASSWORD }, playbook);
    bots.push(bot);
    return bot;
  };
  const xmppArgs = (jid: string, room: string, db: string): string[] => ['--xmpp', server.service, '--jid', jid, '--room', room, '--db', db, '--insecure'];
  const connect = async (name: string): Promise<Member> => {
    const m = await Member.connect(server, name, PASSWORD);
    members.push(m);
    return m;
  };

  beforeAll(async () => {
    server = await startProsody();
    dir = mkdtempSync(join(tmpdir(), 'playbook-bot-xmpp-platform-'));
    await Promise.all(['bot5', 'pia', 'quinn', 'wendy'].map((n) => server.register(n, PASSWORD)));
  }, 60_000);

  afterAll(async () => {
    if (process.env['BOT_E2E_DEBUG']) for (const b of bots) console.log(b.report());
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all(members.map((m) => m.stop()));
    await server?.stop();
    if (dir) removeDir(dir);
  });

  it(
    'platform actions: a reply, the admin role, an early unmute and a timed ban are done by the room; a pin and the voice role are reported unsupported',
    { timeout: CASE_TIMEOUT_MS },
    async ({ expect }) => {
      const plaza = `plaza@${server.muc}`;
      const bot = startBot('platform', xmppArgs('bot5@localhost', plaza, join(dir, 'platform.db')), PLATFORM_PLAYBOOK);
      await withBotLogs(
        () => [bot],
        async () => {
          await bot.waitReady();
          const [pia, quinn, wendy] = await Promise.all([connect('pia'), connect('quinn'), connect('wendy')]);
          for (const m of [wendy, pia, quinn]) expect((await m.join(plaza)).attrs['type']).toBeUndefined();
          const heard = wendy.received.length;

          // reply: addressed to the author by nick, with an XEP-0461 reference to the room's id of the message.
          const asked = await pia.say(plaza, 'reply-me');
          const replied = await wendy.waitFor('the reply', fromRoom(plaza, BOT_NICK, 'pia: noted'), heard);
          const ref = replied.getChild('reply', 'urn:xmpp:reply:0');
          expect(ref?.attrs['id']).toBe(stanzaIdOf(asked, plaza));
          expect(ref?.attrs['to']).toBe(`${plaza}/pia`);
          expect(await bot.waitOutcome('the reply', (o) => o.type === 'message.reply')).toMatchObject({ status: 'done', member: 'pia@localhost' });

          // grant role admin: the admin affiliation, seen by another occupant; voice has no affiliation.
          await pia.say(plaza, 'grant-me');
          await wendy.waitFor(
            'pia made admin',
            (s) => s.name === 'presence' && s.attrs['from'] === `${plaza}/pia` && itemOf(s)?.attrs['affiliation'] === 'admin',
            heard,
          );
          await eventually('both grants reported', () => (bot.outcomes.filter((o) => o.type === 'role.grant').length === 2 ? true : undefined));
          const grants = bot.outcomes.filter((o) => o.type === 'role.grant');
          expect(grants.map((o) => o.status).sort()).toEqual(['done', 'unsupported']);
          expect(grants.find((o) => o.status === 'unsupported')?.reason).toMatch(/no role "voice"/);

          // pin: MUC has none.
          await pia.say(plaza, 'pin-me');
          const pin = await bot.waitOutcome('the pin', (o) => o.type === 'message.pin');
          expect(pin).toMatchObject({ status: 'unsupported' });
          expect(pin.reason).toMatch(/no pinned messages/);
          // ...as the bot said at start, naming the rule.
          expect(await bot.waitLog('note: xmpp cannot pin messages (used by pins)')).toHaveLength(1);

          // mute for an hour, unmuted two seconds later by the ritual's deadline.
          const quiet = quinn.received.length;
          await quinn.say(plaza, 'hush-me');
          const muted = await quinn.waitFor('quinn made a visitor', selfRole('visitor'), quiet);
          const voiced = await quinn.waitFor('quinn a participant again', selfRole('participant'), quinn.received.indexOf(muted) + 1);
          expect(itemOf(voiced)?.getChildText('reason')).toBe('unmuted');
          expect(await bot.waitOutcome('the unmute', (o) => o.type === 'member.unmute')).toMatchObject({ status: 'done', member: 'quinn@localhost' });

          // ban for 3 s: an outcast the room refuses, then let in again when the bot lifts it.
          await quinn.say(plaza, 'ban-me');
          const banned = await quinn.waitFor('quinn banned', selfGone, quiet);
          expect(statusCodes(banned)).toContain('301');
          expect(itemOf(banned)?.attrs['affiliation']).toBe('outcast');
          expect(itemOf(banned)?.getChildText('reason')).toBe('banned for a while');
          expect(await bot.waitOutcome('the ban', (o) => o.type === 'member.ban')).toMatchObject({ status: 'done', member: 'quinn@localhost' });
          const refused = await quinn.join(plaza);
          expect(refused.getChild('error')?.getChild('forbidden', NS_STANZAS)).toBeDefined();
          await eventually(
            'the ban lifted and quinn let in again',
            async () => ((await quinn.join(plaza)).attrs['type'] === 'error' ? undefined : true),
            10_000,
          );
          expect(bot.outcomes.filter((o) => o.status === 'failed')).toEqual([]);
        },
      );
    },
  );
});
