import type { IR } from '../ir/schema.js';
import type { OutputAction } from '../runtime/runtime.js';
import { fieldText } from './escape.js';
import { parseConstructId, parseDelayedEvent, parseMachineTimerId, parseSessionTimerId, parseStageTimerId, timerIdOfCause } from '../ir/index.js';

/**
 * The report's words for what happened: an action in one line, an event's text, a timer cause,
 * and long texts cut to a length the page can show.
 */

const MAX_TEXT = 300;

/** A text cut to MAX_TEXT code points, with an ellipsis when cut. */
export function clip(text: string): string {
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
export function eventText(event: Record<string, unknown>): string | undefined {
  if (typeof event['text'] === 'string') return event['text'];
  const payload = Object.entries(event).filter(([k]) => !ENVELOPE.has(k));
  if (payload.length === 0) return undefined;
  return payload.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
}

/** One line saying what an action does. */
export function actionSummary(a: OutputAction, nameOf: (member: string) => string | undefined = () => undefined): string {
  const s = (k: string) => (a[k] === undefined ? '' : fieldText(a[k]));
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
  const id = timerIdOfCause(cause);
  const timer = parseMachineTimerId(id);
  const kind = timer ? parseConstructId(timer.machine)?.kind : undefined;
  const after = timer && (kind === 'ritual' || kind === 'lifecycle') ? parseDelayedEvent(timer.event) : undefined;
  if (timer && after) {
    const { member, machine: machineId } = timer;
    const delay = after.delayMs;
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
  const campaign = parseStageTimerId(id);
  if (campaign !== undefined) return `campaign ${campaign} calendar`;
  const job = ir.jobs.find((j) => j.id === id);
  if (job) return `job ${job.name}`;
  const board = ir.leaderboards.find((l) => l.id === id);
  if (board) return `leaderboard ${board.name}`;
  const session = parseSessionTimerId(id);
  const schedule = session ? ir.schedules.find((s) => s.id === session.scheduleId) : undefined;
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
