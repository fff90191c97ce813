/**
 * A real InspIRCd 3 (Debian package inspircd) for the IRC adapter's end-to-end tests: on
 * 127.0.0.1 and a free port, configured in a temporary folder, run as the `irc` user when the
 * tests run as root (InspIRCd refuses root).
 *
 * The connect class keeps InspIRCd's flood protection as Debian ships it in
 * /etc/inspircd/inspircd.conf (threshold 10, fakelag on, recvq 8192) except the command rate,
 * doubled to two lines a second so the test file stays short; the adapter under test is
 * configured to match. No DNS or ident lookups, so
 * registration never waits on a resolver that is not there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ircLineParser, type IrcMessage } from 'irc-framework';
import { eventually, freePort, handOver, removeDir, runAsUser, serverDir, spawnServer, waitForPort, type RunningProcess } from './common.js';

export const INSPIRCD = '/usr/sbin/inspircd';

export interface InspircdOptions {
  /** Load m_ircv3_msgid (messages carry a `msgid` tag). Default true. */
  msgid?: boolean;
  /** Load m_timedbans (TBAN). Default true. */
  timedBans?: boolean;
  /** Lines per second the server processes before fakelag holds them back, in millicommands. */
  commandRate?: number;
  /** Listen on this port (a restarted server in the old one's place) instead of a free one. */
  port?: number;
  /** More modules to load, by name without `m_` (e.g. `autoop` for the +w auto-op list). */
  extraModules?: string[];
}

export interface RunningInspircd {
  host: '127.0.0.1';
  port: number;
  serverName: string;
  /** The connect class's flood settings, for the adapter's send rate. */
  flood: { threshold: number; commandRate: number; recvq: number };
  dir: string;
  /** The server's log file so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

function config(
  dir: string,
  port: number,
  o: Required<Omit<InspircdOptions, 'port' | 'extraModules'>> & { extraModules: string[] },
  flood: RunningInspircd['flood'],
): string {
  const modules = [
    'cap',
    'ircv3',
    'ircv3_capnotify',
    'ircv3_ctctags', // the message-tags capability, which carries msgid and time
    'ircv3_servertime',
    'ircv3_chghost',
    'uhnames', // userhost-in-names: NAMES gives user@host, for bans on occupants
    'namesx',
    'muteban', // extban m: +b m:mask stops a matching member from speaking
    ...(o.msgid ? ['ircv3_msgid'] : []),
    ...(o.timedBans ? ['timedbans'] : []),
    ...o.extraModules,
  ];
  return `# Generated for a Playbook end-to-end test.
<server name="irc.playbook.test" description="Playbook test server" network="PlaybookTest">
<admin name="Playbook tests" nick="tests" email="tests@localhost">
<bind address="127.0.0.1" port="${port}" type="clients">
<connect name="loopback" allow="127.0.0.0/8"
         timeout="20" pingfreq="120"
         hardsendq="1M" softsendq="10240" recvq="${flood.recvq}"
         threshold="${flood.threshold}" commandrate="${flood.commandRate}" fakelag="yes"
         localmax="50" globalmax="50" maxchans="20" limit="500"
         resolvehostnames="no" useident="no">
<path configdir="${dir}" datadir="${dir}" logdir="${dir}">
<pid file="${join(dir, 'inspircd.pid')}">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="${join(dir, 'ircd.log')}">
<dns server="127.0.0.1" timeout="1">
<options hostintopic="no" syntaxhints="no">
<security hideserver="" userstats="Pu">
${modules.map((m) => `<module name="${m}">`).join('\n')}
${o.timedBans ? '<timedbans sendnotice="yes">' : ''}
`;
}

export async function startInspircd(options: InspircdOptions = {}): Promise<RunningInspircd> {
  const o = { msgid: true, timedBans: true, commandRate: 2000, ...options, extraModules: options.extraModules ?? [] };
  const flood = { threshold: 10, commandRate: o.commandRate, recvq: 8192 };
  const user = runAsUser('irc');
  const dir = serverDir('inspircd', user);
  const port = options.port ?? (await freePort());
  const conf = join(dir, 'inspircd.conf');
  writeFileSync(conf, config(dir, port, o, flood));
  handOver(dir, user);
  let proc: RunningProcess | undefined;
  const readLog = () => {
    try {
      return readFileSync(join(dir, 'ircd.log'), 'utf8');
    } catch {
      return '';
    }
  };
  try {
    proc = spawnServer(INSPIRCD, ['--nofork', '--config', conf], { cwd: dir, user });
    await waitForPort(port, 15_000, () => proc!.exited());
  } catch (e) {
    await proc?.stop();
    const output = proc?.output() ?? '';
    removeDir(dir);
    throw new Error(`InspIRCd did not start: ${(e as Error).message}\n${output.slice(-3000)}`, { cause: e });
  }
  const running = proc;
  return {
    host: '127.0.0.1',
    port,
    serverName: 'irc.playbook.test',
    flood,
    dir,
    log: readLog,
    stop: async () => {
      await running.stop();
      removeDir(dir);
    },
  };
}

/**
 * A scripted channel member: a plain socket speaking raw IRC, so the test sees exactly what
 * the server sent (numerics, tags, kicks) with no client library in between. Each member
 * connects from its own loopback address (127.0.0.N), so the server gives it its own host and
 * a `*!*@host` ban hits only that member, as it would on the internet.
 */
/** A line as a member received it: parsed, plus the raw text and its size in bytes (without CR LF). */
export type ReceivedLine = IrcMessage & { raw: string; rawBytes: number };

export interface IrcTestMember {
  nick: string;
  address: string;
  /** Every line received so far, parsed. */
  lines: ReceivedLine[];
  send(line: string): void;
  /** The first line (received so far or later) that `pred` accepts. */
  waitFor(what: string, pred: (m: ReceivedLine) => boolean, timeoutMs?: number): Promise<ReceivedLine>;
  closed(): boolean;
  quit(message?: string): Promise<void>;
}

export async function connectMember(
  server: { host: string; port: number },
  nick: string,
  address: string,
  caps: string[] = ['message-tags', 'server-time'],
): Promise<IrcTestMember> {
  const sock = connect({ host: server.host, port: server.port, localAddress: address });
  const lines: ReceivedLine[] = [];
  let buffer = Buffer.alloc(0);
  let isClosed = false;
  sock.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    let nl: number;
    while ((nl = buffer.indexOf('\r\n')) >= 0) {
      const raw = buffer.subarray(0, nl).toString('utf8');
      buffer = buffer.subarray(nl + 2);
      if (raw.startsWith('PING ')) sock.write(`PONG ${raw.slice(5)}\r\n`);
      const parsed = ircLineParser(raw);
      if (parsed) lines.push(Object.assign(parsed, { raw, rawBytes: nl }));
    }
  });
  sock.on('close', () => (isClosed = true));
  sock.on('error', () => (isClosed = true));
  const member: IrcTestMember = {
    nick,
    address,
    lines,
    send: (line) => void sock.write(`${line}\r\n`),
    waitFor: (what, pred, timeoutMs = 10_000) => eventually(`${nick}: ${what}`, () => lines.find(pred), timeoutMs),
    closed: () => isClosed,
    quit: async (message = 'bye') => {
      if (isClosed) return;
      sock.write(`QUIT :${message}\r\n`);
      await eventually(`${nick} to disconnect`, () => (isClosed ? true : undefined), 5000).catch(() => sock.destroy());
    },
  };
  if (caps.length) member.send(`CAP REQ :${caps.join(' ')}`);
  member.send(`NICK ${nick}`);
  member.send(`USER ${nick.toLowerCase().slice(0, 9)} 0 * :${nick}`);
  if (caps.length) member.send('CAP END');
  await member.waitFor('registration (001)', (m) => m.command === '001' || m.command === 'ERROR');
  if (lines.some((m) => m.command === 'ERROR')) throw new Error(`${nick} could not register: ${lines.map((l) => l.params.join(' ')).join(' | ')}`);
  return member;
}

/** A member's channel join, confirmed by the end of NAMES. */
export async function joinChannel(member: IrcTestMember, channel: string): Promise<void> {
  const from = member.lines.length;
  member.send(`JOIN ${channel}`);
  const end = await member.waitFor(
    `${channel} joined`,
    (m) => member.lines.indexOf(m) >= from && ['366', '471', '473', '474', '475'].includes(m.command) && m.params[1] === channel,
  );
  if (end.command !== '366') throw new Error(`${member.nick} cannot join ${channel}: ${end.command} ${end.params.at(-1)}`);
}

/**
 * Resolves once the server has handled everything the member sent before: a PING is answered
 * in order, so every line the server meant for this member before it is in `lines` by then.
 */
export async function roundTrip(member: IrcTestMember, token: string): Promise<void> {
  member.send(`PING :${token}`);
  await member.waitFor(`the answer to PING ${token}`, (m) => m.command === 'PONG' && m.params.at(-1) === token);
}

/** The nicks in a channel now, as NAMES lists them (prefixes such as @ stripped). */
export async function namesOf(member: IrcTestMember, channel: string): Promise<string[]> {
  const from = member.lines.length;
  member.send(`NAMES ${channel}`);
  await member.waitFor(`the end of NAMES ${channel}`, (m) => member.lines.indexOf(m) >= from && m.command === '366' && m.params[1] === channel);
  return member.lines
    .slice(from)
    .filter((m) => m.command === '353' && m.params[2] === channel)
    .flatMap((m) => (m.params[3] ?? '').split(' '))
    .filter((entry) => entry !== '')
    .map((entry) => entry.replace(/^[~&@%+]+/, '').replace(/!.*$/, ''));
}
