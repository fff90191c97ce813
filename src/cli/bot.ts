import { compile } from '../compiler/compile.js';
import { formatDiagnostic } from '../parser/diagnostics.js';
import type { ActionOutcome, UndoRecord } from '../bots/adapter.js';
import { Bot, type DeliveryReport } from '../bots/bot.js';
import { ConfigError, DEFAULT_DB, DEFAULT_NICK, resolveBotConfig } from '../bots/config.js';
import { createAdapter } from '../bots/platforms.js';
import { DurableRuntime } from '../store/durable.js';
import { StoredStateError } from '../runtime/machines/stored.js';
import type { CommandSpec } from './main.js';
import { readBoundedFile, readPlaybookFile, UsageError } from './io.js';
import { importRoster, RosterError } from '../hosting/roster.js';
import { MAX_EVENTS_BODY_BYTES } from '../limits.js';
import { untilStopped } from './signals.js';
import { openDatabase } from './database.js';
import { isPostgresUrl } from '../store/postgres-url.js';
import type { DurableStore } from '../store/store.js';
import { openBotPostgres } from './bot-postgres.js';
import { endpointSpecs, EndpointError, resolveEndpoints } from '../hosting/webhooks.js';
import { reloadEndpoints, webhooksFor } from '../server/webhooks-route.js';
import { messageOf } from '../stdlib/errors.js';

/** Exit code when the server cannot be reached or the rooms cannot be joined. */
export const EXIT_CONNECT = 3;

export const botCommand: CommandSpec = {
  help: `Usage: playbook bot FILE (--xmpp URL | --irc URL | --telegram | --onebot URL | --discord) --room R [options]

Runs the playbook in live chat rooms (docs/bots.md): what members do there becomes events, and
the actions are carried out by the bot. State, timers and the actions are kept in a SQLite
database (or PostgreSQL); a bot stopped or killed and started again on the same --db goes on
where it was.

  --xmpp URL           an XMPP server: xmpp://host[:port] (STARTTLS), xmpps://host[:port], ws(s)://
  --jid JID            the bot's XMPP account (bot@example.org)
  --irc URL            an IRC server: irc://host[:port] or ircs://host[:port] (TLS)
  --telegram           a Telegram bot: the token from BotFather in TELEGRAM_BOT_TOKEN (never an option)
  --api-root URL       the Bot API server (default https://api.telegram.org; or TELEGRAM_API_ROOT)
  --webhook URL        Telegram posts updates to this public URL instead of long polling
  --webhook-listen H:P where the bot listens for them, behind the TLS proxy (default 127.0.0.1:8443)
  --onebot URL         a OneBot v11 implementation for QQ (NapCat, Lagrange): ws://host:port,
                       its forward WebSocket; the access token comes from ONEBOT_ACCESS_TOKEN
  --onebot-reverse     listen at the --onebot URL instead; the implementation connects to it
  --discord            Discord; the bot token only from the DISCORD_BOT_TOKEN variable, rooms
                       are channel ids, admins user ids (docs/bots.md, "Discord")
  --discord-api URL    Discord's REST API root (default https://discord.com/api; a stand-in's)
  --room R             a room to join: room@conference.example.org, #channel, a Telegram
                       chat id (write --room=-100...: an argument may not start with "-"),
                       a QQ group number or a Discord channel id; R=ID gives the community
                       id its events carry (default: the room). Repeat for more rooms.
  --nick N             the bot's nickname in the rooms (default ${DEFAULT_NICK})
  --password P         the account's password (better: the PLAYBOOK_BOT_PASSWORD variable)
  --admin ID           who gets admin.notify (a JID or a nick); repeat for several
  --remove kick|ban    what member.remove does (default kick; ban also keeps them out)
  --db PATH            SQLite database file (default ${DEFAULT_DB}; :memory: keeps nothing), or
                       postgres://USER@HOST/DB: the bot locks its rooms' communities there;
                       a second bot for one of them waits until the first stops (docs/bots.md)
  --config FILE        the same settings as a JSON file (options given here win)
  --insecure           allow a password over an unencrypted XMPP connection (loopback test servers)
  --roster FILE        before joining, register the members already in the rooms (member.seen:
                       no ritual; importing it again changes nothing; docs/cli.md#rosters)

The first line on stdout is "ready: ..." once every room is joined; then one JSON line per
action carried out or not ({"seq", "type", "member", "community", "status", "reason"}), and
per timed undo ("type": "undo.unmute", when a mute is lifted). Logs go to stderr.
SIGHUP reloads FILE; SIGTERM or SIGINT finishes the actions under way, leaves and stops.
Exit codes: 0 stopped, 1 playbook errors, 2 usage errors (bad options, unreadable files,
database in use), ${EXIT_CONNECT} the server could not be reached, refused the login, or the rooms
could not be joined (also when the connection is lost for good later).
`,
  options: {
    xmpp: { type: 'string' },
    jid: { type: 'string' },
    irc: { type: 'string' },
    onebot: { type: 'string' },
    'onebot-reverse': { type: 'boolean' },
    room: { type: 'string', multiple: true },
    nick: { type: 'string' },
    password: { type: 'string' },
    admin: { type: 'string', multiple: true },
    remove: { type: 'string' },
    db: { type: 'string' },
    config: { type: 'string' },
    insecure: { type: 'boolean' },
    telegram: { type: 'boolean' },
    'api-root': { type: 'string' },
    webhook: { type: 'string' },
    'webhook-listen': { type: 'string' },
    discord: { type: 'boolean' },
    'discord-api': { type: 'string' },
    roster: { type: 'string' },
  },
  async run(values, files, io) {
    if (files.length !== 1) throw new UsageError(files.length ? 'bot takes one playbook file' : 'no playbook file given');
    const file = files[0]!;
    let config;
    try {
      config = resolveBotConfig({
        ...values,
        ...(typeof values['api-root'] === 'string' ? { apiRoot: values['api-root'] } : {}),
        ...(typeof values['webhook-listen'] === 'string' ? { webhookListen: values['webhook-listen'] } : {}),
      });
    } catch (e) {
      if (e instanceof ConfigError) throw new UsageError(e.message);
      throw e;
    }
    const source = readPlaybookFile(file);
    const compiled = compile(source, { file });
    for (const d of compiled.diagnostics) io.err(formatDiagnostic(d, source) + '\n\n');
    if (!compiled.ir) return 1;
    try {
      // Before connecting anywhere: an endpoint whose URL variable is not set refuses the start.
      resolveEndpoints(endpointSpecs(compiled.ir));
    } catch (e) {
      if (e instanceof EndpointError) throw new UsageError(e.message);
      throw e;
    }

    let adapter;
    try {
      // The adapters check what the settings cannot (an admin that is not a JID, two rooms bound
      // to one community): a mistake in the options, not a failure of the program.
      adapter = createAdapter(config);
    } catch (e) {
      throw new UsageError(messageOf(e));
    }

    const log = (line: string) => {
      io.err(`${new Date().toISOString()} ${line}\n`);
    };
    let store: DurableStore;
    if (isPostgresUrl(config.db)) {
      const opened = await openBotPostgres(
        config.db,
        config.rooms.map((r) => r.community),
        log,
      );
      if (!opened) return 0;
      store = opened;
    } else store = await openDatabase(config.db);
    const report = (r: DeliveryReport) => {
      if (r.outcome.status === 'recorded') return;
      const line: Record<string, unknown> = { seq: r.seq ?? null, type: r.action.type };
      if (r.action.member !== undefined) line['member'] = r.action.member;
      line['community'] = r.action.community;
      line['status'] = r.outcome.status;
      if ('reason' in r.outcome) line['reason'] = r.outcome.reason;
      io.out(JSON.stringify(line) + '\n');
    };
    const reportUndo = (record: UndoRecord, outcome: ActionOutcome) => {
      const line: Record<string, unknown> = {
        seq: null,
        type: `undo.${record.kind}`,
        member: record.member,
        community: record.community,
        status: outcome.status,
      };
      if ('reason' in outcome) line['reason'] = outcome.reason;
      io.out(JSON.stringify(line) + '\n');
    };
    let bot: Bot;
    // A database may hold other bots' communities (PostgreSQL): each bot sends its own rooms' calls.
    const mine = config.rooms.map((r) => r.community);
    const webhooks = webhooksFor(store.outbox, compiled.ir, log, { communities: () => mine });
    try {
      const durable = new DurableRuntime(compiled.ir, store);
      const rosterFile = values['roster'];
      if (typeof rosterFile === 'string') {
        const text = readBoundedFile(rosterFile, MAX_EVENTS_BODY_BYTES, 'a roster').toString('utf8');
        const r = importRoster(durable, rosterFile, text, { kind: 'wall', now: Date.now() });
        log(`roster ${rosterFile}: ${r.registered} members registered, ${r.known} already known${r.stale ? `, ${r.stale} stale entries refused` : ''}`);
      }
      bot = new Bot({
        durable,
        adapter,
        playbook: { ir: compiled.ir, source, file },
        log,
        onOutcome: (r) => {
          // Its outbox row is committed by now (the bot reports an action after its commit).
          if (r.action.type === 'webhook.call') webhooks?.wake();
          report(r);
        },
        onUndo: reportUndo,
      });
    } catch (e) {
      store.close();
      // A database with a member in a state the playbook lacks (docs/runtime.md, "Stored machine states"): refused, as serve refuses it.
      if (e instanceof RosterError || e instanceof StoredStateError) throw new UsageError(e.message);
      throw e;
    }
    const where =
      config.platform === 'telegram'
        ? (config.apiRoot ?? 'https://api.telegram.org')
        : config.platform === 'discord'
          ? (config.api ?? 'https://discord.com/api')
          : config.platform === 'xmpp'
            ? config.service
            : config.platform === 'onebot'
              ? `${config.url}${config.mode === 'reverse' ? ' (listening: reverse WebSocket)' : ''}${config.accessToken ? ' (with an access token)' : ''}`
              : `${config.tls ? 'ircs' : 'irc'}://${config.host}:${config.port}`;
    const as =
      config.platform === 'xmpp'
        ? config.jid
        : config.platform === 'telegram'
          ? 'the bot of TELEGRAM_BOT_TOKEN'
          : config.platform === 'discord'
            ? 'the bot of DISCORD_BOT_TOKEN'
            : config.nick;
    // A postgres:// URL may hold a password: only its host and database are logged.
    const db = isPostgresUrl(config.db) ? `postgres://${new URL(config.db).host}${new URL(config.db).pathname}` : config.db;
    log(`connecting to ${where} as ${as}; db ${db}`);
    try {
      await bot.start();
    } catch (e) {
      log(`could not start: ${messageOf(e)}`);
      await bot.stop().catch(() => {});
      store.close();
      return EXIT_CONNECT;
    }
    webhooks?.start();
    io.out(`ready: ${config.platform} ${config.rooms.map((r) => r.room).join(' ')} as ${config.nick}\n`);

    const running = untilStopped({
      file,
      log,
      reload: (text, f) => {
        const outcome = bot.reload(text, f);
        if (outcome.ok) reloadEndpoints(webhooks, bot.durable.ir, log);
        return outcome;
      },
      close: async () => {
        try {
          await bot.stop();
          await webhooks?.stop();
        } finally {
          store.close();
        }
      },
    });
    bot.onFatal = (reason) => {
      running.stop(`connection lost for good (${reason})`, EXIT_CONNECT);
    };
    return await running.done;
  },
};
