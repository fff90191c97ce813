/**
 * The QQ adapter: QQ groups through a OneBot v11 implementation (NapCat, Lagrange) over one
 * WebSocket (onebot-link.ts, forward or reverse). Frames become events in the order they arrive
 * (onebot-events.ts); actions become API calls (onebot-actions.ts). At every (re)connection the
 * adapter reads who is in each bound group (get_group_member_list): owners and admins become
 * `role.granted`, members who left while the connection was down become `member.left`, and a
 * group the bot is not in fails the start.
 */
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome, AdapterEvents, Capabilities, ChatAdapter, ChatEvent, RemoveMode, RoomBinding, UndoRecord } from './adapter.js';
import { performOneBot, UNSUPPORTED_NOTE } from './onebot-actions.js';
import {
  asRole,
  displayName,
  joinEvent,
  leftEvent,
  messageEvent,
  OneBotGroups,
  requestEvent,
  roleEvent,
  rolesOf,
  type Group,
  type GroupMember,
} from './onebot-events.js';
import { OneBotLink } from './onebot-link.js';
import type { GroupMemberInfo, GroupMessageEvent, GroupRequest, LoginInfo } from './onebot-types.js';

export interface OneBotAdapterOptions {
  /** forward: the implementation's WebSocket server; reverse: where the bot listens for it. */
  url: string;
  mode: 'forward' | 'reverse';
  /** From ONEBOT_ACCESS_TOKEN; sent as `Authorization: Bearer`, never logged. */
  accessToken?: string | undefined;
  /** Group numbers, each bound to a community. */
  rooms: RoomBinding[];
  /** QQ numbers that receive admin.notify privately. */
  admins: string[];
  removeMode: RemoveMode;
  callTimeoutMs?: number | undefined;
  startTimeoutMs?: number | undefined;
  reconnectForMs?: number | undefined;
}

export class OneBotAdapter implements ChatAdapter {
  readonly platform = 'onebot';
  readonly capabilities: Capabilities;
  private readonly groups: OneBotGroups;
  private readonly link: OneBotLink;
  private events: AdapterEvents | undefined;
  private selfId: number | undefined;
  /** Groups whose member list was read on this connection. */
  private readonly listedGroups = new Set<number>();
  /** Frames are handled one after another, after the set-up of the connection they came on. */
  private chain: Promise<void> = Promise.resolve();
  private stamp = 0;

  constructor(private readonly options: OneBotAdapterOptions) {
    if (options.rooms.length === 0) throw new Error('the QQ adapter needs at least one group');
    for (const a of options.admins) if (!/^[1-9][0-9]{0,15}$/.test(a)) throw new Error(`--admin ${a}: on QQ an admin is a QQ number`);
    this.groups = new OneBotGroups(options.rooms);
    this.link = new OneBotLink({
      mode: options.mode,
      url: options.url,
      accessToken: options.accessToken,
      callTimeoutMs: options.callTimeoutMs,
      startTimeoutMs: options.startTimeoutMs,
      reconnectForMs: options.reconnectForMs,
      log: (line) => {
        this.log(line);
      },
    });
    this.capabilities = {
      messageIds: 'server',
      deleteMessage: true,
      mute: true,
      muteEnds: 'server',
      // Whether QQ keeps a mute across leaving and joining again is not documented; the bot
      // muting a returning member again for what remains is right either way.
      muteSurvivesRejoin: false,
      kick: true,
      ban: true,
      privateMessage: true,
      adminNotify: options.admins.length > 0,
      pin: false,
      joinRequests: true,
      events: ['member.joined', 'member.left', 'message.posted', 'role.granted', 'role.revoked', 'member.join_requested'],
    };
  }

  async start(events: AdapterEvents): Promise<void> {
    this.events = events;
    let firstSetUp: Promise<void> | undefined;
    await this.link.start({
      frame: (f) => {
        this.enqueue(() => this.onFrame(f));
      },
      up: (again) => {
        this.listedGroups.clear();
        const setUp = this.enqueueResult(() => this.setUp(again));
        if (!again) firstSetUp = setUp;
        else
          setUp.catch((e: unknown) => {
            this.log(`after reconnecting: ${(e as Error).message}`);
          });
      },
      fatal: (reason) => {
        events.fatal(reason);
      },
    });
    try {
      await firstSetUp;
    } catch (e) {
      await this.link.stop();
      throw e;
    }
    this.log(`note: ${UNSUPPORTED_NOTE}`);
  }

  perform(action: OutputAction): Promise<ActionOutcome> {
    return performOneBot(
      {
        link: this.link,
        groups: this.groups,
        admins: this.options.admins,
        removeMode: this.options.removeMode,
        listed: (g) => this.listedGroups.has(g.id),
        now: () => Date.now(),
      },
      action,
    ).catch((e: unknown) => ({ status: 'failed', reason: (e as Error).message }));
  }

  /** QQ ends its mutes itself: this adapter records no undo. */
  undo(record: UndoRecord): Promise<ActionOutcome> {
    return Promise.resolve({ status: 'unsupported', reason: `the QQ adapter has nothing to undo for ${JSON.stringify(record.kind)}` });
  }

  async stop(): Promise<void> {
    await this.link.stop();
  }

  // ------------------------------------------------------------------ connection set-up

  private async setUp(again: boolean): Promise<void> {
    const login = await this.link.call('get_login_info', {});
    if (login.status !== 'ok' || !login.data) throw new Error(`get_login_info refused: retcode ${login.retcode}`);
    this.selfId = (login.data as LoginInfo).user_id;
    const stamp = `${Date.now()}-${++this.stamp}`;
    for (const g of this.groups.all()) {
      const r = await this.link.call('get_group_member_list', { group_id: g.id });
      if (r.status !== 'ok' || !Array.isArray(r.data)) {
        const why = `cannot read the members of group ${g.id} (retcode ${r.retcode}${r.wording ? `: ${r.wording}` : ''}): is the bot's QQ account (${this.selfId}) in it?`;
        if (!again) throw new Error(why);
        this.log(why);
        continue;
      }
      const now = new Map<string, GroupMember>();
      for (const m of r.data as GroupMemberInfo[]) now.set(String(m.user_id), { name: displayName(m.card, m.nickname), role: asRole(m.role) });
      const self = now.get(String(this.selfId));
      g.botRole = self?.role;
      if (!self) throw new Error(`the bot's QQ account (${this.selfId}) is not in group ${g.id}`);
      now.delete(String(this.selfId));
      if (self.role === 'member') this.log(`warning: the bot is not an admin of group ${g.id}: it cannot recall others' messages, mute or remove members`);
      if (again) {
        // Who left while the connection was down; who came meanwhile is recorded without a join.
        for (const id of g.members.keys()) if (!now.has(id)) this.emit(leftEvent(g, id, Math.floor(Date.now() / 1000), Date.now()));
      }
      for (const [id, m] of now) {
        const before = g.members.get(id)?.role;
        if (m.role !== 'member' && (!again || before !== m.role))
          for (const role of rolesOf(m.role)) this.emit(roleEvent(g, id, role, true, stamp, Date.now()));
      }
      g.members = now;
      this.listedGroups.add(g.id);
    }
    this.log(
      `${again ? 'connected again' : 'connected'} as QQ ${this.selfId}; groups ${this.groups
        .all()
        .map((g) => `${g.id} (${g.members.size} members, bot ${g.botRole ?? '?'})`)
        .join(', ')}`,
    );
  }

  // ------------------------------------------------------------------ frames in

  private async onFrame(f: Record<string, unknown>): Promise<void> {
    const post = f['post_type'];
    if (post === 'meta_event') {
      if (f['meta_event_type'] === 'lifecycle') this.log(`lifecycle: ${String(f['sub_type'])}`);
      return;
    }
    const g = this.groups.group(f['group_id']);
    if (!g) return;
    const user = typeof f['user_id'] === 'number' ? String(f['user_id']) : undefined;
    if (user === undefined || Number(user) === this.selfId) {
      if (post === 'notice' && f['notice_type'] === 'group_decrease' && f['sub_type'] === 'kick_me')
        this.events?.fatal(`the bot was removed from group ${g.id}`);
      return;
    }
    const now = Date.now();
    const time = typeof f['time'] === 'number' ? f['time'] : Math.floor(now / 1000);
    if (post === 'message' && f['message_type'] === 'group') {
      const e = f as unknown as GroupMessageEvent;
      if (e.sub_type === 'anonymous' || e.sub_type === 'notice') return;
      const known = g.members.get(user);
      g.members.set(user, {
        name: displayName(e.sender.card, e.sender.nickname) ?? known?.name,
        role: e.sender.role ? asRole(e.sender.role) : (known?.role ?? 'member'),
      });
      this.emit(messageEvent(g, e, now));
    } else if (post === 'notice' && f['notice_type'] === 'group_increase') {
      const info = await this.memberInfo(g, Number(user));
      g.members.set(user, info ?? { role: 'member' });
      this.emit(joinEvent(g, user, time, now, info));
    } else if (post === 'notice' && f['notice_type'] === 'group_decrease') {
      g.members.delete(user);
      g.requests.delete(user);
      this.emit(leftEvent(g, user, time, now));
    } else if (post === 'notice' && f['notice_type'] === 'group_admin') {
      const granted = f['sub_type'] === 'set';
      const m = g.members.get(user);
      if (m) m.role = granted ? 'admin' : 'member';
      this.emit(roleEvent(g, user, 'admin', granted, String(time), now));
    } else if (post === 'request' && f['request_type'] === 'group') {
      const e = f as unknown as GroupRequest;
      if (e.sub_type !== 'add') return;
      g.requests.set(user, { flag: e.flag, subType: e.sub_type });
      this.emit(requestEvent(g, e, now));
    }
  }

  private async memberInfo(g: Group, user: number): Promise<GroupMember | undefined> {
    try {
      const r = await this.link.call('get_group_member_info', { group_id: g.id, user_id: user, no_cache: true });
      if (r.status !== 'ok' || !r.data) return undefined;
      const d = r.data as GroupMemberInfo;
      return { name: displayName(d.card, d.nickname), role: asRole(d.role) };
    } catch {
      return undefined;
    }
  }

  private emit(e: ChatEvent): void {
    this.events?.event(e);
  }

  private enqueue(step: () => Promise<void>): void {
    void this.enqueueResult(step).catch((e: unknown) => {
      this.log(`handling a frame: ${(e as Error).message}`);
    });
  }

  private enqueueResult(step: () => Promise<void>): Promise<void> {
    const run = this.chain.then(step);
    this.chain = run.catch(() => {});
    return run;
  }

  private log(line: string): void {
    this.events?.log(line);
  }
}
