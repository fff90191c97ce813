import type { IR } from '../compiler/ir.js';
import type { OutputAction } from '../runtime/runtime.js';
import { dict, dictFrom, own } from '../stdlib/dict.js';
import type {
  CampaignReport,
  CauseInfo,
  LeaderRow,
  LifecycleReport,
  MemberStatus,
  ModerationEntry,
  ModerationRow,
  ReportData,
  RitualReport,
  RunCounts,
  RunSummary,
  Series,
  TimelineRow,
} from './model.js';
import { renderReport } from './render.js';
import { daysBetween, monthsBetween, ZoneClock } from './zone-clock.js';

/** The statuses `Runtime.dispatchDetailed` reports. */
export type EventStatus = 'processed' | 'duplicate' | 'invalid' | 'ignored';

export interface ReportOptions {
  /** The playbook file, shown in the header. */
  file?: string;
  /** Defaults to "<playbook name>: simulation report". */
  title?: string;
  /** Actions kept in full at the start and at the end of the timeline (default 500 each). */
  timelineHead?: number;
  timelineTail?: number;
  /** Members listed in the moderation table (default 200; the counts cover everyone). */
  moderationRows?: number;
  /** Members in the points leaderboard (default 20). */
  leaderboardRows?: number;
}

/**
 * The final state the report reads rituals, lifecycles and points from: a `RuntimeSnapshot`, or
 * the runtime itself (its `community(id)`, which spares copying the state of a large run).
 */
export type FinalState = { communities: readonly unknown[] } | { community(id: string): unknown };

/** Moderation entries kept per member: enough to see the story, bounded for spam floods. */
const ENTRIES_PER_MEMBER = 6;
const MAX_PROBLEMS = 50;
const MAX_CALENDAR_RECORDS = 1000;
const MAX_BADGE_HOLDERS = 20;
const MAX_EVENT_TYPES_CHARTED = 8;
const MAX_ACTION_TYPES_CHARTED = 10;
const MAX_TEXT = 300;

interface MemberInfo {
  community: string;
  id: string;
  name?: string;
  events: number;
  present: boolean;
  removed: boolean;
  removeReason?: string;
  balance?: number;
  warnings: number;
  ladders?: Record<string, number>;
  mutes: number;
  deletes: number;
  entries?: ModerationEntry[];
  /** First moderation action's position, to keep the table in the order things happened. */
  firstModeration?: number;
  /** Lifecycle name -> state after the last `lifecycle.changed`. */
  lifecycles?: Record<string, string>;
  levels?: string[];
  badges?: string[];
}

interface KeptAction {
  seq: number;
  action: OutputAction;
  /** The input event when it caused the action (timers fire inside `dispatch` too). */
  event?: Record<string, unknown>;
}

type Buckets = Map<string, Map<string, number>>;

/**
 * Watches a simulation go by and keeps what the HTML report needs, in memory that does not grow
 * with the number of events: counts per hour and type, the first and last actions in full, and
 * per-member tallies. Call `observeEvent` for every dispatched line, `observeTimerActions` for
 * what `advance` fires, then `render` once.
 */
export class ReportCollector {
  private readonly ir: IR;
  private readonly options: Required<Omit<ReportOptions, 'file' | 'title'>> & Pick<ReportOptions, 'file' | 'title'>;
  private readonly clock: ZoneClock;
  private readonly counts: RunCounts = { read: 0, processed: 0, ignored: 0, bad: 0, duplicates: 0, late: 0, actions: 0 };
  private firstEventMs = Infinity;
  private lastEventMs = -Infinity;
  private firstMs = Infinity;
  private lastMs = -Infinity;
  private advancedTo: number | undefined;
  private readonly eventBuckets: Buckets = new Map();
  private readonly actionBuckets: Buckets = new Map();
  private readonly eventTypes = new Map<string, number>();
  private readonly eventsByHour = new Map<string, number[]>();
  private readonly actionTypes = new Map<string, number>();
  private readonly actionSources = new Map<string, number>();
  private readonly communities = new Set<string>();
  /** Community -> member id -> tallies (nested, so the hot path builds no key strings). */
  private readonly members = new Map<string, Map<string, MemberInfo>>();
  private readonly flows = new Map<string, number>();
  private readonly stageRecords: { campaign: string; stage: string; entered: boolean; at: string; community: string }[] = [];
  private readonly goalRecords: { campaign: string; goal: string; at: string; community: string }[] = [];
  private readonly head: KeptAction[] = [];
  /** Ring buffer of the last actions; `tailNext` is where the next one goes. */
  private readonly tail: KeptAction[] = [];
  private tailNext = 0;
  private pointsAwarded = 0;
  private pointsDeducted = 0;
  private readonly problems: { line: number; text: string }[] = [];
  private problemsTotal = 0;

  constructor(ir: IR, options: ReportOptions = {}) {
    this.ir = ir;
    this.options = {
      timelineHead: 500,
      timelineTail: 500,
      moderationRows: 200,
      leaderboardRows: 20,
      ...options,
    };
    this.clock = new ZoneClock(ir.timezone);
  }

  /** One input event, as parsed from its line, with what `dispatchDetailed` returned for it. */
  observeEvent(raw: unknown, actions: readonly OutputAction[], status: EventStatus, late = false): void {
    this.counts.read++;
    if (status === 'processed') this.counts.processed++;
    else if (status === 'ignored') this.counts.ignored++;
    else if (status === 'duplicate') this.counts.duplicates++;
    else this.counts.bad++;
    if (late) this.counts.late++;
    const event = status === 'processed' && isRecord(raw) ? raw : undefined;
    if (event) this.recordEvent(event);
    this.recordActions(actions, event);
  }

  /** Actions fired by timers outside any event (`advance`); `advancedTo` is the instant advanced to. */
  observeTimerActions(actions: readonly OutputAction[], advancedTo?: string | number): void {
    this.recordActions(actions, undefined);
    if (advancedTo !== undefined) {
      const ms = typeof advancedTo === 'number' ? advancedTo : Date.parse(advancedTo);
      if (Number.isFinite(ms)) this.advancedTo = Math.max(this.advancedTo ?? -Infinity, ms);
    }
  }

  /** A skipped or late input line, as `simulate` reports it on stderr; the first few are listed. */
  noteInputProblem(line: number, text: string): void {
    this.problemsTotal++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ line, text: clip(text) });
  }

  /** The report as one self-contained HTML document. */
  render(state?: FinalState, summary?: RunSummary): string {
    return renderReport(this.aggregate(state, summary));
  }

  /** Everything the report shows, as data (also what the page embeds for its charts). */
  aggregate(state?: FinalState, summary: RunSummary = {}): ReportData {
    const counts = { ...this.counts };
    for (const k of Object.keys(counts) as (keyof RunCounts)[]) {
      const v = summary[k];
      if (typeof v === 'number' && Number.isFinite(v)) counts[k] = v;
    }
    let untilMs = this.advancedTo;
    if (summary.until !== undefined) {
      const ms = typeof summary.until === 'number' ? summary.until : Date.parse(summary.until);
      if (Number.isFinite(ms)) untilMs = ms;
    }
    const finals = this.finalMembers(state);
    const data: ReportData = {
      title: this.options.title ?? `${this.ir.name}: simulation report`,
      playbook: this.ir.name,
      timezone: this.clock.zone,
      period: {},
      counts,
      communities: [...this.communities],
      members: { total: 0, present: 0, left: 0, removed: 0 },
      actionsByType: sortedCounts(this.actionTypes).map(([type, count]) => ({ type, count })),
      actionsBySource: sortedCounts(this.actionSources).map(([source, count]) => ({ source, count })),
      activity: this.activity(),
      moderation: this.moderation(),
      points: {
        declared: this.ir.points.length + this.ir.levels.length + this.ir.badges.length + this.ir.leaderboards.length > 0,
        awarded: this.pointsAwarded, deducted: this.pointsDeducted, members: 0, leaderboard: [], levels: [], badges: [] },
      lifecycles: [],
      rituals: [],
      campaigns: [],
      timeline: this.timeline(),
      problems: [...this.problems],
      problemsTotal: this.problemsTotal,
    };
    if (this.options.file !== undefined) data.file = this.options.file;
    if (summary.seed !== undefined) data.seed = summary.seed;
    if (Number.isFinite(this.firstEventMs)) data.period.firstEvent = this.clock.format(this.firstEventMs);
    if (Number.isFinite(this.lastEventMs)) data.period.lastEvent = this.clock.format(this.lastEventMs);
    if (untilMs !== undefined) data.period.until = this.clock.format(untilMs);

    for (const f of finals) {
      data.members.total++;
      data.members[f.status]++;
    }
    data.points = { ...data.points, ...this.pointsSection(finals) };
    data.lifecycles = this.lifecycleSection(finals);
    data.rituals = this.ritualSection(finals, state !== undefined);
    data.campaigns = this.campaignSection(state);
    return data;
  }

  // ------------------------------------------------------------------ observation

  private recordEvent(event: Record<string, unknown>): void {
    const type = String(event['type']);
    const ms = typeof event['at'] === 'string' ? Date.parse(event['at']) : NaN;
    if (Number.isFinite(ms)) {
      if (ms < this.firstEventMs) this.firstEventMs = ms;
      if (ms > this.lastEventMs) this.lastEventMs = ms;
      this.widen(ms);
      const slot = this.clock.slot(ms);
      bump(this.eventBuckets, slot.hourKey, type);
      let hours = this.eventsByHour.get(type);
      if (!hours) this.eventsByHour.set(type, (hours = new Array<number>(24).fill(0)));
      hours[slot.hour]!++;
    }
    this.eventTypes.set(type, (this.eventTypes.get(type) ?? 0) + 1);
    const community = String(event['community']);
    this.communities.add(community);
    const memberId = event['member'];
    if (typeof memberId !== 'string') return;
    const m = this.member(community, memberId);
    m.events++;
    if (type === 'member.joined') {
      m.present = true;
      m.removed = false;
      if (typeof event['name'] === 'string') m.name = event['name'];
    } else if (type === 'member.left') {
      m.present = false;
    }
  }

  private recordActions(actions: readonly OutputAction[], event: Record<string, unknown> | undefined): void {
    for (const a of actions) {
      const seq = ++this.counts.actions;
      const type = String(a.type);
      const source = typeof a['source'] === 'string' ? a['source'] : '';
      const ms = Date.parse(a.at);
      if (Number.isFinite(ms)) {
        this.widen(ms);
        bump(this.actionBuckets, this.clock.slot(ms).hourKey, type);
      }
      this.actionTypes.set(type, (this.actionTypes.get(type) ?? 0) + 1);
      this.actionSources.set(source, (this.actionSources.get(source) ?? 0) + 1);
      this.communities.add(a.community);
      const causedByEvent = event !== undefined && a['cause'] === event['id'] ? event : undefined;
      this.keep(seq, a, causedByEvent);
      const m = typeof a.member === 'string' ? this.member(a.community, a.member) : undefined;
      switch (type) {
        case 'member.warn':
        case 'member.mute':
        case 'member.remove':
        case 'message.delete':
          if (m) this.moderate(m, seq, a, causedByEvent);
          break;
        case 'points.award': {
          const amount = typeof a['amount'] === 'number' ? a['amount'] : 0;
          if (amount >= 0) this.pointsAwarded += amount;
          else this.pointsDeducted -= amount;
          if (m && typeof a['balance'] === 'number') m.balance = a['balance'];
          break;
        }
        case 'level.reached':
          if (m && typeof a['level'] === 'string') addOnce((m.levels ??= []), a['level']);
          break;
        case 'badge.granted':
          if (m && typeof a['badge'] === 'string') addOnce((m.badges ??= []), a['badge']);
          break;
        case 'lifecycle.changed': {
          const key = [a['lifecycle'], a['from'], a['to']].map(String).join('\u0001');
          this.flows.set(key, (this.flows.get(key) ?? 0) + 1);
          if (m) (m.lifecycles ??= dict())[String(a['lifecycle'])] = String(a['to']);
          break;
        }
        case 'stage.entered':
        case 'stage.exited':
          if (this.stageRecords.length < MAX_CALENDAR_RECORDS)
            this.stageRecords.push({ campaign: String(a['campaign']), stage: String(a['stage']), entered: type === 'stage.entered', at: this.display(a.at), community: a.community });
          break;
        case 'goal.reached':
          if (this.goalRecords.length < MAX_CALENDAR_RECORDS)
            this.goalRecords.push({ campaign: String(a['campaign']), goal: String(a['goal']), at: this.display(a.at), community: a.community });
          break;
      }
    }
  }

  private widen(ms: number): void {
    if (ms < this.firstMs) this.firstMs = ms;
    if (ms > this.lastMs) this.lastMs = ms;
  }

  private keep(seq: number, action: OutputAction, event: Record<string, unknown> | undefined): void {
    const kept: KeptAction = event ? { seq, action, event } : { seq, action };
    if (this.head.length < this.options.timelineHead) {
      this.head.push(kept);
      return;
    }
    if (this.options.timelineTail <= 0) return;
    if (this.tail.length < this.options.timelineTail) this.tail.push(kept);
    else this.tail[this.tailNext] = kept;
    this.tailNext = (this.tailNext + 1) % this.options.timelineTail;
  }

  private moderate(m: MemberInfo, seq: number, a: OutputAction, event: Record<string, unknown> | undefined): void {
    let kind: ModerationEntry['kind'];
    let detail: string;
    if (a.type === 'member.warn') {
      kind = 'warn';
      m.warnings++;
      const ladder = String(a['ladder'] ?? '');
      (m.ladders ??= dict())[ladder] = (m.ladders[ladder] ?? 0) + 1;
      detail = `ladder ${ladder} #${String(a['count'] ?? '?')}${a['reason'] ? `: ${String(a['reason'])}` : ''}`;
    } else if (a.type === 'member.mute') {
      kind = 'mute';
      m.mutes++;
      detail = `muted ${String(a['duration'] ?? '')}${a['until'] ? ` until ${this.display(String(a['until']))}` : ''}`;
    } else if (a.type === 'member.remove') {
      kind = 'remove';
      m.removed = true;
      m.present = false;
      if (typeof a['reason'] === 'string') m.removeReason = a['reason'];
      detail = `removed${a['reason'] ? `: ${String(a['reason'])}` : ''}`;
    } else {
      kind = 'delete';
      m.deletes++;
      detail = `message ${String(a['messageId'] ?? '')} deleted`;
    }
    m.firstModeration ??= seq;
    const entries = (m.entries ??= []);
    if (entries.length < ENTRIES_PER_MEMBER) {
      entries.push({ seq, at: this.display(a.at), kind, detail: clip(detail), source: String(a['source'] ?? ''), cause: this.cause(a, event) });
    }
  }

  private member(community: string, id: string): MemberInfo {
    let byId = this.members.get(community);
    if (!byId) this.members.set(community, (byId = new Map()));
    let m = byId.get(id);
    if (!m) {
      m = { community, id, events: 0, present: true, removed: false, warnings: 0, mutes: 0, deletes: 0 };
      byId.set(id, m);
    }
    return m;
  }

  private knownMember(community: string, id: string): MemberInfo | undefined {
    return this.members.get(community)?.get(id);
  }

  private *allMembers(): Iterable<MemberInfo> {
    for (const byId of this.members.values()) yield* byId.values();
  }

  private cause(a: OutputAction, event: Record<string, unknown> | undefined): CauseInfo {
    const id = String(a['cause'] ?? '');
    if (event) {
      const info: CauseInfo = { kind: 'event', id, type: String(event['type']), at: this.display(String(event['at'])) };
      const text = eventText(event);
      if (text !== undefined) info.text = clip(text);
      return info;
    }
    return { kind: 'timer', id, label: describeTimer(id, this.ir) };
  }

  /** An action or event instant as `YYYY-MM-DD HH:mm` in the playbook's zone. */
  private display(at: string): string {
    const ms = Date.parse(at);
    return Number.isFinite(ms) ? this.clock.format(ms) : at;
  }

  // ------------------------------------------------------------------ aggregation

  private activity(): ReportData['activity'] {
    const empty = { granularity: 'day' as const, labels: [], events: [], actions: [], eventsByHour: [] };
    if (!Number.isFinite(this.firstMs)) return empty;
    const firstDay = this.clock.slot(this.firstMs).day;
    const lastDay = this.clock.slot(this.lastMs).day;
    const days = daysBetween(firstDay, lastDay);
    let granularity: ReportData['activity']['granularity'];
    let labels: string[];
    let bucketOf: (hourKey: string) => string;
    if (days.length <= 3) {
      granularity = 'hour';
      const seen = new Set<string>();
      for (let t = this.firstMs; t <= this.lastMs + 15 * 60_000; t += 15 * 60_000) seen.add(this.clock.slot(Math.min(t, this.lastMs)).hourKey);
      labels = [...seen];
      bucketOf = (k) => k;
    } else if (days.length <= 400) {
      granularity = 'day';
      labels = days;
      bucketOf = (k) => k.slice(0, 10);
    } else {
      granularity = 'month';
      labels = monthsBetween(firstDay.slice(0, 7), lastDay.slice(0, 7));
      bucketOf = (k) => k.slice(0, 7);
    }
    const index = new Map(labels.map((l, i) => [l, i]));
    const series = (buckets: Buckets, totals: Map<string, number>, limit: number): Series[] => {
      const ranked = sortedCounts(totals).map(([t]) => t);
      const shown = ranked.slice(0, ranked.length > limit ? limit - 1 : limit);
      const other = ranked.length > shown.length;
      const rows = new Map(shown.map((t) => [t, new Array<number>(labels.length).fill(0)]));
      const otherRow = new Array<number>(labels.length).fill(0);
      for (const [hourKey, byType] of buckets) {
        const i = index.get(bucketOf(hourKey));
        if (i === undefined) continue;
        for (const [t, n] of byType) (rows.get(t) ?? otherRow)[i]! += n;
      }
      const out = shown.map((t) => ({ label: t, data: rows.get(t)! }));
      if (other) out.push({ label: 'other types', data: otherRow });
      return out;
    };
    const hourRanked = sortedCounts(this.eventTypes).map(([t]) => t);
    const hourShown = hourRanked.slice(0, hourRanked.length > MAX_EVENT_TYPES_CHARTED ? MAX_EVENT_TYPES_CHARTED - 1 : MAX_EVENT_TYPES_CHARTED);
    const eventsByHour: Series[] = hourShown.map((t) => ({ label: t, data: [...this.eventsByHour.get(t)!] }));
    if (hourRanked.length > hourShown.length) {
      const rest = new Array<number>(24).fill(0);
      for (const t of hourRanked.slice(hourShown.length)) this.eventsByHour.get(t)!.forEach((n, h) => (rest[h]! += n));
      eventsByHour.push({ label: 'other types', data: rest });
    }
    return {
      granularity,
      labels,
      events: series(this.eventBuckets, this.eventTypes, MAX_EVENT_TYPES_CHARTED),
      actions: series(this.actionBuckets, this.actionTypes, MAX_ACTION_TYPES_CHARTED),
      eventsByHour,
    };
  }

  private moderation(): ReportData['moderation'] {
    const moderated = [...this.allMembers()].filter((m) => m.firstModeration !== undefined);
    moderated.sort(
      (a, b) =>
        Number(b.removed) - Number(a.removed) ||
        b.warnings + b.mutes - (a.warnings + a.mutes) ||
        a.firstModeration! - b.firstModeration!,
    );
    const rows: ModerationRow[] = moderated.slice(0, this.options.moderationRows).map((m) => {
      const row: ModerationRow = {
        community: m.community,
        member: m.id,
        warnings: m.warnings,
        ladders: dictFrom(m.ladders),
        mutes: m.mutes,
        removed: m.removed,
        deletedMessages: m.deletes,
        entries: m.entries ?? [],
      };
      if (m.name !== undefined) row.name = m.name;
      if (m.removeReason !== undefined) row.removeReason = m.removeReason;
      return row;
    });
    return {
      warned: moderated.filter((m) => m.warnings > 0).length,
      muted: moderated.filter((m) => m.mutes > 0).length,
      removed: moderated.filter((m) => m.removed).length,
      deletedMessages: moderated.reduce((n, m) => n + m.deletes, 0),
      rows,
      more: Math.max(0, moderated.length - rows.length),
    };
  }

  private timeline(): ReportData['timeline'] {
    const tail = this.tail.length < this.options.timelineTail ? this.tail : [...this.tail.slice(this.tailNext), ...this.tail.slice(0, this.tailNext)];
    const rows = [...this.head, ...tail].map((k) => this.timelineRow(k));
    return {
      total: this.counts.actions,
      rows,
      head: this.head.length,
      omitted: this.counts.actions - rows.length,
      types: sortedCounts(this.actionTypes).map(([type, count]) => ({ type, count })),
    };
  }

  private timelineRow(k: KeptAction): TimelineRow {
    const a = k.action;
    const row: TimelineRow = {
      seq: k.seq,
      at: this.display(a.at),
      type: a.type,
      community: a.community,
      summary: clip(actionSummary(a, (id) => this.knownMember(a.community, id)?.name)),
      source: String(a['source'] ?? ''),
      cause: a['cause'] === undefined ? undefined : this.cause(a, k.event),
    };
    if (typeof a.member === 'string') {
      row.member = a.member;
      const name = this.knownMember(a.community, a.member)?.name;
      if (name !== undefined) row.memberName = name;
    }
    return row;
  }

  /** Members as the run left them: the final state where given, the observed actions otherwise. */
  private finalMembers(state: FinalState | undefined): FinalMember[] {
    const out = new Map<string, FinalMember>();
    for (const m of this.allMembers()) {
      const key = `${m.community}\u0001${m.id}`;
      const f: FinalMember = {
        community: m.community,
        id: m.id,
        status: m.removed ? 'removed' : m.present ? 'present' : 'left',
        points: m.balance ?? 0,
        levels: [...(m.levels ?? [])],
        badges: [...(m.badges ?? [])],
        lifecycles: dictFrom(m.lifecycles),
        rituals: dict(),
      };
      if (m.name !== undefined) f.name = m.name;
      out.set(key, f);
    }
    for (const c of communityStates(state, [...this.communities])) {
      const community = typeof c['id'] === 'string' ? c['id'] : '';
      const members = isRecord(c['members']) ? c['members'] : {};
      for (const [memberKey, raw] of Object.entries(members)) {
        if (!isRecord(raw)) continue;
        const id = typeof raw['id'] === 'string' ? raw['id'] : memberKey;
        const key = `${community}\u0001${id}`;
        let f = out.get(key);
        if (!f) {
          f = { community, id, status: 'present', points: 0, levels: [], badges: [], lifecycles: dict(), rituals: dict() };
          out.set(key, f);
        }
        if (f.name === undefined && typeof raw['name'] === 'string') f.name = raw['name'];
        // Absent fields mean "the default" in a compact state: present unless said otherwise.
        f.status = raw['removed'] === true ? 'removed' : raw['present'] === false ? 'left' : 'present';
        // Without a readable balance the last `points.award` balance stands: awards are the only change.
        if (typeof raw['points'] === 'number') f.points = raw['points'];
        for (const l of stringArray(raw['levels'])) addOnce(f.levels, l);
        for (const b of stringArray(raw['badges'])) addOnce(f.badges, b);
        const machines = isRecord(raw['machines']) ? raw['machines'] : undefined;
        for (const lc of this.ir.lifecycles) {
          const v = own(machines, lc.id);
          if (typeof v === 'string') f.lifecycles[lc.name] = v;
        }
        for (const r of this.ir.rituals) {
          const v = own(machines, r.id);
          if (v !== undefined) f.rituals[r.id] = v;
        }
      }
    }
    return [...out.values()];
  }

  private pointsSection(finals: FinalMember[]): Omit<ReportData['points'], 'declared' | 'awarded' | 'deducted'> {
    const levelRank = new Map(this.ir.levels.map((l, i) => [l.name, i]));
    const highest = (levels: string[]) =>
      levels.filter((l) => levelRank.has(l)).sort((a, b) => levelRank.get(b)! - levelRank.get(a)!)[0];
    const scored = finals.filter((f) => f.points !== 0);
    scored.sort((a, b) => b.points - a.points || displayName(a).localeCompare(displayName(b)) || a.community.localeCompare(b.community));
    const leaderboard: LeaderRow[] = scored.slice(0, this.options.leaderboardRows).map((f, i) => {
      const row: LeaderRow = { rank: i + 1, community: f.community, member: f.id, points: f.points, badges: f.badges, status: f.status };
      if (f.name !== undefined) row.name = f.name;
      const level = highest(f.levels);
      if (level !== undefined) row.level = level;
      return row;
    });
    const badgeNames = [...new Set([...this.ir.badges.map((b) => b.name), ...finals.flatMap((f) => f.badges)])];
    return {
      members: scored.length,
      leaderboard,
      levels: this.ir.levels.map((l) => ({ name: l.name, at: l.at, members: finals.filter((f) => f.levels.includes(l.name)).length })),
      badges: badgeNames.map((name) => {
        const holders = finals.filter((f) => f.badges.includes(name));
        return { name, members: holders.length, holders: holders.slice(0, MAX_BADGE_HOLDERS).map(displayName) };
      }),
    };
  }

  private lifecycleSection(finals: FinalMember[]): LifecycleReport[] {
    return this.ir.lifecycles.map((lc) => {
      const perState = new Map<string, number>(lc.states.map((s) => [s, 0]));
      let gone = 0;
      for (const f of finals) {
        if (f.status !== 'present') {
          gone++;
          continue;
        }
        const state = f.lifecycles[lc.name] ?? lc.initial;
        perState.set(state, (perState.get(state) ?? 0) + 1);
      }
      const flows: LifecycleReport['flows'] = [];
      const seen = new Set<string>();
      for (const t of lc.transitions) {
        const key = `${lc.name}\u0001${t.from}\u0001${t.to}`;
        if (seen.has(key)) continue;
        seen.add(key);
        flows.push({ from: t.from, to: t.to, count: this.flows.get(key) ?? 0, declared: true });
      }
      for (const [key, count] of this.flows) {
        const [name, from, to] = key.split('\u0001') as [string, string, string];
        if (name === lc.name && !seen.has(key)) flows.push({ from, to, count, declared: false });
      }
      return { name: lc.name, initial: lc.initial, states: [...perState].map(([state, members]) => ({ state, members })), flows, gone };
    });
  }

  private ritualSection(finals: FinalMember[], haveState: boolean): RitualReport[] {
    return this.ir.rituals.map((r) => {
      const report: RitualReport = { name: r.name, steps: r.steps.map((s) => ({ name: s.name, label: s.label, doneInProgress: 0 })) };
      if (!haveState) return report;
      const outcome = { started: 0, completed: 0, expired: 0, cancelled: 0, inProgress: 0 };
      for (const f of finals) {
        const v = f.rituals[r.id];
        if (v === undefined) continue;
        outcome.started++;
        if (v === 'completed' || v === 'expired' || v === 'cancelled') {
          outcome[v]++;
          continue;
        }
        outcome.inProgress++;
        // A running ritual's value is `{ active: { step: 'pending' | 'done' } }`; read it loosely.
        const active = isRecord(v) && isRecord(v['active']) ? v['active'] : undefined;
        for (const s of report.steps) if (own(active, s.name) === 'done') s.doneInProgress++;
      }
      report.outcome = outcome;
      return report;
    });
  }

  private campaignSection(state: FinalState | undefined): CampaignReport[] {
    const states = communityStates(state, [...this.communities]);
    return this.ir.campaigns.map((camp) => ({
      name: camp.name,
      stages: camp.stages.map((s) => {
        const stage: CampaignReport['stages'][number] = {
          name: s.name,
          from: s.from,
          entered: this.stageRecords.filter((r) => r.campaign === camp.name && r.stage === s.name && r.entered).map(({ at, community }) => ({ at, community })),
          exited: this.stageRecords.filter((r) => r.campaign === camp.name && r.stage === s.name && !r.entered).map(({ at, community }) => ({ at, community })),
        };
        if (s.to !== undefined) stage.to = s.to;
        if (s.multiplier !== undefined) stage.multiplier = s.multiplier;
        return stage;
      }),
      goals: camp.goals.map((g) => ({
        name: g.name,
        reached: this.goalRecords.filter((r) => r.campaign === camp.name && r.goal === g.name).map(({ at, community }) => ({ at, community })),
      })),
      current: states.map((c) => {
        const st = own(isRecord(c['campaigns']) ? c['campaigns'] : undefined, camp.name);
        const stage = isRecord(st) && typeof st['stage'] === 'string' ? st['stage'] : null;
        return { community: typeof c['id'] === 'string' ? c['id'] : '', stage };
      }),
    }));
  }
}

interface FinalMember {
  community: string;
  id: string;
  name?: string;
  status: MemberStatus;
  points: number;
  levels: string[];
  badges: string[];
  /** Lifecycle name -> state. */
  lifecycles: Record<string, string>;
  /** Ritual id -> XState value. */
  rituals: Record<string, unknown>;
}

function communityStates(state: FinalState | undefined, ids: string[]): Record<string, unknown>[] {
  if (!state) return [];
  if ('communities' in state && Array.isArray(state.communities)) return state.communities.filter(isRecord);
  if ('community' in state && typeof state.community === 'function') return ids.map((id) => state.community(id)).filter(isRecord);
  return [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function addOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

function bump(buckets: Buckets, key: string, type: string): void {
  let byType = buckets.get(key);
  if (!byType) buckets.set(key, (byType = new Map()));
  byType.set(type, (byType.get(type) ?? 0) + 1);
}

/** Entries by count, most first; ties by name so the report is the same on every run. */
function sortedCounts(map: Map<string, number>): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function displayName(f: { id: string; name?: string }): string {
  return f.name ?? f.id;
}

function clip(text: string): string {
  // Counts code points only as far as the cut: a message's text may be long, and this runs per event.
  let count = 0;
  let cut = 0;
  for (let i = 0; i < text.length; count++) {
    if (count === MAX_TEXT - 1) cut = i;
    if (count === MAX_TEXT) return text.slice(0, cut) + '…';
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return text;
}

const ENVELOPE = new Set(['id', 'type', 'at', 'community', 'member']);

/** What an operator needs to judge an event: its text, or else its payload in brief. */
function eventText(event: Record<string, unknown>): string | undefined {
  if (typeof event['text'] === 'string') return event['text'];
  const payload = Object.entries(event).filter(([k]) => !ENVELOPE.has(k));
  if (payload.length === 0) return undefined;
  return payload.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
}

/** One line saying what an action does. */
export function actionSummary(a: OutputAction, nameOf: (member: string) => string | undefined = () => undefined): string {
  const s = (k: string) => (a[k] === undefined ? '' : String(a[k]));
  switch (a.type) {
    case 'message.send': {
      const to = typeof a['to'] === 'string' ? `to ${nameOf(a['to']) ?? a['to']}: ` : typeof a['channel'] === 'string' ? `#${a['channel']}: ` : '';
      return to + s('text');
    }
    case 'admin.notify':
      return s('text');
    case 'message.delete':
      return `message ${s('messageId')}`;
    case 'member.warn':
      return `ladder ${s('ladder')} #${s('count')}${a['reason'] ? `: ${s('reason')}` : ''}`;
    case 'member.mute':
      return `${s('duration')}${a['until'] ? ` until ${s('until')}` : ''}`;
    case 'member.remove':
      return s('reason');
    case 'member.tag':
    case 'member.untag':
      return s('tag');
    case 'points.award': {
      const amount = typeof a['amount'] === 'number' ? a['amount'] : Number(a['amount']);
      return `${amount > 0 ? '+' : ''}${s('amount')} → ${s('balance')}${a['reason'] ? ` (${s('reason')})` : ''}`;
    }
    case 'level.reached':
      return s('level');
    case 'badge.granted':
      return s('badge');
    case 'lifecycle.changed':
      return `${s('lifecycle')}: ${s('from')} → ${s('to')}`;
    case 'stage.entered':
    case 'stage.exited':
      return `${s('campaign')} / ${s('stage')}`;
    case 'goal.reached':
      return `${s('campaign')} / ${s('goal')}`;
    default: {
      const skip = new Set(['at', 'type', 'community', 'member', 'cause', 'source']);
      return Object.entries(a)
        .filter(([k]) => !skip.has(k))
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
    }
  }
}

/** A timer cause in words: which construct's timer it was and, for machines, which delay. */
export function describeTimer(cause: string, ir: IR): string {
  const id = cause.startsWith('timer:') ? cause.slice('timer:'.length) : cause;
  const machine = /^(.*)\|((?:ritual|lifecycle):[^|]*)\|xstate\.after\.(\d+)\./.exec(id);
  if (machine) {
    const [, member, machineId, delayText] = machine as unknown as [string, string, string, string];
    const delay = Number(delayText);
    const ritual = ir.rituals.find((r) => r.id === machineId);
    if (ritual) {
      const what = ritual.deadline?.afterMs === delay ? 'deadline' : ritual.reminders.some((r) => r.afterMs === delay) ? 'reminder' : 'timer';
      return `ritual ${ritual.name} ${what} (${shortDuration(delay)}) for ${member}`;
    }
    const lifecycle = ir.lifecycles.find((l) => l.id === machineId);
    if (lifecycle) {
      const t = lifecycle.transitions.find((x) => 'afterMs' in x.trigger && x.trigger.afterMs === delay);
      const without = t && 'without' in t.trigger && t.trigger.without ? ` without ${t.trigger.without}` : '';
      return `lifecycle ${lifecycle.name}: after ${shortDuration(delay)}${without}, for ${member}`;
    }
    return `${machineId} after ${shortDuration(delay)} for ${member}`;
  }
  if (id.startsWith('campaign:')) return `campaign ${id.slice('campaign:'.length)} calendar`;
  const job = ir.jobs.find((j) => j.id === id);
  if (job) return `job ${job.name}`;
  const board = ir.leaderboards.find((l) => l.id === id);
  if (board) return `leaderboard ${board.name}`;
  const session = /^(.*)@(\d+)(#\d+|\/close)?$/.exec(id);
  const schedule = session ? ir.schedules.find((s) => s.id === session[1]) : undefined;
  if (schedule) return `schedule ${schedule.name}`;
  return id;
}

function shortDuration(ms: number): string {
  const units: [number, string][] = [
    [604_800_000, 'w'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
