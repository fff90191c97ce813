/**
 * A complete, small chat bot that runs a playbook: the loop of docs/embedding.md.
 *
 *   platform update ─► toEvent() ─► runtime.dispatchDetailed() ─► outbox ─► carryOut() ─► platform
 *   host timer ─────────────────────► runtime.advance(now) ───────┘
 *
 * Run it with `npx tsx examples/embedding/bot.ts`: it plays a short scripted day in a fake
 * group chat (fake-chat.ts) and prints what the group and the admins saw.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
// In a bot project this import is `from 'playbook'`; the example uses the sources directly.
import { compile, createRuntime, formatDiagnostic, type IR, type OutputAction, type Runtime, type RuntimeSnapshot } from '../../src/index.js';
import { FakeChat, type ChatUpdate } from './fake-chat.js';

/** An input event of DESIGN.md section 4: envelope keys plus the payload of its type. */
export interface PlaybookEvent {
  id: string;
  type: string;
  at: string;
  community: string;
  member?: string;
  [field: string]: unknown;
}

/** Loads and checks the playbook; a playbook with errors never reaches the group. */
export function loadPlaybook(path: URL): IR {
  const source = readFileSync(path, 'utf8');
  const { ir, diagnostics } = compile(source, { file: path.pathname });
  for (const d of diagnostics) console.error(formatDiagnostic(d, source));
  if (!ir) throw new Error(`${path.pathname} has errors; the bot does not start`);
  return ir;
}

// ---------------------------------------------------------------------------------------------
// The adapter: the platform's updates in, Playbook's events out.

/**
 * The platform's update id becomes the event id, so a redelivered update is recognised as a
 * duplicate by the runtime. Updates the playbook has no use for return undefined.
 */
export function toEvent(u: ChatUpdate): PlaybookEvent | undefined {
  const base = { id: `update-${u.updateId}`, at: new Date(u.date * 1000).toISOString(), community: u.chatId, member: u.userId };
  switch (u.kind) {
    case 'join':
      return { ...base, type: 'member.joined', name: u.displayName ?? u.userId };
    case 'leave':
      return { ...base, type: 'member.left' };
    case 'text':
      return { ...base, type: 'message.posted', messageId: u.messageId ?? '', text: u.text ?? '' };
    case 'promote':
      return u.role ? { ...base, type: 'role.granted', role: u.role } : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The executor: Playbook's actions in, platform calls out.

const text = (a: OutputAction, key: string): string => (typeof a[key] === 'string' ? (a[key] as string) : '');

/** Carries out one action (DESIGN.md section 4) on the platform. */
export function carryOut(chat: FakeChat, a: OutputAction): void {
  switch (a.type) {
    case 'message.send':
      if (typeof a['to'] === 'string') chat.directMessage(a['to'], text(a, 'text'));
      else if (typeof a['channel'] === 'string') chat.postInChannel(a['channel'], text(a, 'text'));
      else chat.post(text(a, 'text'));
      return;
    case 'message.delete':
      chat.deleteMessage(text(a, 'messageId'));
      return;
    case 'member.mute':
      chat.restrict(text(a, 'member'), Date.parse(text(a, 'until')), text(a, 'reason') || 'muted');
      return;
    case 'member.remove':
      chat.kick(text(a, 'member'), text(a, 'reason'));
      return;
    case 'member.tag':
    case 'member.untag':
      chat.label(text(a, 'member'), text(a, 'tag'), a.type === 'member.tag');
      return;
    case 'admin.notify':
      chat.tellAdmins(text(a, 'text'));
      return;
    case 'role.grant':
    case 'role.revoke':
      // This platform has labels, not roles: a role becomes a label of its own.
      chat.label(text(a, 'member'), `role:${text(a, 'role')}`, a.type === 'role.grant');
      return;
    case 'member.unmute':
      chat.restrict(text(a, 'member'), chat.now, 'unmuted');
      return;
    case 'member.ban':
      chat.kick(text(a, 'member'), text(a, 'reason') || 'banned');
      return;
    case 'message.pin':
      chat.pin(text(a, 'messageId'));
      return;
    case 'message.reply':
      chat.reply(text(a, 'messageId'), text(a, 'text'));
      return;
    case 'join.approve':
    case 'join.reject':
      chat.decideJoin(text(a, 'member'), a.type === 'join.approve', text(a, 'reason'));
      return;
    // Records, not commands: the ladder's own steps say what a warning leads to, and cleared
    // warnings, points, levels, badges, lifecycle changes, stages, goals and draws are for profiles,
    // dashboards and analytics (a draw's winners get the playbook's own messages). This bot has
    // nothing to show them on.
    case 'member.warn':
    case 'warnings.cleared':
    case 'points.award':
    case 'level.reached':
    case 'badge.granted':
    case 'lifecycle.changed':
    case 'stage.entered':
    case 'stage.exited':
    case 'goal.reached':
    case 'lottery.drawn':
    // A webhook is for the operator's own service: `playbook serve` and `bot` POST it
    // (docs/serve.md, "Webhooks"); this bot has no service to call.
    case 'webhook.call':
      return;
    default:
      // A newer runtime may add action types; an older bot skips them rather than crash.
      console.error(`bot: skipping unknown action type ${a.type}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The bot

/** What the bot writes to disk: the runtime's state and the actions not yet carried out. */
interface SavedState {
  snapshot: RuntimeSnapshot;
  outbox: OutputAction[];
}

export interface BotStats {
  processed: number;
  duplicates: number;
  ignored: number;
  invalid: number;
  late: number;
  actions: number;
}

export class PlaybookBot {
  private readonly runtime: Runtime;
  private outbox: OutputAction[];
  readonly stats: BotStats = { processed: 0, duplicates: 0, ignored: 0, invalid: 0, late: 0, actions: 0 };

  /**
   * @param save called with the state to keep after every change; a real bot writes it to a
   *   file or a database row before acting, so a crash at any point loses nothing.
   * @param saved what `save` last received, to resume after a restart.
   */
  constructor(
    ir: IR,
    private readonly chat: FakeChat,
    private readonly save: (state: string) => void,
    saved?: string,
  ) {
    const restored = saved === undefined ? undefined : (JSON.parse(saved) as SavedState);
    this.runtime = createRuntime(ir, restored ? { snapshot: restored.snapshot } : {});
    this.outbox = restored?.outbox ?? [];
    // Actions decided before a crash but not carried out yet.
    this.flush();
  }

  /** One update from the platform. */
  onUpdate(update: ChatUpdate): void {
    const event = toEvent(update);
    if (!event) return;
    const result = this.runtime.dispatchDetailed(event);
    switch (result.status) {
      case 'duplicate':
        this.stats.duplicates++;
        return;
      case 'invalid':
        // A bug in the adapter, not in the playbook: report it and carry on.
        this.stats.invalid++;
        console.error(`bot: event ${event.id} rejected: ${result.reason}`);
        return;
      case 'ignored':
        this.stats.ignored++;
        return;
      case 'processed':
        this.stats.processed++;
        if (result.late) this.stats.late++;
        this.enqueue(result.actions);
    }
  }

  /** Fires every timer due by the platform's clock: reminders, deadlines, scheduled posts. */
  wakeUp(): void {
    this.enqueue(this.runtime.advance(this.chat.now));
  }

  /** When the host should call `wakeUp` next (milliseconds since 1970), if ever. */
  nextWake(): number | undefined {
    return this.runtime.nextDue();
  }

  private enqueue(actions: OutputAction[]): void {
    if (actions.length === 0) return;
    this.stats.actions += actions.length;
    this.outbox.push(...actions);
    this.persist();
    this.flush();
  }

  private flush(): void {
    while (this.outbox.length > 0) {
      carryOut(this.chat, this.outbox[0]!);
      this.outbox.shift();
      this.persist();
    }
  }

  private persist(): void {
    const state: SavedState = { snapshot: this.runtime.snapshot(), outbox: this.outbox };
    this.save(JSON.stringify(state));
  }
}

/**
 * With a real clock: wake the bot when its next timer is due. Call again after every update,
 * since an update may set an earlier timer. (setTimeout cannot wait longer than about 24 days.)
 */
export function armTimer(bot: PlaybookBot, previous?: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> | undefined {
  if (previous !== undefined) clearTimeout(previous);
  const due = bot.nextWake();
  if (due === undefined) return undefined;
  const delay = Math.min(Math.max(0, due - Date.now()), 2 ** 31 - 1);
  return setTimeout(() => {
    bot.wakeUp();
    armTimer(bot);
  }, delay);
}

/** With the fake clock: let time pass, waking the bot at each timer on the way. */
export function letTimePass(bot: PlaybookBot, chat: FakeChat, ms: number): void {
  const until = chat.now + ms;
  for (let due = bot.nextWake(); due !== undefined && due <= until; due = bot.nextWake()) {
    chat.now = Math.max(chat.now, due);
    bot.wakeUp();
  }
  chat.now = until;
}

// ---------------------------------------------------------------------------------------------
// A scripted day in the group

export interface DemoResult {
  transcript: string[];
  /** Counted over both runs of the bot, before and after its restart. */
  stats: BotStats;
}

const MINUTE = 60_000;

export function runDemo(): DemoResult {
  const ir = loadPlaybook(new URL('./club.playbook', import.meta.url));
  const chat = new FakeChat('demo-club', '2026-03-02T10:00:00+08:00');
  let disk: string | undefined;
  const writeToDisk = (state: string) => {
    disk = state;
  };
  let bot = new PlaybookBot(ir, chat, writeToDisk);
  const deliver = (u: ChatUpdate) => bot.onUpdate(u);

  // 10:00 Alice joins and introduces herself; the ritual completes.
  deliver(chat.join('alice', 'Alice'));
  chat.wait(5 * MINUTE);
  deliver(chat.say('alice', 'Alice-上海-产品经理'));

  // 10:10 Bob joins and says nothing: reminded at 10:40, removed at 11:10.
  chat.wait(5 * MINUTE);
  deliver(chat.join('bob', 'Bob'));
  letTimePass(bot, chat, 80 * MINUTE);

  // 11:30 Carol posts an ad. The platform times out and delivers the same update again.
  const ad = chat.say('carol', '加微信 领优惠');
  deliver(ad);
  deliver(ad);

  // The bot process restarts: it resumes from what it saved, warnings and timers included.
  const before = bot.stats;
  bot = new PlaybookBot(ir, chat, writeToDisk, disk);

  // 11:31 Carol posts a link, but the platform delivers it late, after Dave's burst at 11:35.
  chat.wait(MINUTE);
  const delayed = chat.say('carol', '看这里 https://spam.example');
  chat.wait(4 * MINUTE);
  for (let i = 0; i < 5; i++) {
    deliver(chat.say('dave', `刷屏 ${i + 1}`));
    chat.wait(1000);
  }
  deliver(delayed);

  // The evening post comes from a timer, like the reminder and the deadline.
  letTimePass(bot, chat, 10 * 60 * MINUTE);

  const stats = Object.fromEntries(
    Object.entries(bot.stats).map(([key, n]) => [key, n + before[key as keyof BotStats]]),
  ) as unknown as BotStats;
  return { transcript: chat.transcript, stats };
}

/** What `npx tsx examples/embedding/bot.ts` prints. */
export function formatDemo({ transcript, stats }: DemoResult): string {
  return `${transcript.join('\n')}\n\n${stats.processed} events processed, ${stats.duplicates} duplicate, ${stats.late} late; ${stats.actions} actions\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(formatDemo(runDemo()));
}
