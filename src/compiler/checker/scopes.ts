import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { DiagnosticBag } from '../../parser/diagnostics.js';
import { dict, dictFrom, type Dict } from '../../stdlib/dict.js';
import { didYouMean } from '../../stdlib/suggest.js';
import { CORE_EVENTS } from '../core-events.js';
import type { Counter, Endpoint, EventType, Lottery } from '../../ir/schema.js';

/**
 * What every pass of the checker shares: the symbol tables filled by the declaration pass
 * (index.ts), the scopes a name is resolved in, and name resolution with its did-you-mean hints.
 */

export const BUILTIN_ROLES = ['admin', 'owner'];
export const MEMBER_ATTRS = ['id', 'name', 'points', 'level', 'joinedDays'] as const;

export interface Scope {
  /** Event types whose payload fields are in scope; empty when no event is (timers, jobs). */
  events: string[];
  member: boolean;
  campaign?: string;
  /** What `count(E)` without `by member` counts here. */
  countScope: 'member' | 'community';
  /**
   * Set in a campaign's goals: true when the campaign is `across all groups` (its counts are the
   * network's), false when it is not (`across groups` is refused there: E0463).
   */
  goalNetwork?: boolean;
  /** Set for rules: windowed counters get their own copy, cleared when the rule fires. */
  owner?: string;
  windows?: string[];
  /** Extra placeholders allowed in messages here (`missing`, `board`, ...). */
  /** Template extras this block may use (ir/template-extras.ts). */
  extras: readonly string[];
  what: string;
  /** Set in a leaderboard or a draw, whose member actions go after `for each member:` (E0411). */
  eachOf?: string;
  /** Inside the `where` of count(…) or sum(…) (counts.ts). */
  filter?: CountFilter;
}

/** The `where` of a count: bare fields are the counted event's, `this.F` the handled event's. */
export interface CountFilter {
  counted: string;
  /** The events `this.F` may read: those of the scope the count is written in. */
  outer: string[];
  /** The `what` of the scope the count is written in, for "no triggering event" messages. */
  outerWhat: string;
  /** The counted event's fields the filter reads (kept per event when it also reads `this.`). */
  fields: Set<string>;
  readsThis: boolean;
}

/** One check of one file: the tree, where diagnostics go, and the symbol tables. */
export class Checker {
  /** A dict, as are its field tables: `event constructor { }` is a custom event like any other (docs/runtime.md). */
  readonly events: Dict<EventType> = coreEventTable();
  readonly roles = new Set<string>(BUILTIN_ROLES);
  readonly templates = new Map<string, A.TemplateDecl>();
  readonly ladders = new Set<string>();
  readonly schedules = new Set<string>();
  readonly segments = new Set<string>();
  readonly campaigns = new Map<string, Set<string>>();
  readonly levels = new Set<string>();
  readonly badges = new Set<string>();
  /** `endpoint NAME { … }` declarations, lowered (platform-actions.ts; the IR's `endpoints`). */
  readonly endpoints = new Map<string, Endpoint>();
  /** Badges some `award badge NAME` grants (W0602 for a badge nothing grants). */
  readonly badgesAwarded = new Set<string>();
  /** `count(…)` counters, keyed by what they count; the IR lists them in creation order. */
  readonly counters = new Map<string, Counter>();
  /** Ids given to points entries so far (points.ts). */
  readonly pointsIds = new Set<string>();
  /** `draw … as NAME` lotteries so far, by name (actions.ts; the IR's `lotteries`). */
  readonly lotteries = new Map<string, Lottery>();
  /** `random(…)` draws numbered so far (conditions.ts). */
  draws = 0;

  constructor(
    readonly ast: A.Playbook,
    readonly bag: DiagnosticBag,
    readonly file: string,
  ) {}
}

/** Reports `id` if `seen` has its name already (E0102); records it otherwise. True for a duplicate. */
export function definedTwice(cx: Checker, kind: string, seen: Map<string, A.Ident>, id: A.Ident): boolean {
  const prev = seen.get(id.name);
  if (prev) {
    cx.bag.report(D.E0102.definedTwice(kind, id.name), id.span, `the first definition is at line ${prev.span.line}`);
    return true;
  }
  seen.set(id.name, id);
  return false;
}

export function memberScope(what: string, events: string[] = []): Scope {
  return { events, member: true, countScope: 'member', extras: [], what };
}

export function groupScope(what: string): Scope {
  return { events: [], member: false, countScope: 'community', extras: [], what };
}

export function eventRef(cx: Checker, id: A.Ident): string | undefined {
  if (cx.events[id.name]) return id.name;
  cx.bag.report(D.E0201.unknownEvent(id.name), id.span, didYouMean(id.name, Object.keys(cx.events)) ?? 'declare it with `event name.verb { field: type }`');
  return undefined;
}

/** A member-only construct where no member is in scope (jobs, schedules, stages, goals). */
export function noMember(cx: Checker, span: A.Span, scope: Scope, action?: string): void {
  if (scope.eachOf && action) {
    cx.bag.report(D.E0411.eachMember(action, scope.eachOf), span, `put it after \`for each member:\` to run it for each ranked member in rank order`);
    return;
  }
  const plural =
    action === 'tag member' || action === 'untag member'
      ? `use \`${action}s "…"\` (with \`tagged\`, \`in SEGMENT\` or \`where …\` to choose them) for every matching member`
      : 'use `remove members where …` or `say to members where …` to test each member';
  cx.bag.report(D.E0407.noMember(scope.what), span, plural);
}

/** The core events as the dicts the IR holds (the table in core-events.ts is a plain literal). */
function coreEventTable(): Dict<EventType> {
  const out = dict<EventType>();
  for (const [name, def] of Object.entries(CORE_EVENTS)) out[name] = { ...def, fields: dictFrom(def.fields) };
  return out;
}

/** Whether the block is triggered by an event about a message (`delete message`, `pin message`, `reply`). */
export function aboutMessage(cx: Checker, scope: Scope): boolean {
  return scope.events.includes('message.posted') || scope.events.some((e) => cx.events[e]?.fields['messageId']);
}
