import { endOfLocalDate, localInstant, startOfLocalDate } from '../../stdlib/calendar.js';
import type { Action, StageRef } from '../../ir/schema.js';
import { own } from '../../stdlib/dict.js';
import type { Core } from '../core.js';
import { newCtx, type Ctx, type OutputAction } from '../context.js';
import type { CommunityState } from '../state.js';
import { insertTimer } from '../timers.js';
import { stageTimerId, templateExtras } from '../../ir/index.js';

/**
 * `campaign`: stages driven by calendar timers at their dates, goals checked after every event,
 * and a stage's points multiplier (docs/runtime.md, "Machines" and "Points"; docs/language.md,
 * "Campaigns").
 */

/**
 * A new community: each campaign's next boundary armed. A community first seen in the middle of
 * a stage gets its stage timer due at once, so it enters the stage (`stage.entered`, `on enter`)
 * before its first event is handled, as a community that was there when the stage began did
 * (docs/language.md, "Campaigns": a group first seen mid-stage).
 */
export function armCampaigns(core: Core, c: CommunityState, now: number): void {
  for (const camp of core.ir.campaigns) {
    const current = stageBounds(core, camp.name).some((b) => b.start < now && now < b.end);
    // Stryker disable next-line ArrayDeclaration: goal names are identifiers, so a text with spaces in the list matches none (docs/testing.md)
    c.campaigns[camp.name] = { stage: null, goals: [] };
    if (current) insertTimer(c, { id: stageTimerId(camp.name), due: now, kind: 'stage', ref: camp.name });
    else scheduleStageTimer(core, c, camp.name, now);
  }
}

/** Each stage's instants: from its start (included) to its end (excluded). */
function stageBounds(core: Core, campaign: string): { name: string; start: number; end: number }[] {
  const camp = core.ir.campaigns.find((x) => x.name === campaign);
  if (!camp) return [];
  return camp.stages.map((s) => ({
    name: s.name,
    start: s.fromMinutes !== undefined ? localInstant(s.from, s.fromMinutes, core.zone) : startOfLocalDate(s.from, core.zone),
    end: !s.to ? Infinity : s.toMinutes !== undefined ? localInstant(s.to, s.toMinutes, core.zone) : endOfLocalDate(s.to, core.zone),
  }));
}

/**
 * Does the stage run at `at`? Schedules, jobs and agendas written inside a stage ask this of the
 * instant they are due, not of the campaign's current state, so an occurrence exactly at a stage
 * boundary belongs to the stage that starts there, whichever timer fires first.
 */
export function stageRunsAt(core: Core, ref: StageRef, at: number): boolean {
  const b = stageBounds(core, ref.campaign).find((x) => x.name === ref.stage);
  return b !== undefined && b.start <= at && at < b.end;
}

function scheduleStageTimer(core: Core, c: CommunityState, campaign: string, from: number): void {
  let next = Infinity;
  for (const b of stageBounds(core, campaign)) {
    if (b.start >= from && b.start < next) next = b.start;
    if (b.end >= from && b.end < next) next = b.end;
  }
  if (next !== Infinity) insertTimer(c, { id: stageTimerId(campaign), due: next, kind: 'stage', ref: campaign });
}

/** A stage timer: exit the stage that ended, enter the one that starts, arm the next boundary. */
export function stageBoundary(core: Core, c: CommunityState, campaign: string, now: number, cause: string, out: OutputAction[]): void {
  const camp = core.ir.campaigns.find((x) => x.name === campaign);
  // A snapshot resumed by a playbook without this campaign: its timer is left over; nothing runs.
  if (!camp) return;
  const st = (c.campaigns[campaign] ??= { stage: null, goals: [] });
  const desired = stageBounds(core, campaign).find((b) => b.start <= now && now < b.end)?.name ?? null;
  if (desired !== st.stage) {
    // A stage the playbook no longer has (resumed from a snapshot) is left without its exit actions.
    const stage = st.stage ? camp.stages.find((s) => s.name === st.stage) : undefined;
    if (stage) {
      const ctx = newCtx(c, now, cause, camp.id, out);
      core.emit(ctx, 'stage.exited', undefined, { campaign, stage: stage.name });
      // Stryker disable next-line StringLiteral: templateExtras uses its kind for types only (src/ir/template-extras.ts); docs/testing.md
      ctx.extras = templateExtras('stage', { campaign, stage: stage.name });
      core.runActions(ctx, stage.onExit);
    }
    st.stage = desired;
    if (desired) {
      const stage = camp.stages.find((s) => s.name === desired)!;
      const ctx = newCtx(c, now, cause, camp.id, out);
      core.emit(ctx, 'stage.entered', undefined, { campaign, stage: stage.name });
      // Stryker disable next-line StringLiteral: templateExtras uses its kind for types only (src/ir/template-extras.ts); docs/testing.md
      ctx.extras = templateExtras('stage', { campaign, stage: stage.name });
      core.runActions(ctx, stage.onEnter);
    }
  }
  scheduleStageTimer(core, c, campaign, now + 1);
}

/**
 * Goals, after every event of a community whose campaign runs. A goal of a campaign `across all
 * groups` is reached once for the network (network.ts): `goal.reached` in the community whose
 * event reached it, then its actions in every group seen so far (docs/language.md, "Networks of
 * groups").
 */
export function checkGoals(core: Core, c: CommunityState, now: number, cause: string, out: OutputAction[], groups: Groups): void {
  for (const camp of core.ir.campaigns) {
    const st = c.campaigns[camp.name];
    if (!st || !st.stage) continue;
    const shared = core.network.state.goals;
    const reached = camp.network ? (own(shared, camp.name) ?? []) : st.goals;
    for (const g of camp.goals) {
      if (reached.includes(g.name)) continue;
      const ctx = newCtx(c, now, cause, camp.id, out);
      if (!core.test(g.when, ctx)) continue;
      reached.push(g.name);
      // Stryker disable next-line StringLiteral: templateExtras uses its kind for types only (src/ir/template-extras.ts); docs/testing.md
      ctx.extras = templateExtras('goal', { campaign: camp.name, goal: g.name });
      core.emit(ctx, 'goal.reached', undefined, { campaign: camp.name, goal: g.name });
      if (!camp.network) {
        core.runActions(ctx, g.actions);
        continue;
      }
      shared[camp.name] = reached;
      core.network.changed = true;
      runInEveryGroup(core, ctx, g.actions, groups);
    }
  }
}

/** Where the runtime keeps its communities, for actions that run in other groups than the event's. */
export interface Groups {
  get(id: string): CommunityState | undefined;
  put(state: CommunityState): void;
}

/**
 * A network goal's actions in each group of the network, in the order the groups were first
 * seen, at the instant of the event that reached it; `notify admins` only in the event's own
 * group, so the operator hears once, not once per group.
 */
function runInEveryGroup(core: Core, ctx: Ctx, actions: Action[], groups: Groups): void {
  const elsewhere = actions.filter((a) => a.do !== 'notify');
  for (const id of core.network.state.groups) {
    const home = id === ctx.community.id;
    const c = home ? ctx.community : groups.get(id);
    if (!c) continue;
    const each = newCtx(c, ctx.now, ctx.cause, ctx.source, ctx.out);
    each.extras = ctx.extras;
    core.runActions(each, home ? actions : elsewhere);
    if (home) continue;
    core.touch(c);
    groups.put(c);
  }
}

/** The product of the running stages' `points xK`. */
export function activeMultiplier(core: Core, c: CommunityState): number {
  let k = 1;
  for (const camp of core.ir.campaigns) {
    const st = c.campaigns[camp.name]?.stage;
    const stage = st ? camp.stages.find((s) => s.name === st) : undefined;
    if (stage?.multiplier) k *= stage.multiplier;
  }
  return k;
}
