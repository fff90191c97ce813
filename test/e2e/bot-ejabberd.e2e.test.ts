/**
 * `playbook bot` in rooms of a real ejabberd (Debian 12's 23.01), as bot-xmpp.e2e.test.ts runs
 * it on Prosody: the CLI as a child process, members as plain XMPP clients, assertions about
 * what the server did as the members saw it. What differs from Prosody is what this file is
 * about:
 *
 * - ejabberd 23.01 has no message moderation (XEP-0425 came in 23.04): the room's service
 *   discovery says so, the bot says so at start, and each delete is `unsupported` (the ad stays);
 * - ejabberd keeps a visitor's role across leaving and rejoining: a mute that ends while the
 *   member is away must be lifted when they come back (issue 17, "Also" 3);
 * - stream management keeps a killed bot's session, and its occupant, in the room for
 *   `resume_timeout`: the restarted bot joins beside that ghost.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { XmlElement } from '@xmpp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess, DEADLINE_WAIT_MS, welcomeText, withBotLogs } from './servers/bot-process.js';
import { removeDir } from './servers/common.js';
import { ejabberdMissing, startEjabberd, type RunningEjabberd } from './servers/ejabberd.js';
import { isSelf, itemOf, Member, NS_FASTEN, NS_STANZAS, stanzaIdOf, statusCodes } from './servers/xmpp-member.js';

const skipReason = ejabberdMissing();

const PASSWORD = 'correct horse';
const BOT_NICK = 'playbook';
const CASE_TIMEOUT_MS = 60_000;

const isPrivate = (text: string) => (s: XmlElement) => s.name === 'message' && s.attrs['type'] === 'chat' && s.getChildText('body') === text;
const fromRoom = (room: string, nick: string, text: string) => (s: XmlElement) =>
  s.name === 'message' && s.attrs['type'] === 'groupchat' && s.attrs['from'] === `${room}/${nick}` && s.getChildText('body') === text;
const selfGone = (s: XmlElement) => s.name === 'presence' && s.attrs['type'] === 'unavailable' && isSelf(s);
const selfRole = (role: string) => (s: XmlElement) => s.name === 'presence' && s.attrs['type'] === undefined && isSelf(s) && itemOf(s)?.attrs['role'] === role;

describe.skipIf(skipReason !== undefined)('playbook bot against ejabberd', () => {
  let server: RunningEjabberd;
  let dir: string;
  let lounge: string;
  let main: BotProcess;
  let witness: Member;
  let boss: Member;
  const bots: BotProcess[] = [];
  const members: Member[] = [];

  const startBot = (label: string, args: string[]): BotProcess => {
    const bot = new BotProcess(label, args, { PLAYBOOK_BOT_PASSWORD: PASSWORD });
    bots.push(bot);
    return bot;
  };
  const xmppArgs = (jid: string, room: string, db: string): string[] => ['--xmpp', server.service, '--jid', jid, '--room', room, '--db', db, '--insecure'];
  const connect = async (name: string): Promise<Member> => {
    const m = await Member.connect(server, name, PASSWORD);
    members.push(m);
    return m;
  };
  const enter = async (m: Member, room: string): Promise<XmlElement> => {
    const self = await m.join(room);
    if (self.attrs['type'] === 'error') throw new Error(`${m.name} could not enter ${room}: ${self.toString()}`);
    return m.waitFor(`the private welcome to ${m.name}`, isPrivate(welcomeText(m.name)));
  };
  const introduce = async (m: Member, room: string) => {
    await enter(m, room);
    await m.say(room, `${m.name}-oslo-cook`);
    await m.waitFor(`the room greeting ${m.name}`, fromRoom(room, BOT_NICK, `Welcome ${m.name}, you are in`));
  };

  beforeAll(async () => {
    // A short resume_timeout keeps the killed bot's ghost for 20 s: longer than the restart
    // case needs to see it, shorter than the file.
    server = await startEjabberd({ resumeTimeout: 20 });
    dir = mkdtempSync(join(tmpdir(), 'playbook-bot-ejabberd-'));
    lounge = `lounge@${server.muc}`;
    const accounts = ['bot', 'bot2', 'boss', 'witness', 'alice', 'bob', 'amy', 'fred', 'gus', 'rita'];
    await Promise.all(accounts.map((n) => server.register(n, PASSWORD)));
    main = startBot('main', [...xmppArgs('bot@localhost', lounge, join(dir, 'main.db')), '--admin', 'boss@localhost']);
    await withBotLogs(
      () => [main],
      async () => {
        await main.waitReady();
        [witness, boss] = await Promise.all([connect('witness'), connect('boss')]);
        await introduce(witness, lounge);
      },
    );
  }, 90_000);

  afterAll(async () => {
    if (process.env['BOT_E2E_DEBUG']) for (const b of bots) console.log(b.report());
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all(members.map((m) => m.stop()));
    await server?.stop();
    if (dir) removeDir(dir);
  });

  it("says at start what the room's service discovery showed: no message moderation on ejabberd 23.01, an archive", async () => {
    const caps = await main.waitLog(' capabilities: ');
    expect(caps).toHaveLength(1);
    expect(caps[0]).toContain(
      `capabilities: xmpp (ejabberd 23.01-1; ${lounge}: no message moderation, archived (stanza ids)): message ids the server's; delete no; mute yes (ended by the bot, applied again by the bot when the member rejoins); kick yes; ban yes`,
    );
    await main.waitLog('note: xmpp cannot delete messages (used by no_ads); those actions will be reported, not carried out');
  });

  it.concurrent(
    'entry ritual: the newcomer who introduces themself is welcomed and stays; the one who does not is kicked at the deadline',
    { timeout: CASE_TIMEOUT_MS },
    async ({ expect }) => {
      await withBotLogs(
        () => [main],
        async () => {
          const [alice, bob] = await Promise.all([connect('alice'), connect('bob')]);
          await enter(alice, lounge);
          await enter(bob, lounge);
          const bobIn = bob.received.length;
          await alice.say(lounge, 'alice-paris-baker');
          await alice.waitFor('alice greeted', fromRoom(lounge, BOT_NICK, 'Welcome alice, you are in'));
          const kicked = await bob.waitFor('bob kicked at his deadline', selfGone, bobIn, DEADLINE_WAIT_MS);
          expect(statusCodes(kicked)).toContain('307');
          expect(itemOf(kicked)?.getChildText('reason')).toBe('no introduction');
          expect(await main.waitOutcome('bob removed', (o) => o.type === 'member.remove' && o.member === 'bob@localhost')).toMatchObject({ status: 'done' });
          expect(alice.all(selfGone)).toEqual([]);
          expect((await alice.say(lounge, 'still here')).attrs['type']).toBe('groupchat');
          expect(main.outcomes.filter((o) => o.type === 'member.remove' && o.member === 'alice@localhost')).toEqual([]);
        },
      );
    },
  );

  it.concurrent(
    'ads: the delete is unsupported (the ad stays, with its stanza-id), the member is warned privately; the second ad removes them',
    { timeout: CASE_TIMEOUT_MS },
    async ({ expect }) => {
      await withBotLogs(
        () => [main],
        async () => {
          const amy = await connect('amy');
          await introduce(amy, lounge);
          const heard = witness.received.length;
          const adText = 'buy now: https://watches.example/cheap';
          const ad = await amy.say(lounge, adText);
          // mod_mam with the room's `mam: true`: the room stamps the message with its id.
          expect(stanzaIdOf(ad, lounge)).toBeTruthy();
          await amy.waitFor('the private warning', isPrivate('First warning: no ads here'));
          const deleted = await main.waitOutcome('the delete of the ad', (o) => o.type === 'message.delete' && o.member === 'amy@localhost');
          expect(deleted.status).toBe('unsupported');
          expect(deleted.reason).toMatch(/cannot retract messages \(XEP-0425 message moderation\): its service discovery has no urn:xmpp:message-moderate:0/);
          await witness.waitFor('the witness hearing the ad', fromRoom(lounge, 'amy', adText), heard);

          await amy.say(lounge, 'buy now, last chance');
          const kicked = await amy.waitFor('amy removed for the second ad', selfGone);
          expect(statusCodes(kicked)).toContain('307');
          expect(itemOf(kicked)?.getChildText('reason')).toBe('ads again');
          expect(amy.all(isPrivate('First warning: no ads here'))).toHaveLength(1);
          // Nothing was retracted: no moderation request reached the room.
          expect(witness.all((s) => s.getChild('apply-to', NS_FASTEN) !== undefined, heard)).toEqual([]);
          await main.waitOutcome('amy removed', (o) => o.type === 'member.remove' && o.member === 'amy@localhost' && o.status === 'done');
        },
      );
    },
  );

  it.concurrent(
    'flood: the member is made a visitor, the admin is told, and the bot gives the voice back at the end',
    { timeout: CASE_TIMEOUT_MS },
    async ({ expect }) => {
      await withBotLogs(
        () => [main],
        async () => {
          const fred = await connect('fred');
          await enter(fred, lounge);
          const told = boss.received.length;
          await fred.say(lounge, 'fred-oslo-cook');
          for (let i = 1; i <= 4; i++) await fred.say(lounge, `flood ${i}`);
          const muted = await fred.waitFor('fred made a visitor', selfRole('visitor'));
          expect(itemOf(muted)?.getChildText('reason')).toBe('flooding');
          await boss.waitFor('the admin notified', (s) => s.name === 'message' && s.getChildText('body') === `[${lounge}] fred was muted for flooding`, told);
          const refused = await fred.say(lounge, 'am I muted?');
          expect(refused.attrs['type']).toBe('error');
          expect(refused.getChild('error')?.getChild('forbidden', NS_STANZAS)).toBeDefined();
          await fred.waitFor('fred a participant again', selfRole('participant'), fred.received.indexOf(muted) + 1, DEADLINE_WAIT_MS);
          expect((await fred.say(lounge, 'sorry, slowing down')).attrs['type']).toBe('groupchat');
          expect(await main.waitOutcome('the unmute', (o) => o.type === 'undo.unmute' && o.member === 'fred@localhost')).toMatchObject({ status: 'done' });
        },
      );
    },
  );

  it.concurrent(
    'a mute that ends while the member is away: ejabberd brings them back as a visitor, and the bot gives the voice back',
    { timeout: CASE_TIMEOUT_MS },
    async ({ expect }) => {
      await withBotLogs(
        () => [main],
        async () => {
          const gus = await connect('gus');
          await enter(gus, lounge);
          await gus.say(lounge, 'gus-oslo-cook');
          for (let i = 1; i <= 4; i++) await gus.say(lounge, `flood ${i}`);
          await gus.waitFor('gus made a visitor', selfRole('visitor'));
          await gus.leave(lounge);
          // The 3 s mute ends while gus is away: the bot's undo finds nobody to give the voice to.
          const undo = await main.waitOutcome('the undo while away', (o) => o.type === 'undo.unmute' && o.member === 'gus@localhost', DEADLINE_WAIT_MS);
          expect(undo.status).toBe('skipped');
          const mark = gus.received.length;
          const back = await gus.join(lounge);
          // ejabberd remembers the role: gus comes back a visitor...
          expect(itemOf(back)?.attrs['role']).toBe('visitor');
          // ...and the bot, which muted him and whose mute is over, gives the voice back.
          const voiced = await gus.waitFor('gus a participant again', selfRole('participant'), mark);
          expect(itemOf(voiced)?.getChildText('reason')).toBe('the mute has ended');
          expect((await gus.say(lounge, 'back, and heard')).attrs['type']).toBe('groupchat');
        },
      );
    },
  );

  it.concurrent(
    'restart: a bot killed with SIGKILL (its session kept as a ghost by stream management) and started again removes the newcomer and repeats nothing',
    { timeout: CASE_TIMEOUT_MS },
    async ({ expect }) => {
      const relay = `relay@${server.muc}`;
      const args = xmppArgs('bot2@localhost', relay, join(dir, 'restart.db'));
      const first = startBot('restart #1', args);
      let second: BotProcess | undefined;
      await withBotLogs(
        () => (second ? [first, second] : [first]),
        async () => {
          await first.waitReady();
          const rita = await connect('rita');
          await enter(rita, relay);
          expect(await first.waitOutcome('the welcome', (o) => o.type === 'message.send' && o.member === 'rita@localhost')).toMatchObject({ status: 'done' });
          const before = rita.received.length;
          await first.kill();

          second = startBot('restart #2', args);
          await second.waitReady();
          const kicked = await rita.waitFor('rita kicked by the restarted bot', selfGone, before, DEADLINE_WAIT_MS);
          expect(statusCodes(kicked)).toContain('307');
          expect(itemOf(kicked)?.getChildText('reason')).toBe('no introduction');
          expect(await second.waitOutcome('the removal', (o) => o.type === 'member.remove')).toMatchObject({ member: 'rita@localhost', status: 'done' });
          // The killed session stayed in the room (stream management keeps it for resume_timeout):
          // nobody saw the bot's nick leave, and the restarted bot joined beside that ghost under the same nick.
          expect(rita.all((s) => s.name === 'presence' && s.attrs['from'] === `${relay}/${BOT_NICK}` && s.attrs['type'] === 'unavailable', before)).toEqual([]);
          expect(rita.all(isPrivate(welcomeText('rita')))).toHaveLength(1);
          expect(second.outcomes.map((o) => o.type)).toEqual(['member.remove']);
          const lastOfFirst = Math.max(...first.outcomes.map((o) => o.seq ?? 0));
          expect(second.outcomes[0]!.seq).toBeGreaterThan(lastOfFirst);
          expect([...first.strayLines, ...second.strayLines]).toEqual([]);
        },
      );
    },
  );
});
