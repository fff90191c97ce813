/**
 * From settings to an adapter: the one place that knows which platforms exist. A new platform
 * is an adapter file, a branch here, and its settings in config.ts.
 */
import type { ChatAdapter } from './adapter.js';
import type { BotConfig } from './config.js';
import { DiscordAdapter } from './discord.js';
import { IrcAdapter } from './irc.js';
import { OneBotAdapter } from './onebot.js';
import { TelegramAdapter } from './telegram.js';
import { XmppAdapter } from './xmpp.js';

export function createAdapter(config: BotConfig): ChatAdapter {
  if (config.platform === 'telegram') {
    return new TelegramAdapter({
      token: config.token,
      ...(config.apiRoot ? { apiRoot: config.apiRoot } : {}),
      ...(config.pollTimeoutSeconds !== undefined ? { pollTimeoutSeconds: config.pollTimeoutSeconds } : {}),
      ...(config.webhook ? { webhook: config.webhook } : {}),
      rooms: config.rooms,
      admins: config.admins,
      removeMode: config.removeMode,
    });
  }
  if (config.platform === 'discord') {
    return new DiscordAdapter({
      token: config.token,
      rooms: config.rooms,
      admins: config.admins,
      removeMode: config.removeMode,
      api: config.api,
      banDeleteMessageSeconds: config.banDeleteMessageSeconds,
    });
  }
  if (config.platform === 'xmpp') {
    return new XmppAdapter({
      service: config.service,
      ...(config.domain ? { domain: config.domain } : {}),
      jid: config.jid,
      password: config.password,
      nick: config.nick,
      rooms: config.rooms,
      admins: config.admins,
      removeMode: config.removeMode,
      allowPlaintext: config.allowPlaintext,
    });
  }
  if (config.platform === 'onebot') {
    return new OneBotAdapter({
      url: config.url,
      mode: config.mode,
      accessToken: config.accessToken,
      rooms: config.rooms,
      admins: config.admins,
      removeMode: config.removeMode,
    });
  }
  return new IrcAdapter({
    host: config.host,
    port: config.port,
    tls: config.tls,
    nick: config.nick,
    ...(config.username ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.sasl ? { sasl: config.sasl } : {}),
    ...(config.oper ? { oper: config.oper } : {}),
    ...(config.sendRate ? { sendRate: config.sendRate } : {}),
    rooms: config.rooms,
    admins: config.admins,
    removeMode: config.removeMode,
  });
}
