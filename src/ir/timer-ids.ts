/**
 * Timer ids: the strings that name a pending timer in the runtime state, in snapshots and in an
 * action's `cause` (`timer:<id>`). The runtime builds them, snapshot migration rebuilds them and
 * the report reads them back; every one is built and parsed here (docs/runtime.md, "Timers").
 * They are stored, so their form must not change without a snapshot migration.
 *
 * | timer                           | id                                   |
 * |---------------------------------|--------------------------------------|
 * | a ritual's or lifecycle's delay | `<member>|<machine id>|<delayed event>` |
 * | a schedule's session opening    | `<schedule id>@<start ms>`           |
 * | a session's hook number i       | `<schedule id>@<start ms>#<i>`       |
 * | a session's close               | `<schedule id>@<start ms>/close`     |
 * | a campaign's next stage boundary| `campaign:<campaign name>`           |
 * | a job's or leaderboard's post   | the construct's id (`job:…`, `leaderboard:…`) |
 * | an agenda's step number i       | `<agenda id>#<i>` (`agenda:launch#0`) |
 * | a member's held direct messages | `direct:<member>`                    |
 *
 * A member id may contain any character, `|` included; machine ids and delayed events never do
 * (names are identifiers), so a machine timer id is split at its last two `|`.
 */

const CAUSE_PREFIX = 'timer:';
const DELAYED_PREFIX = 'xstate.after.';

/** The `cause` of the actions a timer produced. */
export function timerCause(timerId: string): string {
  return CAUSE_PREFIX + timerId;
}

/** The timer id of a cause, or the cause itself when it is not a timer's. */
export function timerIdOfCause(cause: string): string {
  return cause.startsWith(CAUSE_PREFIX) ? cause.slice(CAUSE_PREFIX.length) : cause;
}

export interface MachineTimer {
  member: string;
  machine: string;
  /** The machine's delayed event, see `delayedEvent`. */
  event: string;
}

export function machineTimerId(member: string, machine: string, event: string): string {
  return `${member}|${machine}|${event}`;
}

export function parseMachineTimerId(id: string): MachineTimer | undefined {
  const last = id.lastIndexOf('|');
  const middle = last > 0 ? id.lastIndexOf('|', last - 1) : -1;
  if (middle < 0) return undefined;
  return { member: id.slice(0, middle), machine: id.slice(middle + 1, last), event: id.slice(last + 1) };
}

/**
 * The event a machine sends itself `delayMs` after entering a state, named as XState v5 names
 * it (`xstate.after.<delay>.<state id>`), so both machine engines and stored timers agree.
 */
export function delayedEvent(delayMs: number, stateId: string): string {
  return `${DELAYED_PREFIX}${delayMs}.${stateId}`;
}

export function parseDelayedEvent(event: string): { delayMs: number; stateId: string } | undefined {
  const m = /^xstate\.after\.(\d+)\.(.+)$/.exec(event);
  return m ? { delayMs: Number(m[1]), stateId: m[2]! } : undefined;
}

export type SessionTimerPart = { kind: 'open' } | { kind: 'hook'; index: number } | { kind: 'close' };

export function sessionTimerId(scheduleId: string, startMs: number, part: SessionTimerPart): string {
  const base = `${scheduleId}@${startMs}`;
  return part.kind === 'open' ? base : part.kind === 'hook' ? `${base}#${part.index}` : `${base}/close`;
}

export function parseSessionTimerId(id: string): { scheduleId: string; startMs: number; part: SessionTimerPart } | undefined {
  const m = /^(.*)@(\d+)(?:#(\d+)|(\/close))?$/.exec(id);
  if (!m) return undefined;
  const part: SessionTimerPart = m[3] !== undefined ? { kind: 'hook', index: Number(m[3]) } : m[4] ? { kind: 'close' } : { kind: 'open' };
  return { scheduleId: m[1]!, startMs: Number(m[2]), part };
}

export function agendaTimerId(agendaId: string, step: number): string {
  return `${agendaId}#${step}`;
}

/** The one timer of a member's held direct messages: their next turn. */
export function directTimerId(member: string): string {
  return `direct:${member}`;
}

export function stageTimerId(campaign: string): string {
  return `campaign:${campaign}`;
}

export function parseStageTimerId(id: string): string | undefined {
  return id.startsWith('campaign:') ? id.slice('campaign:'.length) : undefined;
}

/**
 * The key of a points rule's cap in a member's state (`<points rule id>|<period>`): stored in
 * snapshots too, and dropped by migration when the rule is gone.
 */
export function capKey(pointsRuleId: string, per: string): string {
  return `${pointsRuleId}|${per}`;
}

export function capPointsRule(key: string): string {
  const bar = key.lastIndexOf('|');
  return bar < 0 ? key : key.slice(0, bar);
}
