import type { IR } from '../ir/schema.js';
import type { OutputAction } from '../runtime/runtime.js';
import { dict } from '../stdlib/dict.js';
import { fieldText } from './escape.js';
import { activitySection, bump, sortedCounts, type Buckets } from './activity.js';
import { actionSummary, clip, describeTimer, eventText } from './describe.js';
import { addOnce, finalMembers, isRecord, type FinalState, type MemberInfo } from './final-state.js';
import type { CauseInfo, ModerationEntry, ReportData, RunCounts, RunSummary, TimelineRow } from './model.js';
import { renderReport } from './render.js';
import { campaignSection, lifecycleSection, moderationSection, pointsSection, ritualSection, type GoalRecord, type StageRecord } from './sections.js';
import { ZoneClock } from './zone-clock.js';

/** The statuses `Runtime.dispatchDetailed` reports. */
export type EventStatus = 'processed' | 'duplicate' | 'stale' | 'invalid' | 'ignored';

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

/** Moderation entries kept per member: enough to see the story, bounded for spam floods. */
const ENTRIES_PER_MEMBER = 6;
const MAX_PROBLEMS = 50;
const MAX_CALENDAR_RECORDS = 1000;

interface KeptAction {
  seq: number;
  action: OutputAction;
  /** The input event when it caused the action (timers fire inside `dispatch` too). */
  event?: Record<string, unknown>;
}

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
  private readonly counts: RunCounts = { read: 0, processed: 0, ignored: 0, bad: 0, duplicates: 0, stale: 0, late: 0, actions: 0 };
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
  private readonly stageRecords: StageRecord[] = [];
  private readonly goalRecords: GoalRecord[] = [];
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
    else if (status === 'stale') this.counts.stale++;
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
    const finals = finalMembers(this.ir, this.allMembers(), [...this.communities], state);
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
      moderation: moderationSection(this.allMembers(), this.options.moderationRows),
      points: {
        declared: this.ir.points.length + this.ir.levels.length + this.ir.badges.length + this.ir.leaderboards.length > 0,
        awarded: this.pointsAwarded,
        deducted: this.pointsDeducted,
        members: 0,
        leaderboard: [],
        levels: [],
        badges: [],
      },
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
    data.points = { ...data.points, ...pointsSection(this.ir, finals, this.options.leaderboardRows) };
    data.lifecycles = lifecycleSection(this.ir, finals, this.flows);
    data.rituals = ritualSection(this.ir, finals, state !== undefined);
    data.campaigns = campaignSection(this.ir, state, [...this.communities], this.stageRecords, this.goalRecords);
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
      const type = a.type;
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
            this.stageRecords.push({
              campaign: String(a['campaign']),
              stage: String(a['stage']),
              entered: type === 'stage.entered',
              at: this.display(a.at),
              community: a.community,
            });
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
      const ladder = fieldText(a['ladder'] ?? '');
      (m.ladders ??= dict())[ladder] = (m.ladders[ladder] ?? 0) + 1;
      detail = `ladder ${ladder} #${fieldText(a['count'] ?? '?')}${a['reason'] ? `: ${fieldText(a['reason'])}` : ''}`;
    } else if (a.type === 'member.mute') {
      kind = 'mute';
      m.mutes++;
      detail = `muted ${fieldText(a['duration'] ?? '')}${a['until'] ? ` until ${this.display(fieldText(a['until']))}` : ''}`;
    } else if (a.type === 'member.remove') {
      kind = 'remove';
      m.removed = true;
      m.present = false;
      if (typeof a['reason'] === 'string') m.removeReason = a['reason'];
      detail = `removed${a['reason'] ? `: ${fieldText(a['reason'])}` : ''}`;
    } else {
      kind = 'delete';
      m.deletes++;
      detail = `message ${fieldText(a['messageId'] ?? '')} deleted`;
    }
    m.firstModeration ??= seq;
    const entries = (m.entries ??= []);
    if (entries.length < ENTRIES_PER_MEMBER) {
      entries.push({ seq, at: this.display(a.at), kind, detail: clip(detail), source: fieldText(a['source'] ?? ''), cause: this.cause(a, event) });
    }
  }

  private member(community: string, id: string): MemberInfo {
    let byId = this.members.get(community);
    if (!byId) this.members.set(community, (byId = new Map<string, MemberInfo>()));
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
    const id = fieldText(a['cause'] ?? '');
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
    const { eventBuckets, actionBuckets, eventTypes, eventsByHour, actionTypes } = this;
    return activitySection(this.clock, this.firstMs, this.lastMs, { eventBuckets, actionBuckets, eventTypes, eventsByHour, actionTypes });
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
      source: fieldText(a['source'] ?? ''),
      cause: a['cause'] === undefined ? undefined : this.cause(a, k.event),
    };
    if (typeof a.member === 'string') {
      row.member = a.member;
      const name = this.knownMember(a.community, a.member)?.name;
      if (name !== undefined) row.memberName = name;
    }
    return row;
  }
}
