/**
 * The settings of `playbook bot`: from a JSON config file, from command-line options, or both
 * (options win). Validated with zod into one shape per platform, with messages that name the
 * setting, so a typo in a config file reads as "rooms.0.room: ..." rather than a stack trace.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RemoveMode, RoomBinding } from './adapter.js';
import { OneBotFileSettings, oneBotSettings, type OneBotConfig } from './onebot-config.js';
import { TelegramFile, telegramConfig, type TelegramBotConfig } from './telegram-config.js';

const Room = z.union([z.string().min(1), z.object({ room: z.string().min(1), community: z.string().min(1).optional() }).strict()]);

const Xmpp = z
  .object({
    service: z.string().min(1),
    domain: z.string().min(1).optional(),
    jid: z
      .string()
      .regex(/^[^@/\s]+@[^@/\s]+$/, 'a bare JID like bot@example.org')
      .optional(),
    password: z.string().optional(),
    allowPlaintext: z.boolean().optional(),
  })
  .strict();

const Irc = z
  .object({
    service: z.string().min(1),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    sasl: z
      .object({ account: z.string().min(1), password: z.string() })
      .strict()
      .optional(),
    oper: z
      .object({ name: z.string().min(1), password: z.string() })
      .strict()
      .optional(),
    /** Outgoing flood control: lines back to back, then lines per second (the server's limits). */
    sendRate: z
      .object({ burst: z.number().int().min(1), perSecond: z.number().positive() })
      .strict()
      .optional(),
  })
  .strict();

/** No token here: it comes only from DISCORD_BOT_TOKEN. */
const Discord = z
  .object({
    api: z.url().optional(),
    banDeleteMessageSeconds: z.number().int().min(0).max(604_800).optional(),
  })
  .strict();

export const BotConfigFile = z
  .object({
    xmpp: Xmpp.optional(),
    irc: Irc.optional(),
    telegram: TelegramFile.optional(),
    onebot: OneBotFileSettings.optional(),
    discord: Discord.optional(),
    rooms: z.array(Room).optional(),
    nick: z.string().min(1).optional(),
    admins: z.array(z.string().min(1)).optional(),
    remove: z.enum(['kick', 'ban']).optional(),
    db: z.string().min(1).optional(),
  })
  .strict();
export type BotConfigFile = z.infer<typeof BotConfigFile>;

interface Common {
  rooms: RoomBinding[];
  nick: string;
  admins: string[];
  removeMode: RemoveMode;
  db: string;
}

export type BotConfig =
  | (Common & { platform: 'xmpp'; service: string; domain?: string; jid: string; password: string; allowPlaintext: boolean })
  | (Common & {
      platform: 'irc';
      host: string;
      port: number;
      tls: boolean;
      username?: string;
      password?: string;
      sasl?: { account: string; password: string };
      oper?: { name: string; password: string };
      sendRate?: { burst: number; perSecond: number };
    })
  | TelegramBotConfig
  | OneBotConfig
  | (Common & { platform: 'discord'; token: string; api?: string; banDeleteMessageSeconds?: number });

export class ConfigError extends Error {}

export const DEFAULT_NICK = 'playbook';
export const DEFAULT_DB = 'playbook-bot.db';

/** The command-line options `playbook bot` takes (undefined when not given). */
export interface BotFlags {
  config?: string;
  xmpp?: string;
  irc?: string;
  onebot?: string;
  'onebot-reverse'?: boolean;
  jid?: string;
  password?: string;
  room?: string[];
  nick?: string;
  admin?: string[];
  remove?: string;
  db?: string;
  insecure?: boolean;
  telegram?: boolean;
  apiRoot?: string;
  webhook?: string;
  webhookListen?: string;
  discord?: boolean;
  'discord-api'?: string;
}

export function readConfigFile(path: string): BotConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = BotConfigFile.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const where = first.path.length ? first.path.join('.') : '(top level)';
    throw new ConfigError(`config file ${path}: ${where}: ${first.message}`);
  }
  return parsed.data;
}

/** `room` or `room=community`. */
function roomBinding(spec: z.infer<typeof Room>): RoomBinding {
  if (typeof spec !== 'string') return { room: spec.room, community: spec.community ?? spec.room };
  const eq = spec.indexOf('=');
  if (eq <= 0) return { room: spec, community: spec };
  const community = spec.slice(eq + 1);
  if (!community) throw new ConfigError(`--room ${spec}: nothing after "="`);
  return { room: spec.slice(0, eq), community };
}

/** Settings from the file (if any) and the flags, checked; `env` supplies passwords. */
export function resolveBotConfig(flags: BotFlags, env: Record<string, string | undefined> = process.env): BotConfig {
  const file: BotConfigFile = flags.config ? readConfigFile(flags.config) : {};
  const flagged = flags.xmpp !== undefined || flags.irc !== undefined || flags.telegram === true || flags.onebot !== undefined || flags.discord === true;
  const wantsTelegram = flags.telegram === true || (!flagged && file.telegram !== undefined);
  const wantsOneBot = flags.onebot !== undefined || (!flagged && file.onebot !== undefined);
  const wantsDiscord = flags.discord === true || (!flagged && file.discord !== undefined);
  const wantsXmpp = flags.xmpp !== undefined || (!flagged && file.xmpp !== undefined);
  const wantsIrc = flags.irc !== undefined || (!flagged && file.irc !== undefined);
  if ([wantsXmpp, wantsIrc, wantsTelegram, wantsOneBot, wantsDiscord].filter(Boolean).length > 1)
    throw new ConfigError('one platform per bot: give one of --xmpp, --irc, --telegram, --onebot, --discord, not several (run two bots on two databases)');
  if (!wantsXmpp && !wantsIrc && !wantsTelegram && !wantsOneBot && !wantsDiscord)
    throw new ConfigError(
      'no server given: use --xmpp URL or --irc URL (or a config file with "xmpp", "irc", "telegram", "onebot" or "discord"), --telegram, --onebot URL or --discord',
    );

  const rooms = (flags.room?.length ? flags.room : (file.rooms ?? [])).map(roomBinding);
  if (rooms.length === 0) throw new ConfigError('no room given: use --room (repeat it for several rooms)');
  const seen = new Set<string>();
  for (const r of rooms) {
    if (seen.has(r.room)) throw new ConfigError(`room ${r.room} is given twice`);
    seen.add(r.room);
  }
  const remove = flags.remove ?? file.remove ?? 'kick';
  if (remove !== 'kick' && remove !== 'ban') throw new ConfigError(`--remove must be kick or ban, not ${remove}`);
  const common: Common = {
    rooms,
    nick: flags.nick ?? file.nick ?? DEFAULT_NICK,
    admins: flags.admin?.length ? flags.admin : (file.admins ?? []),
    removeMode: remove,
    db: flags.db ?? file.db ?? DEFAULT_DB,
  };
  if (wantsTelegram) {
    const hook = {
      ...(flags.webhook !== undefined ? { url: flags.webhook } : {}),
      ...(flags.webhookListen !== undefined ? { listen: flags.webhookListen } : {}),
    };
    return telegramConfig(common, file.telegram, flags.apiRoot, hook, env, (m) => new ConfigError(m));
  }
  if (wantsDiscord) return discordConfig(flags, file, env, common);
  const password = flags.password ?? env['PLAYBOOK_BOT_PASSWORD'];
  if (wantsOneBot) {
    if (flags.password !== undefined) throw new ConfigError('OneBot takes its access token from ONEBOT_ACCESS_TOKEN only, not --password');
    const service = flags.onebot ?? file.onebot!.service;
    return oneBotSettings(common, service, flags['onebot-reverse'] ?? file.onebot?.reverse ?? false, env, (m) => new ConfigError(m));
  }

  if (wantsXmpp) {
    const x = file.xmpp;
    const service = flags.xmpp ?? x!.service;
    let url: URL;
    try {
      url = new URL(service);
    } catch {
      throw new ConfigError(`--xmpp ${service}: not a URL (xmpp://host[:port], xmpps://host[:port], ws://, wss://)`);
    }
    if (!['xmpp:', 'xmpps:', 'ws:', 'wss:'].includes(url.protocol)) throw new ConfigError(`--xmpp ${service}: the scheme must be xmpp, xmpps, ws or wss`);
    const jid = flags.jid ?? x?.jid;
    if (!jid) throw new ConfigError('XMPP needs the bot account: --jid bot@example.org');
    if (!/^[^@/\s]+@[^@/\s]+$/.test(jid)) throw new ConfigError(`--jid ${jid}: a bare JID like bot@example.org`);
    const pw = password ?? x?.password;
    if (pw === undefined) throw new ConfigError('XMPP needs the account password: --password or PLAYBOOK_BOT_PASSWORD');
    for (const r of rooms)
      if (!/^[^@/\s]+@[^@/\s]+$/.test(r.room)) throw new ConfigError(`room ${r.room}: an XMPP room is a bare JID like room@conference.example.org`);
    return {
      platform: 'xmpp',
      ...common,
      service,
      ...(x?.domain ? { domain: x.domain } : {}),
      jid,
      password: pw,
      allowPlaintext: flags.insecure ?? x?.allowPlaintext ?? false,
    };
  }

  const i = file.irc;
  const service = flags.irc ?? i!.service;
  let url: URL;
  try {
    url = new URL(service);
  } catch {
    throw new ConfigError(`--irc ${service}: not a URL (irc://host[:port] or ircs://host[:port])`);
  }
  if (url.protocol !== 'irc:' && url.protocol !== 'ircs:') throw new ConfigError(`--irc ${service}: the scheme must be irc or ircs`);
  const tls = url.protocol === 'ircs:';
  for (const r of rooms)
    // eslint-disable-next-line no-control-regex -- BEL (\x07) is one of the characters an IRC channel name may not hold (RFC 2812)
    if (!/^[#&][^\s,\x07]+$/.test(r.room)) throw new ConfigError(`room ${r.room}: an IRC channel starts with # (or &) and has no spaces or commas`);
  const pw = password ?? i?.password;
  return {
    platform: 'irc',
    ...common,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : tls ? 6697 : 6667,
    tls,
    ...(i?.username ? { username: i.username } : {}),
    ...(pw !== undefined ? { password: pw } : {}),
    ...(i?.sasl ? { sasl: i.sasl } : {}),
    ...(i?.oper ? { oper: i.oper } : {}),
    ...(i?.sendRate ? { sendRate: i.sendRate } : {}),
  };
}

/** Discord: channel ids as rooms, user ids as admins, the token only from DISCORD_BOT_TOKEN. */
function discordConfig(flags: BotFlags, file: BotConfigFile, env: Record<string, string | undefined>, common: Common): BotConfig {
  if (flags.password !== undefined)
    throw new ConfigError('--password is not used with --discord: the bot token comes only from the DISCORD_BOT_TOKEN variable');
  const token = env['DISCORD_BOT_TOKEN'];
  if (!token)
    throw new ConfigError('Discord needs the bot token in the DISCORD_BOT_TOKEN environment variable (never an option: it would show in the process list)');
  for (const r of common.rooms)
    if (!/^\d{1,20}$/.test(r.room)) throw new ConfigError(`room ${r.room}: a Discord channel is its id, a number (Developer Mode, then Copy Channel ID)`);
  for (const a of common.admins)
    if (!/^\d{1,20}$/.test(a)) throw new ConfigError(`admin ${a}: a Discord admin is a user id, a number (Developer Mode, then Copy User ID)`);
  const api = flags['discord-api'] ?? file.discord?.api;
  if (api !== undefined && !/^https?:\/\/[^\s]+$/.test(api))
    throw new ConfigError(`--discord-api ${api}: the REST API root, an http(s) URL like https://discord.com/api`);
  const window = file.discord?.banDeleteMessageSeconds;
  return {
    platform: 'discord',
    ...common,
    token,
    ...(api !== undefined ? { api } : {}),
    ...(window !== undefined ? { banDeleteMessageSeconds: window } : {}),
  };
}
