/**
 * The settings of `playbook bot --telegram`: chat ids bound to communities, admin user ids, and
 * the token, which comes only from the environment (TELEGRAM_BOT_TOKEN): an argument would show
 * in `ps` and shell history, a config file gets copied around.
 */
import { z } from 'zod';
import type { RemoveMode, RoomBinding } from './adapter.js';

export const TOKEN_VARIABLE = 'TELEGRAM_BOT_TOKEN';
/** Where the Bot API is, when not api.telegram.org (a local Bot API server, a test stand-in). */
export const API_ROOT_VARIABLE = 'TELEGRAM_API_ROOT';

export const TelegramFile = z
  .object({
    apiRoot: z.url().optional(),
    pollTimeoutSeconds: z.number().int().min(0).max(50).optional(),
    webhook: z
      .object({ url: z.url(), listen: z.string().min(1).optional() })
      .strict()
      .optional(),
  })
  .strict();

export interface TelegramBotConfig {
  platform: 'telegram';
  rooms: RoomBinding[];
  nick: string;
  admins: string[];
  removeMode: RemoveMode;
  db: string;
  token: string;
  apiRoot?: string;
  pollTimeoutSeconds?: number;
  webhook?: { url: string; host: string; port: number };
}

/** Where the webhook listener binds when not told: loopback, behind the TLS proxy. */
export const DEFAULT_WEBHOOK_LISTEN = '127.0.0.1:8443';

/** Chat ids are numbers (negative for groups); anything else is a mistake worth saying so. */
export function telegramConfig(
  common: Omit<TelegramBotConfig, 'platform' | 'token' | 'apiRoot' | 'pollTimeoutSeconds' | 'webhook'>,
  file: z.infer<typeof TelegramFile> | undefined,
  apiRootFlag: string | undefined,
  webhookFlags: { url?: string; listen?: string },
  env: Record<string, string | undefined>,
  fail: (message: string) => Error,
): TelegramBotConfig {
  const token = env[TOKEN_VARIABLE];
  if (!token) throw fail(`Telegram needs the bot's token from BotFather in the ${TOKEN_VARIABLE} environment variable (never on the command line)`);
  for (const r of common.rooms)
    if (!/^-?\d+$/.test(r.room)) throw fail(`room ${r.room}: a Telegram chat is its numeric id, e.g. -1001234567890 (see docs/bots.md on finding it)`);
  for (const a of common.admins) if (!/^\d+$/.test(a)) throw fail(`--admin ${a}: on Telegram an admin is a numeric user id`);
  const apiRoot = apiRootFlag ?? env[API_ROOT_VARIABLE] ?? file?.apiRoot;
  if (apiRoot !== undefined) {
    let url: URL;
    try {
      url = new URL(apiRoot);
    } catch {
      throw fail(`--api-root ${apiRoot}: not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`--api-root ${apiRoot}: the scheme must be http or https`);
  }
  const hookUrl = webhookFlags.url ?? file?.webhook?.url;
  let webhook: TelegramBotConfig['webhook'];
  if (hookUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(hookUrl);
    } catch {
      throw fail(`--webhook ${hookUrl}: not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail(`--webhook ${hookUrl}: Telegram posts to an https URL`);
    const listen = webhookFlags.listen ?? file?.webhook?.listen ?? DEFAULT_WEBHOOK_LISTEN;
    const m = /^(.+):(\d{1,5})$/.exec(listen);
    if (!m || Number(m[2]) > 65535) throw fail(`--webhook-listen ${listen}: HOST:PORT, e.g. ${DEFAULT_WEBHOOK_LISTEN}`);
    webhook = { url: hookUrl, host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  } else if (webhookFlags.listen !== undefined) throw fail('--webhook-listen needs --webhook URL (the public address Telegram posts to)');
  return {
    platform: 'telegram',
    ...(webhook ? { webhook } : {}),
    ...common,
    token,
    ...(apiRoot !== undefined ? { apiRoot: apiRoot.replace(/\/+$/, '') } : {}),
    ...(file?.pollTimeoutSeconds !== undefined ? { pollTimeoutSeconds: file.pollTimeoutSeconds } : {}),
  };
}
