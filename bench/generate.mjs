// Seeded generators of benchmark inputs: the workload playbook of issue 5, a playbook with N
// rules, the message stream of that workload, and the event stream of the mixed playbook.
// Same seed, same bytes: every run of `npm run bench` measures the same inputs.

/** The workload of issue 5: no-ads + flood + points with cooldown and a daily cap. */
export const WORKLOAD_PLAYBOOK = `playbook "Bench" { timezone "Asia/Shanghai" }
roles admin
rule no_ads { on message.posted when text matches any ["加微信", "返利", /https?:\\/\\//] unless member has role admin do delete message; warn member "no ads" on ladder ads }
ladder ads { expire 30d; 1: say to member "warning"; 2: mute member 1h }
rule flood { on message.posted when count(message.posted by member within 10s) > 5 do mute member 10m }
points { message.posted: +1 cooldown 60s cap 20 per day }
`;

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHANGHAI_MS = 8 * 3_600_000;
const pad2 = (n) => (n < 10 ? '0' : '') + n;
const pad3 = (n) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;

/** `ms` as platforms send it: local time with a +08:00 offset, milliseconds when not zero. */
export function isoShanghai(ms) {
  const d = new Date(ms + SHANGHAI_MS);
  const frac = d.getUTCMilliseconds();
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${frac ? '.' + pad3(frac) : ''}+08:00`;
}

export function playbookWithRules(n) {
  const lines = [
    'playbook "Bench" { timezone "Asia/Shanghai" }',
    'roles admin',
    'ladder ads { expire 30d; 1: say to member "warning"; 2: remove member reason "ads" }',
  ];
  for (let i = 0; i < n; i++) {
    switch (i % 4) {
      case 0:
        lines.push(
          `rule words_${i} { on message.posted when text matches any ["spam${i}", /promo${i}\\s*\\d{4,}/] unless member has role admin do delete message; warn member "no ads" on ladder ads }`,
        );
        break;
      case 1:
        lines.push(`rule flood_${i} { on message.posted when count(message.posted by member within ${5 + (i % 20)}s) > ${5 + (i % 7)} do mute member 10m }`);
        break;
      case 2:
        lines.push(`rule big_${i} { on redpacket.sent where amount >= ${i % 50} and shares >= 5 do award ${1 + (i % 9)} points reason "packet" }`);
        break;
      default:
        lines.push(`rule order_${i} { on order.paid when amount > ${i} or member.points >= ${i} do tag member "buyer${i}" }`);
    }
  }
  lines.push('points {\n  message.posted: +1 cooldown 60s cap 20 per day\n  checkin.done: +5 cap 1 per day\n}');
  return lines.join('\n') + '\n';
}

const CHAT = ['hello', '早上好', 'good morning', 'nice', 'ok', '哈哈', '今天的分享很有收获', 'http:/not-a-link', 'see you', '谢谢'];
const ADS = ['加微信领取红包', '返利群欢迎加入', 'see https://x.example/p', 'free at http://promo.example', '私聊加微信'];
/** Not ads: the regex is case-sensitive and the words must appear as written. */
const NEAR_ADS = ['HTTPS://CAPS.example', '加 微信', '返 利'];

/**
 * The message stream of the workload: `members` joins (2% of them admins), then `count`
 * message.posted events. Realistic irregularities, so every engine has to get them right to
 * produce the same actions: members post with a skewed frequency (some hit the daily cap), some
 * post in bursts (flood fires), about 5% of messages are ads, 0.2% of events are exact
 * duplicates (skipped by id), 0.3% arrive late (older than the clock), 0.1% come from members
 * who never joined, and one `at` in 20 is written in UTC (`Z`) rather than +08:00.
 * The mean gap between messages is 500 ms (100,000 messages span about 14 hours, across a
 * local midnight, so daily caps reset).
 */
export function* messageEvents(count, members, seed = 7) {
  const rnd = mulberry32(seed);
  let t = Date.parse('2026-06-01T09:00:00+08:00');
  const stamp = (ms) => (rnd() < 0.05 ? new Date(ms).toISOString() : isoShanghai(ms));
  for (let i = 0; i < members; i++) {
    const e = { id: `j${i}`, type: 'member.joined', at: stamp(t + i), community: 'big', member: `u${i}`, name: `Member ${i}` };
    if (rnd() < 0.02) e.roles = ['admin'];
    yield e;
  }
  t += members;
  const recent = [];
  let burst = null;
  for (let i = 0; i < count; i++) {
    const r = rnd();
    if (r < 0.002 && recent.length) {
      yield recent[Math.floor(rnd() * recent.length)];
      continue;
    }
    let member;
    if (burst) {
      member = burst.member;
      t += 200 + Math.floor(rnd() * 1300);
      if (--burst.left === 0) burst = null;
    } else {
      t += Math.floor(rnd() * 1000);
      member = r > 0.999 ? `x${Math.floor(rnd() * 100)}` : `u${Math.floor(members * rnd() ** 2)}`;
      if (rnd() < 0.004) burst = { member, left: 5 + Math.floor(rnd() * 5) };
    }
    const at = r > 0.002 && r < 0.005 ? t - Math.floor(rnd() * 5000) : t;
    const p = rnd();
    const text =
      p < 0.05 ? ADS[Math.floor(rnd() * ADS.length)] : p < 0.06 ? NEAR_ADS[Math.floor(rnd() * NEAR_ADS.length)] : CHAT[Math.floor(rnd() * CHAT.length)];
    const e = { id: `e${i}`, type: 'message.posted', at: stamp(at), community: 'big', member, messageId: `m${i}`, text };
    if (recent.length < 256) recent.push(e);
    else recent[Math.floor(rnd() * 256)] = e;
    yield e;
  }
}

const MIXED_TEXT = ['hello', '早上好', '已读', '今天讨论什么?', '张三-北京-工程师', '李四-上海-设计师', '加微信领取', 'see https://x.example', 'nice', '返利'];

/**
 * A stream over five weeks from 2026-06-01 (Monday) for the mixed playbook: joins spread over
 * the period, posts, reactions, check-ins, red packets, orders, invites, quiz answers, role
 * changes, leaves and rejoins, so rituals complete and expire, lifecycles move, sessions open
 * with members present, stages start and end, and weekly and monthly jobs run.
 */
export function mixedEvents(count, members, seed = 11) {
  const rnd = mulberry32(seed);
  const start = Date.parse('2026-06-01T08:00:00+08:00');
  const span = 35 * 86_400_000;
  const times = Array.from({ length: count }, () => start + Math.floor(rnd() * span)).sort((a, b) => a - b);
  const joined = [];
  const present = new Set();
  // Newcomers owing ritual steps: most of them do both within the next few events.
  const onboarding = [];
  let nextMember = 0;
  const out = [];
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  // Early joiners are the regulars: a skewed pick makes streaks, badges and caps happen.
  const someone = () => joined[Math.floor(joined.length * rnd() ** 1.6)];
  for (let i = 0; i < count; i++) {
    const base = { id: `x${i}`, at: isoShanghai(times[i]), community: 'club' };
    const r = rnd();
    if (nextMember < members && (present.size === 0 || r < ((members - nextMember) / (count - i)) * 1.2)) {
      const member = `m${nextMember++}`;
      joined.push(member);
      present.add(member);
      const e = { ...base, type: 'member.joined', member, name: `成员${nextMember}` };
      if (rnd() < 0.05) e.roles = [pick(['admin', 'kol', 'volunteer'])];
      const steps = rnd();
      if (steps < 0.75) onboarding.push({ member, steps: ['intro', 'redpacket'] });
      else if (steps < 0.85) onboarding.push({ member, steps: [pick(['intro', 'redpacket'])] });
      out.push(e);
      continue;
    }
    if (onboarding.length && rnd() < 0.5) {
      const o = onboarding[0];
      const step = o.steps.splice(Math.floor(rnd() * o.steps.length), 1)[0];
      if (o.steps.length === 0) onboarding.shift();
      out.push(
        step === 'intro'
          ? { ...base, type: 'message.posted', member: o.member, messageId: `p${i}`, text: pick(['张三-北京-工程师', '李四-上海-设计师']) }
          : { ...base, type: 'redpacket.sent', member: o.member, amount: 5 + Math.floor(rnd() * 20), shares: 5 + Math.floor(rnd() * 5) },
      );
      continue;
    }
    const member = someone();
    const k = rnd();
    let e;
    if (!present.has(member)) {
      present.add(member);
      e = { ...base, type: 'member.joined', member, name: member };
    } else if (k < 0.5) e = { ...base, type: 'message.posted', member, messageId: `p${i}`, text: pick(MIXED_TEXT) };
    else if (k < 0.6) e = { ...base, type: 'reaction.added', member, messageId: `p${Math.floor(rnd() * i)}`, emoji: '👍' };
    else if (k < 0.7) e = { ...base, type: 'checkin.done', member };
    else if (k < 0.75) e = { ...base, type: 'redpacket.sent', member, amount: Math.floor(rnd() * 10), shares: Math.floor(rnd() * 10) };
    else if (k < 0.8) e = { ...base, type: 'order.paid', member, orderId: `o${i}`, amount: 10 + Math.floor(rnd() * 200) };
    else if (k < 0.86) e = { ...base, type: 'invite.accepted', member, invitee: `guest${i}` };
    else if (k < 0.9) e = { ...base, type: 'quiz.answered', member, score: Math.floor(rnd() * 101), topic: pick(['安全', '历史']) };
    else if (k < 0.92) e = { ...base, type: 'role.granted', member, role: pick(['admin', 'kol', 'volunteer']) };
    else if (k < 0.93) e = { ...base, type: 'role.revoked', member, role: pick(['admin', 'kol', 'volunteer']) };
    else if (k < 0.95) e = { ...base, type: 'rules.acknowledged', member };
    else if (k < 0.965) {
      present.delete(member);
      e = { ...base, type: 'member.left', member };
    } else e = { ...base, type: 'message.posted', member, messageId: `p${i}`, text: pick(MIXED_TEXT) };
    out.push(e);
  }
  return out;
}
