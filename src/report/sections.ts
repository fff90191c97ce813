import type { IR } from '../ir/schema.js';
import { dictFrom, own } from '../stdlib/dict.js';
import { communityStates, displayName, isRecord, type FinalMember, type FinalState, type MemberInfo } from './final-state.js';
import type { CampaignReport, LeaderRow, LifecycleReport, ModerationRow, ReportData, RitualReport } from './model.js';
import { ritualEnding, STEP_DONE, stepProgress } from '../ir/index.js';

/**
 * The report's sections that read members and campaigns: who was moderated, the points
 * leaderboard, levels and badges, the lifecycle funnel and flows, ritual outcomes, and campaign
 * stages and goals. Pure functions of what the collector kept and the run's final members.
 */

const MAX_BADGE_HOLDERS = 20;

/** A campaign stage entered or left, as the timeline shows it. */
export interface StageRecord {
  campaign: string;
  stage: string;
  entered: boolean;
  at: string;
  community: string;
}

/** A campaign goal reached. */
export interface GoalRecord {
  campaign: string;
  goal: string;
  at: string;
  community: string;
}

export function moderationSection(members: Iterable<MemberInfo>, maxRows: number): ReportData['moderation'] {
  const moderated = [...members].filter((m) => m.firstModeration !== undefined);
  moderated.sort((a, b) => Number(b.removed) - Number(a.removed) || b.warnings + b.mutes - (a.warnings + a.mutes) || a.firstModeration! - b.firstModeration!);
  const rows: ModerationRow[] = moderated.slice(0, maxRows).map((m) => {
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

export function pointsSection(ir: IR, finals: FinalMember[], leaderboardRows: number): Omit<ReportData['points'], 'declared' | 'awarded' | 'deducted'> {
  const levelRank = new Map(ir.levels.map((l, i) => [l.name, i]));
  const highest = (levels: string[]) => levels.filter((l) => levelRank.has(l)).sort((a, b) => levelRank.get(b)! - levelRank.get(a)!)[0];
  const scored = finals.filter((f) => f.points !== 0);
  scored.sort((a, b) => b.points - a.points || displayName(a).localeCompare(displayName(b)) || a.community.localeCompare(b.community));
  const leaderboard: LeaderRow[] = scored.slice(0, leaderboardRows).map((f, i) => {
    const row: LeaderRow = { rank: i + 1, community: f.community, member: f.id, points: f.points, badges: f.badges, status: f.status };
    if (f.name !== undefined) row.name = f.name;
    const level = highest(f.levels);
    if (level !== undefined) row.level = level;
    return row;
  });
  const badgeNames = [...new Set([...ir.badges.map((b) => b.name), ...finals.flatMap((f) => f.badges)])];
  return {
    members: scored.length,
    leaderboard,
    levels: ir.levels.map((l) => ({ name: l.name, at: l.at, members: finals.filter((f) => f.levels.includes(l.name)).length })),
    badges: badgeNames.map((name) => {
      const holders = finals.filter((f) => f.badges.includes(name));
      return { name, members: holders.length, holders: holders.slice(0, MAX_BADGE_HOLDERS).map(displayName) };
    }),
  };
}

export function lifecycleSection(ir: IR, finals: FinalMember[], observedFlows: Map<string, number>): LifecycleReport[] {
  return ir.lifecycles.map((lc) => {
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
      flows.push({ from: t.from, to: t.to, count: observedFlows.get(key) ?? 0, declared: true });
    }
    for (const [key, count] of observedFlows) {
      const [name, from, to] = key.split('\u0001') as [string, string, string];
      if (name === lc.name && !seen.has(key)) flows.push({ from, to, count, declared: false });
    }
    return { name: lc.name, initial: lc.initial, states: [...perState].map(([state, members]) => ({ state, members })), flows, gone };
  });
}

export function ritualSection(ir: IR, finals: FinalMember[], haveState: boolean): RitualReport[] {
  return ir.rituals.map((r) => {
    const report: RitualReport = { name: r.name, steps: r.steps.map((s) => ({ name: s.name, label: s.label, doneInProgress: 0 })) };
    if (!haveState) return report;
    const outcome = { started: 0, completed: 0, expired: 0, cancelled: 0, inProgress: 0 };
    for (const f of finals) {
      const v = f.rituals[r.id];
      if (v === undefined) continue;
      outcome.started++;
      const ending = ritualEnding(v);
      if (ending) {
        outcome[ending]++;
        continue;
      }
      outcome.inProgress++;
      for (const s of report.steps) if (stepProgress(v, s.name) === STEP_DONE) s.doneInProgress++;
    }
    report.outcome = outcome;
    return report;
  });
}

export function campaignSection(
  ir: IR,
  state: FinalState | undefined,
  communities: string[],
  stageRecords: readonly StageRecord[],
  goalRecords: readonly GoalRecord[],
): CampaignReport[] {
  const states = communityStates(state, communities);
  return ir.campaigns.map((camp) => ({
    name: camp.name,
    stages: camp.stages.map((s) => {
      const stage: CampaignReport['stages'][number] = {
        name: s.name,
        from: s.from,
        entered: stageRecords.filter((r) => r.campaign === camp.name && r.stage === s.name && r.entered).map(({ at, community }) => ({ at, community })),
        exited: stageRecords.filter((r) => r.campaign === camp.name && r.stage === s.name && !r.entered).map(({ at, community }) => ({ at, community })),
      };
      if (s.to !== undefined) stage.to = s.to;
      if (s.multiplier !== undefined) stage.multiplier = s.multiplier;
      return stage;
    }),
    goals: camp.goals.map((g) => ({
      name: g.name,
      reached: goalRecords.filter((r) => r.campaign === camp.name && r.goal === g.name).map(({ at, community }) => ({ at, community })),
    })),
    current: states.map((c) => {
      const st = own(isRecord(c['campaigns']) ? c['campaigns'] : undefined, camp.name);
      const stage = isRecord(st) && typeof st['stage'] === 'string' ? st['stage'] : null;
      return { community: typeof c['id'] === 'string' ? c['id'] : '', stage };
    }),
  }));
}
