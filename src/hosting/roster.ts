import { validateEvent } from '../runtime/events.js';
import { own } from '../stdlib/dict.js';
import type { DurableRuntime } from '../store/durable.js';

/**
 * `playbook serve --roster FILE` and `playbook bot --roster FILE` (docs/cli.md, "Rosters";
 * docs/language.md, "Rosters"): the members who were in the group before the bot, registered
 * with `member.seen` so that none of them starts the entry ritual. FILE is JSON Lines of
 * `member.seen` events, or a JSON list of entries `{community, member, name?, roles?,
 * lastActiveAt?, at?, id?}`. Every line is checked before any is imported (as `POST /events`
 * does), and importing the same roster again changes nothing: an entry's id defaults to
 * `roster:<member>`, and a `member.seen` of a member already known only updates their name,
 * roles and last post.
 */

export class RosterError extends Error {}

export interface RosterResult {
  /** Members the playbook did not know before. */
  registered: number;
  /** Entries about members it already knew (or listed twice), and repeated event ids. */
  known: number;
  /** Entries older than the clock minus the horizon, refused (docs/runtime.md). */
  stale: number;
}

/** The clock a roster entry without `at` is stamped with. */
export interface RosterClock {
  kind: 'wall' | 'events';
  now: number;
}

const MAX_PROBLEMS = 10;

/** Read, check and import a roster; nothing is imported if any entry is wrong (RosterError). */
export function importRoster(durable: DurableRuntime, file: string, text: string, clock: RosterClock): RosterResult {
  const events = rosterEvents(durable, file, text, clock);
  const seen = new Set<string>();
  const wasKnown = events.map((e) => {
    const key = JSON.stringify([e['community'], e['member']]);
    const known = seen.has(key) || own(durable.rt.community(e['community'] as string)?.members, e['member'] as string) !== undefined;
    seen.add(key);
    return known;
  });
  const out: RosterResult = { registered: 0, known: 0, stale: 0 };
  durable.dispatchBatch(events).results.forEach((r, i) => {
    if (r.status === 'stale') out.stale++;
    else if (wasKnown[i] || r.status === 'duplicate') out.known++;
    else out.registered++;
  });
  return out;
}

function rosterEvents(durable: DurableRuntime, file: string, text: string, clock: RosterClock): Record<string, unknown>[] {
  const problems: string[] = [];
  const events: Record<string, unknown>[] = [];
  const body = text.replace(/^\uFEFF/, '');
  const add = (where: string, raw: unknown) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(`${where}: an entry is a JSON object`);
      return;
    }
    const e = { ...(raw as Record<string, unknown>) };
    e['type'] ??= 'member.seen';
    if (e['type'] !== 'member.seen') {
      problems.push(`${where}: a roster holds member.seen events, not ${JSON.stringify(e['type'])} (a member.joined would start the entry ritual)`);
      return;
    }
    for (const key of ['community', 'member']) {
      if (typeof e[key] !== 'string' || e[key] === '') {
        problems.push(`${where}: needs a "${key}" (its id, as in events)`);
        return;
      }
    }
    e['id'] ??= `roster:${e['member'] as string}`;
    if (e['at'] === undefined) {
      const at = clock.kind === 'wall' ? clock.now : typeof e['community'] === 'string' ? durable.rt.community(e['community'])?.clock : undefined;
      if (at === undefined) {
        problems.push(`${where}: give it an "at": with --clock events, a community with no events yet has no clock to stamp it with`);
        return;
      }
      e['at'] = new Date(at).toISOString();
    }
    const v = validateEvent(e, durable.ir.events);
    if (!v.ok) problems.push(`${where}: ${v.reason}`);
    else events.push(e);
  };
  if (body.trimStart().startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(body);
    } catch (e) {
      throw new RosterError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(list)) throw new RosterError(`${file}: a roster is a JSON list or JSON Lines`);
    list.forEach((entry, i) => {
      add(`${file}: entry ${i + 1}`, entry);
    });
  } else {
    body.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        problems.push(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`);
        return;
      }
      add(`${file}:${i + 1}`, raw);
    });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS).join('\n  ');
    const more = problems.length > MAX_PROBLEMS ? `\n  … and ${problems.length - MAX_PROBLEMS} more` : '';
    throw new RosterError(
      `${file}: ${problems.length} roster ${problems.length === 1 ? 'entry is' : 'entries are'} wrong; nothing was imported\n  ${shown}${more}`,
    );
  }
  return events;
}
