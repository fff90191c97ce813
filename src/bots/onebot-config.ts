/**
 * The settings of `playbook bot --onebot URL` (docs/bots.md, "QQ through OneBot v11"): checked
 * here so config.ts only branches to it. The access token comes from the ONEBOT_ACCESS_TOKEN
 * variable and nowhere else: not an option (it would be in `ps` and shell histories), not the
 * config file, not the URL's `?access_token=` (URLs get logged).
 */
import { z } from 'zod';
import type { RemoveMode, RoomBinding } from './adapter.js';

export const ONEBOT_TOKEN_VARIABLE = 'ONEBOT_ACCESS_TOKEN';

export const OneBotFileSettings = z
  .object({
    service: z.string().min(1),
    /** Reverse WebSocket: the bot listens at `service` and the implementation connects to it. */
    reverse: z.boolean().optional(),
  })
  .strict();

export interface OneBotConfig {
  platform: 'onebot';
  rooms: RoomBinding[];
  nick: string;
  admins: string[];
  removeMode: RemoveMode;
  db: string;
  url: string;
  mode: 'forward' | 'reverse';
  accessToken?: string;
}

/** Checks what is particular to OneBot; a message for the operator when something is wrong. */
export function oneBotSettings(
  common: Omit<OneBotConfig, 'platform' | 'url' | 'mode' | 'accessToken'>,
  service: string,
  reverse: boolean,
  env: Record<string, string | undefined>,
  fail: (message: string) => Error,
): OneBotConfig {
  let url: URL;
  try {
    url = new URL(service);
  } catch {
    throw fail(`--onebot ${service}: not a URL (ws://host:port, or wss:// for a forward connection through TLS)`);
  }
  if (url.searchParams.has('access_token')) throw fail(`--onebot: the access token does not go in the URL; set ${ONEBOT_TOKEN_VARIABLE} instead`);
  if (reverse ? url.protocol !== 'ws:' : url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw fail(
      `--onebot ${url.protocol}//${url.host}: the scheme must be ws${reverse ? ' (the bot listens without TLS; put a TLS proxy in front)' : ' or wss'}`,
    );
  if (reverse && !url.port) throw fail(`--onebot ${url.protocol}//${url.host}: with --onebot-reverse give the port to listen on`);
  for (const r of common.rooms) if (!/^[1-9][0-9]{0,15}$/.test(r.room)) throw fail(`room ${r.room}: a QQ group is its number (--room 123456789)`);
  for (const a of common.admins) if (!/^[1-9][0-9]{0,15}$/.test(a)) throw fail(`admin ${a}: on QQ an admin is a QQ number`);
  const token = env[ONEBOT_TOKEN_VARIABLE];
  return {
    platform: 'onebot',
    ...common,
    url: url.href,
    mode: reverse ? 'reverse' : 'forward',
    ...(token ? { accessToken: token } : {}),
  };
}
