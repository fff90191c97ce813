/**
 * A throwaway ejabberd (Debian 12's 23.01) for the XMPP bot's end-to-end tests, the companion
 * of prosody.ts: one virtual host `localhost`, a MUC service `conference.localhost` whose rooms
 * archive their messages (mod_mam, room option `mam: true`, so live messages carry a
 * stanza-id), stream management (mod_stream_mgmt, which keeps a killed client's session, and
 * its room occupant, for `resume_timeout`), client connections on 127.0.0.1 only, everything
 * under a temporary folder, run as the `ejabberd` user when the tests run as root.
 *
 * The Erlang VM is started directly (not through ejabberdctl, whose shell would stay the parent
 * and not pass SIGTERM on) with no distribution, so nothing listens but the two loopback ports:
 * client connections, and an HTTP API that takes only `register` and only from loopback (an
 * account in half a second, where an `ejabberdctl register` starts a VM of its own).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, handOver, missingPrograms, removeDir, runAsUser, serverDir, spawnServer, waitForPort, type RunAs } from './common.js';

const ERL = '/usr/bin/erl';

/** Why the ejabberd tests cannot run here, or undefined when they can. */
export function ejabberdMissing(): string | undefined {
  return missingPrograms('ejabberd', ['/usr/sbin/ejabberdctl', ERL], 'ejabberd');
}

export interface RunningEjabberd {
  port: number;
  domain: string;
  muc: string;
  service: string;
  register(user: string, password: string): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

function config(port: number, apiPort: number, resumeTimeout: number): string {
  return `# Generated for one end-to-end test run; see test/e2e/servers/ejabberd.ts.
hosts:
  - localhost
loglevel: info
listen:
  -
    port: ${port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    # No certificate for localhost: SCRAM over plain TCP on loopback.
    starttls: false
    access: c2s
  -
    port: ${apiPort}
    ip: "127.0.0.1"
    module: ejabberd_http
    request_handlers:
      /api: mod_http_api
auth_method: internal
auth_password_format: plain
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
  muc_create:
    allow: local
shaper_rules:
  c2s_shaper: none
api_permissions:
  "loopback register":
    from:
      - mod_http_api
    who:
      ip: 127.0.0.1/8
    what:
      - "register"
modules:
  mod_disco: {}
  mod_version:
    show_os: false
  mod_ping: {}
  mod_roster: {}
  mod_http_api: {}
  mod_stream_mgmt:
    resume_timeout: ${resumeTimeout}
  mod_mam:
    assume_mam_usage: true
    default: always
  mod_muc:
    host: "conference.localhost"
    access_create: muc_create
    history_size: 50
    default_room_options:
      mam: true
      persistent: true
`;
}

export interface EjabberdOptions {
  /** How long a client's session outlives its connection (mod_stream_mgmt), in seconds. */
  resumeTimeout?: number;
}

export async function startEjabberd(options: EjabberdOptions = {}): Promise<RunningEjabberd> {
  const user: RunAs | undefined = runAsUser('ejabberd');
  const dir = serverDir('ejabberd', user);
  const [port, apiPort] = [await freePort(), await freePort()];
  const configFile = join(dir, 'ejabberd.yml');
  writeFileSync(configFile, config(port, apiPort, options.resumeTimeout ?? 300));
  if (existsSync('/etc/ejabberd/inetrc')) copyFileSync('/etc/ejabberd/inetrc', join(dir, 'inetrc'));
  else writeFileSync(join(dir, 'inetrc'), '{lookup,["file","native"]}.\n');
  handOver(dir, user);
  const logFile = join(dir, 'ejabberd.log');
  const proc = spawnServer(ERL, ['-noinput', '+K', 'true', '-mnesia', 'dir', JSON.stringify(dir), '-s', 'ejabberd'], {
    cwd: dir,
    user,
    env: {
      ERL_LIBS: '/usr/lib/x86_64-linux-gnu',
      EJABBERD_CONFIG_PATH: configFile,
      EJABBERD_LOG_PATH: logFile,
      ERL_INETRC: join(dir, 'inetrc'),
      ERL_CRASH_DUMP: join(dir, 'erl_crash.dump'),
    },
  });
  const log = () => `${proc.output()}${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`;
  try {
    await waitForPort(port, 30_000, () => proc.exited());
    await waitForPort(apiPort, 10_000, () => proc.exited());
  } catch (e) {
    await proc.stop();
    const text = log();
    removeDir(dir);
    throw new Error(`ejabberd did not start: ${(e as Error).message}\n${text.slice(-4000)}`, { cause: e });
  }

  const register = async (name: string, password: string): Promise<void> => {
    const res = await fetch(`http://127.0.0.1:${apiPort}/api/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: name, host: 'localhost', password }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`ejabberd register ${name}: ${res.status} ${text}`);
  };

  return {
    port,
    domain: 'localhost',
    muc: 'conference.localhost',
    service: `xmpp://127.0.0.1:${port}`,
    register,
    log,
    stop: async () => {
      await proc.stop();
      removeDir(dir);
    },
  };
}
