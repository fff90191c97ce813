/**
 * A real ngIRCd (Debian package ngircd, 26.1 on Debian 12) for the IRC bot's end-to-end tests:
 * on 127.0.0.1 and a free port, configured in a temporary folder, run as the `irc` user when
 * the tests run as root. Channels can be predefined in the config ([Channel] sections, mode +P:
 * persistent), and an [Operator] block lets a bot become an IRC operator, which with
 * `OperChanPAutoOp` gives it channel operator status in those channels whenever it joins: the
 * way to op after a restart that docs/bots.md describes for ngIRCd. Nicks are held to 9
 * characters (MaxNickLength, ngIRCd's default and RFC 2812's limit). No DNS or ident lookups.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, handOver, removeDir, runAsUser, serverDir, spawnServer, waitForPort, type RunningProcess } from './common.js';

export const NGIRCD = '/usr/sbin/ngircd';

export interface NgircdOptions {
  /** Persistent channels (+P) defined in the config, which exist with nobody in them. */
  channels?: string[];
  /** An IRC operator's name and password ([Operator]). */
  oper?: { name: string; password: string };
}

export interface RunningNgircd {
  host: '127.0.0.1';
  port: number;
  serverName: string;
  dir: string;
  /** What the server printed so far (it logs to standard error with -n). */
  log(): string;
  stop(): Promise<void>;
}

function config(dir: string, port: number, o: NgircdOptions, user: { uid: number; gid: number } | undefined): string {
  return `# Generated for a Playbook end-to-end test.
[Global]
Name = irc.playbook.test
Info = Playbook test server
AdminInfo1 = Playbook tests
AdminEMail = tests@localhost
Listen = 127.0.0.1
Ports = ${port}
MotdPhrase = Playbook test server
PidFile = ${join(dir, 'ngircd.pid')}
${user ? `ServerUID = ${user.uid}\nServerGID = ${user.gid}` : ''}
[Limits]
MaxNickLength = 9
MaxConnectionsIP = 0
MaxJoins = 0
PingTimeout = 120
[Options]
DNS = no
Ident = no
PAM = no
OperCanUseMode = yes
OperChanPAutoOp = yes
${o.oper ? `[Operator]\nName = ${o.oper.name}\nPassword = ${o.oper.password}\n` : ''}
${(o.channels ?? []).map((c) => `[Channel]\nName = ${c}\nModes = +tnP\n`).join('\n')}
`;
}

export async function startNgircd(options: NgircdOptions = {}): Promise<RunningNgircd> {
  const user = runAsUser('irc');
  const dir = serverDir('ngircd', user);
  const port = await freePort();
  const conf = join(dir, 'ngircd.conf');
  writeFileSync(conf, config(dir, port, options, user));
  handOver(dir, user);
  let proc: RunningProcess | undefined;
  try {
    proc = spawnServer(NGIRCD, ['--nodaemon', '--config', conf], { cwd: dir, user });
    await waitForPort(port, 15_000, () => proc!.exited());
  } catch (e) {
    await proc?.stop();
    const output = proc?.output() ?? '';
    removeDir(dir);
    throw new Error(`ngIRCd did not start: ${(e as Error).message}\n${output.slice(-3000)}`, { cause: e });
  }
  const running = proc;
  return {
    host: '127.0.0.1',
    port,
    serverName: 'irc.playbook.test',
    dir,
    log: () => running.output(),
    stop: async () => {
      await running.stop();
      removeDir(dir);
    },
  };
}
