import type { IR, Leaderboard } from '../../ir/schema.js';
import { localDayNumber, nextOccurrence } from '../../stdlib/calendar.js';
import { dict, type Dict } from '../../stdlib/dict.js';
import type { Core } from '../core.js';
import { newCtx, type Ctx, type OutputAction } from '../context.js';
import type { CommunityState, MemberState, Timer } from '../state.js';
import { insertTimer } from '../timers.js';
import { templateExtras } from '../../ir/index.js';
import { windowDays } from './board-windows.js';
import { calendarSalt } from './jobs.js';

/**
 * `leaderboard`: posted on its calendar; ranks present members by points, by a count of one event
 * type, or by a member value, over an exact window (docs/language.md, "Leaderboards"). The old
 * form ranks by points earned in the last 1, 7 or 30 local days, or by balance.
 *
 * Points and counts over a window are tallied as they happen, per member and board, in buckets:
 * the local day for calendar windows, the number of postings so far for `since last post` (a
 * posting closes its bucket, so the next window starts exactly at it), one bucket for all time.
 */

/** The boards that tally points, and those that tally each event type, compiled once. */
export interface BoardTables {
  points: Leaderboard[];
  byEvent: Map<string, Leaderboard[]>;
}

export function compileBoards(ir: IR): BoardTables {
  const out: BoardTables = { points: [], byEvent: new Map() };
  for (const lb of ir.leaderboards) {
    if (!lb.rank || !lb.window) continue;
    if ('points' in lb.rank && lb.window !== 'allTime') out.points.push(lb);
    if ('count' in lb.rank) out.byEvent.set(lb.rank.count, [...(out.byEvent.get(lb.rank.count) ?? []), lb]);
  }
  return out;
}

/** Whether members need daily point buckets: only when an old-form leaderboard ranks by period. */
export function needsDailyPoints(ir: IR): boolean {
  return ir.leaderboards.some((lb) => !lb.window && lb.period !== 'all' && (!lb.rank || 'points' in lb.rank));
}

/** Points the member just got (or lost), into the buckets of the boards that count points. */
export function tallyPoints(core: Core, c: CommunityState, m: MemberState, amount: number, now: number): void {
  for (const lb of core.boards.points) tally(core, c, m, lb, amount, now);
}

/** An event of the member, into the buckets of the boards that count its type. */
export function tallyEvent(core: Core, c: CommunityState, m: MemberState, type: string, now: number): void {
  const boards = core.boards.byEvent.get(type);
  if (boards) for (const lb of boards) tally(core, c, m, lb, 1, now);
}

/** Bucket of an instant: see the module comment. */
function bucket(core: Core, c: CommunityState, lb: Leaderboard, now: number): number {
  if (lb.window === 'sinceLastPost') return c.boards?.[lb.id]?.posts ?? 0;
  if (lb.window === 'allTime' || lb.window === undefined) return 0;
  return localDayNumber(now, core.zone);
}

function tally(core: Core, c: CommunityState, m: MemberState, lb: Leaderboard, amount: number, now: number): void {
  const key = bucket(core, c, lb, now);
  const boards = (m.boards ??= dict<Dict<number>>());
  const t = (boards[lb.id] ??= dict<number>());
  t[key] = (t[key] ?? 0) + amount;
  // Older buckets are never read again: a closed posting, or a day before last month.
  const oldest = lb.window === 'sinceLastPost' ? key : key - 70;
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a dict stored as JSON in snapshots
  for (const k in t) if (Number(k) < oldest) delete t[k];
}

/** Arm each leaderboard's first posting in a new community. */
export function armLeaderboards(core: Core, c: CommunityState, now: number): void {
  for (const lb of core.ir.leaderboards)
    insertTimer(c, { id: lb.id, due: nextOccurrence(lb.calendar, core.zone, now, calendarSalt(c, lb.id)), kind: 'leaderboard', ref: lb.id });
}

export function fireLeaderboard(core: Core, c: CommunityState, t: Timer, cause: string, out: OutputAction[]): void {
  const now = t.due;
  const lb = core.ir.leaderboards.find((x) => x.id === t.ref);
  if (!lb) return;
  const ctx = newCtx(c, now, cause, lb.id, out);
  const ranked = rank(core, ctx, lb).slice(0, lb.top);
  // The posting closes the window even when an empty board posts nothing.
  const boards = (c.boards ??= dict());
  const posted = boards[lb.id];
  boards[lb.id] = { posts: (posted?.posts ?? 0) + 1, last: now };
  insertTimer(c, { id: lb.id, due: nextOccurrence(lb.calendar, core.zone, now + 60_000, calendarSalt(c, lb.id)), kind: 'leaderboard', ref: lb.id });
  if (lb.skipIfEmpty && ranked.length === 0) return;
  const board = ranked.map((x, i) => `${i + 1}. ${x.m.name ?? x.m.id} ${x.score}`).join('\n');
  // Stryker disable next-line StringLiteral: templateExtras uses its kind for types only (src/ir/template-extras.ts); docs/testing.md
  ctx.extras = templateExtras('leaderboard', { board });
  core.runActions(ctx, lb.actions);
  if (!lb.each) return;
  ranked.forEach((x, i) => {
    if (!x.m.present) return;
    const mctx: Ctx = { ...ctx, member: x.m, extras: templateExtras('leaderboardEach', { board, rank: i + 1, score: x.score }) };
    core.runActions(mctx, lb.each!);
  });
}

/**
 * Present members with a score above 0, highest first; equal scores by displayed name, then by
 * id, both compared by UTF-16 code units, so the order is the same on every machine.
 */
function rank(core: Core, ctx: Ctx, lb: Leaderboard): { m: MemberState; score: number }[] {
  const c = ctx.community;
  const scored: { m: MemberState; score: number }[] = [];
  const read = score(core, ctx, lb);
  for (const id in c.members) {
    const m = c.members[id]!;
    if (!m.present) continue;
    const s = read(m);
    if (typeof s === 'number' && Number.isFinite(s) && s > 0) scored.push({ m, score: s });
  }
  return scored.sort((a, b) => b.score - a.score || compare(a.m.name ?? a.m.id, b.m.name ?? b.m.id) || compare(a.m.id, b.m.id));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How one member scores on this board at this posting. */
function score(core: Core, ctx: Ctx, lb: Leaderboard): (m: MemberState) => unknown {
  const rankBy = lb.rank ?? { points: true as const };
  if ('value' in rankBy) {
    const f = core.value(rankBy.value);
    return (m) => f({ ...ctx, member: m });
  }
  const now = ctx.now;
  const today = localDayNumber(now, core.zone);
  if (!lb.window) {
    // The old form: points of the last 1, 7 or 30 local days, today included, or the balance.
    const days = lb.period === 'daily' ? 1 : lb.period === 'weekly' ? 7 : lb.period === 'monthly' ? 30 : 0;
    if (days === 0) return (m) => m.points;
    return (m) => {
      let s = 0;
      for (const day in m.daily) if (Number(day) > today - days) s += m.daily[day]!;
      return s;
    };
  }
  if ('points' in rankBy && lb.window === 'allTime') return (m) => m.points;
  const [from, to] = lb.window === 'sinceLastPost' ? sinceLastPost(ctx.community, lb) : lb.window === 'allTime' ? [0, 0] : windowDays(lb.window, today);
  return (m) => {
    const t = m.boards?.[lb.id];
    let s = 0;
    if (t) for (const k in t) if (Number(k) >= from && Number(k) <= to) s += t[k]!;
    return s;
  };
}

function sinceLastPost(c: CommunityState, lb: Leaderboard): [number, number] {
  const posts = c.boards?.[lb.id]?.posts ?? 0;
  return [posts, posts];
}
