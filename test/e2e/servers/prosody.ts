/**
 * A throwaway Prosody for end-to-end tests: one virtual host `localhost`, a MUC component
 * `conference.localhost` with archiving (so live messages carry a stanza-id) and XEP-0425
 * moderation, client connections on 127.0.0.1 only, everything under a temporary folder.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, handOver, missingPrograms, removeDir, runAsUser, serverDir, spawnServer, waitForPort, type RunAs } from './common.js';

export const PROSODY = '/usr/bin/prosody';
export const PROSODYCTL = '/usr/bin/prosodyctl';
export const MODERATION_MODULE = '/usr/lib/prosody/modules/mod_muc_moderation/mod_muc_moderation.lua';

/** Why the Prosody tests cannot run here, or undefined when they can. */
export function prosodyMissing(): string | undefined {
  return missingPrograms('Prosody', [PROSODY, PROSODYCTL, MODERATION_MODULE], 'prosody prosody-modules');
}

export interface RunningProsody {
  port: number;
  /** The virtual host users live on. */
  domain: string;
  /** The MUC component: rooms are `name@<muc>`. */
  muc: string;
  /** `xmpp://127.0.0.1:<port>`. */
  service: string;
  /** Create an account `user@localhost`. */
  register(user: string, password: string): Promise<void>;
  /** Prosody's log so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Lua string literal (paths of a temporary folder; no exotic characters expected, but safe). */
function lua(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function config(dir: string, port: number): string {
  return `-- Generated for one end-to-end test run; see test/e2e/servers/prosody.ts.
pidfile = ${lua(join(dir, 'prosody.pid'))}
data_path = ${lua(join(dir, 'data'))}
log = { { levels = { min = "info" }, to = "file", filename = ${lua(join(dir, 'prosody.log'))} } }
-- Nothing but loopback: no server-to-server, no HTTP, client connections on one port.
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { ${port} }
c2s_interfaces = { "127.0.0.1" }
s2s_ports = { }
modules_disabled = { "s2s" }
modules_enabled = { "saslauth", "disco", "ping", "roster", "version" }
-- No certificate for localhost here: clients authenticate with SCRAM over plain TCP on loopback.
c2s_require_encryption = false
allow_unencrypted_plain_auth = false
authentication = "internal_hashed"
-- @xmpp/client computes SCRAM's key one HMAC at a time (about 1 s for Prosody's default of
-- 10000 rounds); a test server's throwaway accounts need no such strength.
default_iteration_count = 1000
storage = "internal"

VirtualHost "localhost"

Component "conference.localhost" "muc"
  modules_enabled = { "muc_mam", "muc_moderation" }
  muc_room_locking = false
  -- Semi-anonymous rooms (the default): only moderators, like the bot, see real JIDs.
  muc_room_default_public_jids = false
  muc_log_by_default = true
  muc_log_all_rooms = true
  max_history_messages = 50
`;
}

export async function startProsody(): Promise<RunningProsody> {
  const user: RunAs | undefined = runAsUser('prosody');
  const dir = serverDir('prosody', user);
  mkdirSync(join(dir, 'data'));
  // An empty certificate folder: Prosody looks for one beside its config and logs an error without it.
  mkdirSync(join(dir, 'certs'));
  const port = await freePort();
  const configFile = join(dir, 'prosody.cfg.lua');
  writeFileSync(configFile, config(dir, port));
  handOver(dir, user);

  const proc = spawnServer(PROSODY, ['--config', configFile, '-F'], { cwd: dir, user });
  const log = () => {
    const file = join(dir, 'prosody.log');
    return `${proc.output()}${existsSync(file) ? readFileSync(file, 'utf8') : ''}`;
  };
  try {
    await waitForPort(port, 20_000, () => proc.exited());
  } catch (e) {
    await proc.stop();
    const text = log();
    removeDir(dir);
    throw new Error(`Prosody did not start: ${(e as Error).message}\n${text.slice(-4000)}`, { cause: e });
  }

  const register = async (name: string, password: string): Promise<void> => {
    // prosodyctl writes the account files directly; as the server's user they stay readable to it.
    const argv = user ? ['/usr/bin/setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', PROSODYCTL] : [PROSODYCTL];
    await new Promise<void>((resolve, reject) => {
      execFile(
        argv[0]!,
        [...argv.slice(1), '--config', configFile, 'register', name, 'localhost', password],
        { cwd: dir, env: { ...process.env, HOME: dir } },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`prosodyctl register ${name} failed: ${err.message}\n${stderr}${stdout}`));
          else resolve();
        },
      );
    });
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
