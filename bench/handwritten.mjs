// The hand-written baseline: the tight JavaScript an expert would write for exactly the workload
// playbook (no-ads + flood + points), with the same semantics as the runtime (DESIGN.md section
// 5): events deduplicated by id, a late event processed at the clock's time, windows with
// `t > now - 10s`, warnings that expire after 30 days, a 60 s cooldown and a cap of 20 awards per
// local day. It produces the runtime's action objects field for field.
//
// The pieces other than condition evaluation (the event front, the effects of fired rules, time
// formatting) are exported: the json-rules-engine baseline uses exactly this code around the
// library, and the XState baselines use the front and the formatting, so each comparison isolates
// what the library does.

import { compileMatcher } from '../dist/stdlib/text-match.js';

const OFFSET_MS = 8 * 3_600_000; // Asia/Shanghai has been UTC+8 all year since 1991
const DAY_MS = 86_400_000;
const FLOOD_WINDOW_MS = 10_000;
const WARNING_EXPIRY_MS = 30 * DAY_MS;
const COOLDOWN_MS = 60_000;
const DAILY_CAP = 20;

/** `YYYY-MM-DDTHH:MM:SS[.sss](Z|±HH:MM)` read digit by digit; anything else goes to Date.parse. */
export function parseAt(s) {
  const n = s.length;
  if (n >= 20 && s.charCodeAt(10) === 84 && s.charCodeAt(16) === 58) {
    let i = 19;
    let ms = 0;
    if (s.charCodeAt(19) === 46 && n >= 24) {
      ms = (s.charCodeAt(20) - 48) * 100 + (s.charCodeAt(21) - 48) * 10 + (s.charCodeAt(22) - 48);
      i = 23;
    }
    let off = -1;
    const c = s.charCodeAt(i);
    if (c === 90 && n === i + 1) off = 0;
    else if ((c === 43 || c === 45) && n === i + 6) {
      off = ((s.charCodeAt(i + 1) - 48) * 10 + s.charCodeAt(i + 2) - 48) * 60 + (s.charCodeAt(i + 4) - 48) * 10 + s.charCodeAt(i + 5) - 48;
      if (c === 45) off = -off;
    }
    if (off !== -1) {
      const t = Date.UTC(
        (s.charCodeAt(0) - 48) * 1000 + (s.charCodeAt(1) - 48) * 100 + (s.charCodeAt(2) - 48) * 10 + s.charCodeAt(3) - 48,
        (s.charCodeAt(5) - 48) * 10 + s.charCodeAt(6) - 49,
        (s.charCodeAt(8) - 48) * 10 + s.charCodeAt(9) - 48,
        (s.charCodeAt(11) - 48) * 10 + s.charCodeAt(12) - 48,
        (s.charCodeAt(14) - 48) * 10 + s.charCodeAt(15) - 48,
        (s.charCodeAt(17) - 48) * 10 + s.charCodeAt(18) - 48,
        ms,
      );
      if (t === t) return t - off * 60_000;
    }
  }
  return Date.parse(s);
}

const two = (n) => (n < 10 ? '0' + n : '' + n);
const three = (n) => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);
let prefixDay = NaN;
let prefix = '';

/** An instant as the runtime writes it: local time, `.sss` only when not zero, `+08:00`. */
export function formatIso(ms) {
  const local = ms + OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  if (day !== prefixDay) {
    const d = new Date(day * DAY_MS);
    prefixDay = day;
    prefix = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T`;
  }
  let r = local - day * DAY_MS;
  const frac = r % 1000;
  r = (r - frac) / 1000;
  const sec = r % 60;
  r = (r - sec) / 60;
  return prefix + two((r / 60) | 0) + ':' + two(r % 60) + ':' + two(sec) + (frac ? '.' + three(frac) : '') + '+08:00';
}

/** Every action of one event shares its instant: format it once. */
export class IsoCache {
  ms = NaN;
  text = '';
  at(ms) {
    if (ms !== this.ms) {
      this.ms = ms;
      this.text = formatIso(ms);
    }
    return this.text;
  }
}

export const localDay = (ms) => Math.floor((ms + OFFSET_MS) / DAY_MS);

// Like with like (issue 20): the regex runs on the engine playbook regexes run on, RE2 (re2js, through
// the runtime's own matcher), so the ratio measures the runtime and not the regex engine; the
// literal substrings stay `includes`. The regex engine's own cost is measured apart (workload_regex).
const LINK = compileMatcher([{ regex: 'https?:\\/\\/', flags: '' }]);

export function isAd(text) {
  return text.includes('加微信') || text.includes('返利') || LINK(text);
}

/** The per-member state of the hand-written loop and of the json-rules-engine baseline. */
export class Member {
  constructor(id, roles) {
    this.id = id;
    this.roles = roles;
    this.admin = roles.includes('admin');
    this.window = [];
    this.warnings = [];
    this.lastAward = -Infinity;
    this.capDay = -1;
    this.capCount = 0;
    this.points = 0;
  }

  setRoles(roles) {
    this.roles = roles;
    this.admin = roles.includes('admin');
  }
}

export const NO_ROLES = [];

/**
 * What every engine does before its conditions: validation of the fields it reads, dedupe by id,
 * and the community clock (a late event runs at the clock's time). `accept` returns the instant
 * to process the event at, or NaN to skip it.
 */
export class Front {
  seen = new Set();
  clock = -Infinity;
  iso = new IsoCache();

  accept(ev) {
    if (typeof ev.id !== 'string' || typeof ev.at !== 'string' || typeof ev.community !== 'string') return NaN;
    if (ev.type === 'message.posted') {
      if (typeof ev.member !== 'string' || typeof ev.text !== 'string' || typeof ev.messageId !== 'string') return NaN;
    } else if (ev.type !== 'member.joined' || typeof ev.member !== 'string') return NaN;
    const t = parseAt(ev.at);
    if (t !== t || this.seen.has(ev.id)) return NaN;
    this.seen.add(ev.id);
    if (t > this.clock) this.clock = t;
    return this.clock;
  }
}

/** The roles a join event names, or undefined when it names none (existing roles stay). */
export const joinRoles = (ev) => (Array.isArray(ev.roles) ? ev.roles : undefined);

/** Record the message in the member's flood window; returns the count within 10 s. */
export function recordWindow(m, now) {
  const w = m.window;
  const cutoff = now - FLOOD_WINDOW_MS;
  let drop = 0;
  while (drop < w.length && w[drop] <= cutoff) drop++;
  if (drop > 0) w.splice(0, drop);
  w.push(now);
  return w.length;
}

/**
 * The effects of the rules that fired on a message, in the runtime's order: no_ads (delete,
 * warn, ladder step), flood (clear the window, mute), then the points entry.
 */
/** A join sets the member's roles and yields undefined (nothing to run); any other event yields its member, created on first sight. */
export function memberOf(members, ev) {
  let m = members.get(ev.member);
  if (ev.type === 'member.joined') {
    const roles = joinRoles(ev);
    if (!m) members.set(ev.member, new Member(ev.member, roles ?? NO_ROLES));
    else if (roles) m.setRoles(roles);
    return undefined;
  }
  if (!m) members.set(ev.member, (m = new Member(ev.member, NO_ROLES)));
  return m;
}

export function applyMessage(m, ev, now, iso, community, adFired, floodFired, pointsFired, out) {
  if (adFired) {
    const at = iso.at(now);
    out.push({ at, type: 'message.delete', community, member: m.id, messageId: ev.messageId, cause: ev.id, source: 'rule:no_ads' });
    const ws = m.warnings;
    const cutoff = now - WARNING_EXPIRY_MS - 1;
    let drop = 0;
    while (drop < ws.length && ws[drop] <= cutoff) drop++;
    if (drop > 0) ws.splice(0, drop);
    ws.push(now);
    const count = ws.length;
    out.push({ at, type: 'member.warn', community, member: m.id, ladder: 'ads', count, reason: 'no ads', cause: ev.id, source: 'rule:no_ads' });
    if (count === 1) out.push({ at, type: 'message.send', community, member: m.id, to: m.id, text: 'warning', cause: ev.id, source: 'ladder:ads' });
    else
      out.push({ at, type: 'member.mute', community, member: m.id, duration: 'PT1H', until: formatIso(now + 3_600_000), cause: ev.id, source: 'ladder:ads' });
  }
  if (floodFired) {
    m.window = [];
    out.push({
      at: iso.at(now),
      type: 'member.mute',
      community,
      member: m.id,
      duration: 'PT10M',
      until: formatIso(now + 600_000),
      cause: ev.id,
      source: 'rule:flood',
    });
  }
  if (pointsFired && now - m.lastAward >= COOLDOWN_MS) {
    const day = localDay(now);
    if (m.capDay !== day) {
      m.capDay = day;
      m.capCount = 0;
    }
    if (m.capCount < DAILY_CAP) {
      m.capCount++;
      m.lastAward = now;
      m.points++;
      out.push({
        at: iso.at(now),
        type: 'points.award',
        community,
        member: m.id,
        amount: 1,
        balance: m.points,
        reason: 'message.posted',
        cause: ev.id,
        source: 'points:message.posted',
      });
    }
  }
}

const NOTHING = [];

/** The hand-written engine: `dispatch(event)` returns the actions of that event. */
export function createHandwritten() {
  const front = new Front();
  const members = new Map();
  const iso = front.iso;
  return {
    dispatch(ev) {
      const now = front.accept(ev);
      if (now !== now) return NOTHING;
      const m = memberOf(members, ev);
      if (!m) return NOTHING;
      const inWindow = recordWindow(m, now);
      const ad = !m.admin && isAd(ev.text);
      const flood = inWindow > 5;
      const out = [];
      applyMessage(m, ev, now, iso, ev.community, ad, flood, true, out);
      return out;
    },
  };
}
