/**
 * The whole bot, through its command line, in a real Prosody room: `playbook bot` runs
 * test/fixtures/bots/room.playbook (entry ritual with a 6 s deadline, no ads, flood control)
 * as a child process, and scripted members are plain XMPP clients. Every case asserts what the
 * server did, as the members saw it (private messages, retractions, kicks, roles, refusals),
 * besides the outcome lines the bot printed.
 *
 * One bot serves the cases that cannot disturb each other (each with its own members); the
 * restart and the ban each need a bot of their own (killed; another --remove), in rooms of
 * their own. The cases run concurrently: the file's time is about the longest of them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { XmlElement } from '@xmpp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_PLAYBOOK, BotProcess, DEADLINE_WAIT_MS, welcomeText, withBotLogs } from './servers/bot-process.js';
import { eventually, removeDir } from './servers/common.js';
import { prosodyMissing, startProsody, type RunningProsody } from './servers/prosody.js';
import { archivedBodies, isSelf, itemOf, Member, NS_MODERATE, NS_FASTEN, NS_STANZAS, retractedId, stanzaIdOf, statusCodes } from './servers/xmpp-member.js';

const skipReason = prosodyMissing();

const PASSWORD = 'correct horse';
/** The bot's nick in every room (the CLI's default). */
const BOT_NICK = 'playbook';
const CASE_TIMEOUT_MS = 60_000;

const isPrivate = (text: string) => (s: XmlElement) => s.name === 'message' && s.attrs['type'] === 'chat' && s.getChildText('body') === text;
const fromRoom = (room: string, nick: string, text: string) => (s: XmlElement) =>
  s.name === 'message' && s.attrs['type'] === 'groupchat' && s.attrs['from'] === `${room}/${nick}` && s.getChildText('body') === text;
/** The member's own presence saying they are out of the room (kicked, banned, left). */
const selfGone = (s: XmlElement) => s.name === 'presence' && s.attrs['type'] === 'unavailable' && isSelf(s);
const selfRole = (role: string) => (s: XmlElement) => s.name === 'presence' && s.attrs['type'] === undefined && isSelf(s) && itemOf(s)?.attrs['role'] === role;

describe.skipIf(skipReason !== undefined)('playbook bot against Prosody', () => {
  let server: RunningProsody;
  let dir: string;
  let lounge: string;
  let main: BotProcess;
  let witness: Member;
  let boss: Member;
  const bots: BotProcess[] = [];
  const members: Member[] = [];

  const startBot = (label: string, args: string[], playbook?: string): BotProcess => {
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
  /** Enter the room as a newcomer: in, and the bot's private welcome received. */
  const enter = async (m: Member, room: string): Promise<XmlElement> => {
    const self = await m.join(room);
    if (self.attrs['type'] === 'error') throw new Error(`${m.name} could not enter ${room}: ${self.toString()}`);
    return m.waitFor(`the private welcome to ${m.name}`, isPrivate(welcomeText(m.name)));
  };

  beforeAll(async () => {
    server = await startProsody();
    dir = mkdtempSync(join(tmpdir(), 'playbook-bot-xmpp-'));
    lounge = `lounge@${server.muc}`;
    const accounts = ['bot', 'bot2', 'bot3', 'bot4', 'boss', 'witness', 'alice', 'bob', 'amy', 'fred', 'rita', 'eve', 'hugo', 'iris'];
    await Promise.all(accounts.map((n) => server.register(n, PASSWORD)));
    // The bot comes first: the room it creates makes it owner, so it may moderate and sees real JIDs.
    main = startBot('main', [...xmppArgs('bot@localhost', lounge, join(dir, 'main.db')), '--admin', 'boss@localhost']);
    await withBotLogs(
      () => [main],
      async () => {
        await main.waitReady();
        [witness, boss] = await Promise.all([connect('witness'), connect('boss')]);
        // The witness is a newcomer like anyone: it introduces itself, so the deadline leaves it in.
        await enter(witness, lounge);
        await witness.say(lounge, 'witness-lyon-clerk');
        await witness.waitFor('the room greeting the witness', fromRoom(lounge, BOT_NICK, 'Welcome witness, you are in'));
      },
    );
  }, 60_000);

  afterAll(async () => {
    // To see the bots' logs when all passes: BOT_E2E_DEBUG=1 npx vitest run <this file>
    if (process.env['BOT_E2E_DEBUG']) for (const b of bots) console.log(b.report());
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all(members.map((m) => m.stop()));
    await server?.stop();
    if (dir) removeDir(dir);
  });

  it.concurrent(
    'entry ritual: the newcomer who introduces themselves is welcomed and stays; the one who does not is kicked at the deadline',
    { timeout: CASE_TIMEOUT_MS },
    async ({ expect }) => {
      await withBotLogs(
        () => [main],
        async () => {
          const [alice, bob] = await Promise.all([connect('alice'), connect('bob')]);
          const heard = witness.received.length;
          const welcome = await enter(alice, lounge);
          expect(welcome.attrs['from']?.startsWith('bot@localhost/')).toBe(true);
          // Bob comes after Alice's welcome, so his deadline is later than hers.
          await enter(bob, lounge);
          const bobIn = bob.received.length;

          const intro = await alice.say(lounge, 'alice-paris-baker');
          expect(intro.attrs['type']).toBe('groupchat');
          await witness.waitFor('the room greeting alice', fromRoom(lounge, BOT_NICK, 'Welcome alice, you are in'), heard);
          await alice.waitFor('alice hearing her greeting', fromRoom(lounge, BOT_NICK, 'Welcome alice, you are in'));

          const kicked = await bob.waitFor('bob kicked at his deadline', selfGone, bobIn, DEADLINE_WAIT_MS);
          expect(statusCodes(kicked)).toContain('307');
          expect(itemOf(kicked)?.getChildText('reason')).toBe('no introduction');
          const seenGo = await witness.waitFor(
            'the room telling the witness bob was kicked',
            (s) => s.name === 'presence' && s.attrs['from'] === `${lounge}/bob` && s.attrs['type'] === 'unavailable',
            heard,
          );
          expect(statusCodes(seenGo)).toContain('307');

          // Alice's deadline was before Bob's: it has passed, and she is still in the room.
          expect(alice.all(selfGone)).toEqual([]);
          const still = await alice.say(lounge, 'still here');
          expect(still.attrs['type']).toBe('groupchat');
          await witness.waitFor('the witness hearing alice after the deadline', fromRoom(lounge, 'alice', 'still here'), heard);
          expect(alice.all(isPrivate(welcomeText('alice')))).toHaveLength(1);

          expect(main.outcomes.filter((o) => o.type === 'member.remove' && o.member === 'alice@localhost')).toEqual([]);
          expect(await main.waitOutcome('bob removed', (o) => o.type === 'member.remove' && o.member === 'bob@localhost')).toMatchObject({
            status: 'done',
            community: lounge,
          });
        },
      );
    },
  );

  it.concurrent(
    'no ads: the first ad is retracted for everyone and warned about privately; the second removes the member',
    { timeout: CASE_TIMEOUT_MS },
    async ({ expect }) => {
      await withBotLogs(
        () => [main],
        async () => {
          const amy = await connect('amy');
          await enter(amy, lounge);
          await amy.say(lounge, 'amy-rome-painter');
          await amy.waitFor('the room greeting amy', fromRoom(lounge, BOT_NICK, 'Welcome amy, you are in'));

          const heard = witness.received.length;
          const firstAdText = 'buy now: https://watches.example/cheap';
          const firstAd = await amy.say(lounge, firstAdText);
          expect(firstAd.attrs['type']).toBe('groupchat');
          const firstId = stanzaIdOf(firstAd, lounge);
          expect(firstId).toBeTruthy();
          await witness.waitFor('the witness hearing the ad', fromRoom(lounge, 'amy', firstAdText), heard);
          const retraction = await witness.waitFor('the retraction of the first ad', (s) => retractedId(s) === firstId, heard);
          expect(retraction.getChild('apply-to', NS_FASTEN)!.getChild('moderated', NS_MODERATE)!.attrs['by']).toBe(`${lounge}/${BOT_NICK}`);
          await amy.waitFor('the retraction reaching amy too', (s) => retractedId(s) === firstId);
          const warning = await amy.waitFor('the private warning', isPrivate('First warning: no ads here'));
          expect(warning.attrs['from']?.startsWith('bot@localhost/')).toBe(true);
          // The room's archive keeps no text of it either.
          const archive = await archivedBodies(witness, lounge);
          expect(archive.map((m) => m.body)).not.toContain(firstAdText);
          expect(archive.find((m) => m.id === firstId)).toMatchObject({ body: null, moderated: true });
          expect(amy.all(selfGone)).toEqual([]);

          const secondAd = await amy.say(lounge, 'buy now, last chance');
          const secondId = stanzaIdOf(secondAd, lounge);
          expect(secondId).toBeTruthy();
          await witness.waitFor('the retraction of the second ad', (s) => retractedId(s) === secondId, heard);
          const kicked = await amy.waitFor('amy removed for the second ad', selfGone);
          expect(statusCodes(kicked)).toContain('307');
          expect(itemOf(kicked)?.getChildText('reason')).toBe('ads again');
          expect(amy.all(isPrivate('First warning: no ads here'))).toHaveLength(1);

          // The member hears of the kick before the bot has the room's answer: wait for its line.
          await main.waitOutcome('amy removed', (o) => o.type === 'member.remove' && o.member === 'amy@localhost');
          const amys = main.outcomes.filter((o) => o.member === 'amy@localhost' && o.type !== 'message.send');
          expect(amys.map((o) => `${o.type} ${o.status}`)).toEqual(['message.delete done', 'message.delete done', 'member.remove done']);
        },
      );
    },
  );

  it.concurrent(
    'flood: five messages within 10 s mute the member on the server, the admin is told, and the mute ends by itself',
    { timeout: CASE_TIMEOUT_MS },
    async ({ expect }) => {
      await withBotLogs(
        () => [main],
        async () => {
          const fred = await connect('fred');
          await enter(fred, lounge);
          const heard = witness.received.length;
          const told = boss.received.length;
          // The introduction is the first of the five.
          await fred.say(lounge, 'fred-oslo-cook');
          for (let i = 1; i <= 4; i++) expect((await fred.say(lounge, `flood ${i}`)).attrs['type']).toBe('groupchat');

          const muted = await fred.waitFor('fred made a visitor', selfRole('visitor'));
          expect(itemOf(muted)?.getChildText('reason')).toBe('flooding');
          const note = await boss.waitFor('the admin notified', (s) => s.name === 'message' && s.getChildText('body') !== null, told);
          expect(note.attrs['type']).toBe('chat');
          expect(note.getChildText('body')).toBe(`[${lounge}] fred was muted for flooding`);

          const refused = await fred.say(lounge, 'am I muted?');
          expect(refused.attrs['type']).toBe('error');
          expect(refused.getChild('error')?.getChild('forbidden', NS_STANZAS)).toBeDefined();

          const voiced = await fred.waitFor('fred a participant again', selfRole('participant'), fred.received.indexOf(muted) + 1);
          expect(itemOf(voiced)?.getChildText('reason')).toBe('the mute has ended');
          const back = await fred.say(lounge, 'sorry, slowing down');
          expect(back.attrs['type']).toBe('groupchat');
          await witness.waitFor('the witness hearing fred again', fromRoom(lounge, 'fred', 'sorry, slowing down'), heard);
          // Every post of fred's reached the witness but the one the server refused.
          const fromFred = witness.all((s) => s.name === 'message' && s.attrs['from'] === `${lounge}/fred` && s.getChildText('body') !== null, heard);
          expect(fromFred.map((s) => s.getChildText('body'))).toEqual(['fred-oslo-cook', 'flood 1', 'flood 2', 'flood 3', 'flood 4', 'sorry, slowing down']);

          expect(await main.waitOutcome('the mute', (o) => o.type === 'member.mute' && o.member === 'fred@localhost')).toMatchObject({ status: 'done' });
          expect(await main.waitOutcome('the notice', (o) => o.type === 'admin.notify')).toMatchObject({ status: 'done' });
        },
      );
    },
  );

  it.concurrent(
    'restart: a bot killed before the deadline and started again on the same database removes the newcomer and repeats nothing',
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
          // The welcome is done and recorded as done: the bot printed its outcome.
          expect(await first.waitOutcome('the welcome', (o) => o.type === 'message.send' && o.member === 'rita@localhost')).toMatchObject({ status: 'done' });
          const before = rita.received.length;
          await first.kill();
          await rita.waitFor(
            'the room telling rita the bot is gone',
            (s) => s.name === 'presence' && s.attrs['from'] === `${relay}/${BOT_NICK}` && s.attrs['type'] === 'unavailable',
            before,
          );
          expect(rita.all(selfGone)).toEqual([]);

          second = startBot('restart #2', args);
          await second.waitReady();
          const kicked = await rita.waitFor('rita kicked by the restarted bot', selfGone, before, DEADLINE_WAIT_MS);
          expect(statusCodes(kicked)).toContain('307');
          expect(itemOf(kicked)?.getChildText('reason')).toBe('no introduction');
          expect(await second.waitOutcome('the removal', (o) => o.type === 'member.remove')).toMatchObject({ member: 'rita@localhost', status: 'done' });

          // Nothing from before the kill again: one welcome, and the second run's actions all come after the first's.
          expect(rita.all(isPrivate(welcomeText('rita')))).toHaveLength(1);
          expect(second.outcomes.map((o) => o.type)).toEqual(['member.remove']);
          const lastOfFirst = Math.max(...first.outcomes.map((o) => o.seq ?? 0));
          expect(second.outcomes[0]!.seq).toBeGreaterThan(lastOfFirst);
          expect([...first.strayLines, ...second.strayLines]).toEqual([]);
        },
      );
    },
  );

  it.concurrent(
    'remove "ban" in a config file: the removed member is an outcast and the room refuses them',
    { timeout: CASE_TIMEOUT_MS },
    async ({ expect }) => {
      const strict = `strict@${server.muc}`;
      const configFile = join(dir, 'ban.json');
      writeFileSync(
        configFile,
        JSON.stringify(
          { xmpp: { service: server.service, jid: 'bot3@localhost', allowPlaintext: true }, rooms: [strict], remove: 'ban', db: join(dir, 'ban.db') },
          null,
          2,
        ),
      );
      const guard = startBot('ban', ['--config', configFile]);
      await withBotLogs(
        () => [guard],
        async () => {
          await guard.waitReady();
          const eve = await connect('eve');
          await enter(eve, strict);
          const banned = await eve.waitFor('eve banned at her deadline', selfGone, 0, DEADLINE_WAIT_MS);
          expect(statusCodes(banned)).toContain('301');
          expect(itemOf(banned)?.attrs['affiliation']).toBe('outcast');
          expect(itemOf(banned)?.getChildText('reason')).toBe('no introduction');
          expect(await guard.waitOutcome('the removal', (o) => o.type === 'member.remove')).toMatchObject({ member: 'eve@localhost', status: 'done' });

          const again = await eve.join(strict);
          expect(again.attrs['type']).toBe('error');
          expect(again.getChild('error')?.getChild('forbidden', NS_STANZAS)).toBeDefined();
        },
      );
    },
  );

  it.concurrent(
    'SIGHUP reloads the playbook (a broken version is refused), SIGTERM stops the bot with exit 0',
    { timeout: CASE_TIMEOUT_MS },
    async ({ expect }) => {
      const hall = `hall@${server.muc}`;
      const file = join(dir, 'hall.playbook');
      const original = readFileSync(BOT_PLAYBOOK, 'utf8');
      writeFileSync(file, original);
      const bot = startBot('reload', xmppArgs('bot4@localhost', hall, join(dir, 'reload.db')), file);
      await withBotLogs(
        () => [bot],
        async () => {
          await bot.waitReady();
          const hugo = await connect('hugo');
          await enter(hugo, hall);

          writeFileSync(file, original.replace('ritual onboarding {', 'ritual onboarding {{'));
          bot.signal('SIGHUP');
          await eventually('the refused reload', () => (bot.stderr().includes('has errors; the running version is unchanged') ? true : undefined));
          expect(bot.stderr()).toMatch(/hall\.playbook:\d+:\d+: error/);

          writeFileSync(file, original.replace('Welcome {member.name}! Introduce yourself', 'Hello {member.name}! Introduce yourself'));
          bot.signal('SIGHUP');
          await eventually('the reload', () => (bot.stderr().includes(`reloaded ${file} (Live Room)`) ? true : undefined));
          const iris = await connect('iris');
          await iris.join(hall);
          await iris.waitFor('the welcome of the new version', isPrivate(welcomeText('iris').replace('Welcome', 'Hello')));
          // hugo's ritual carried over: still pending, his deadline still removes him.
          expect(statusCodes(await hugo.waitFor('hugo kicked at his deadline', selfGone, 0, DEADLINE_WAIT_MS))).toContain('307');

          bot.signal('SIGTERM');
          expect(await bot.ended()).toBe('exited (code 0)');
          expect(bot.stderr()).toContain('SIGTERM: stopping');
          expect(bot.strayLines).toEqual([]);
        },
      );
    },
  );

  it("logs one capabilities line at start from the room's service discovery (Prosody with muc_moderation and muc_mam)", async () => {
    const lines = await main.waitLog(' capabilities: ');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`capabilities: xmpp (Prosody `);
    expect(lines[0]).toContain(`; ${lounge}: urn:xmpp:message-moderate:0, archived (stanza ids)): message ids the server's; delete yes; mute yes`);
  });
});
