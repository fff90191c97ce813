// Seeded generators for benchmark inputs: a playbook with N rules and an event stream.
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

export function playbookWithRules(n) {
  const lines = ['playbook "Bench" { timezone "Asia/Shanghai" }', 'roles admin', 'ladder ads { expire 30d; 1: say to member "warning"; 2: remove member reason "ads" }'];
  for (let i = 0; i < n; i++) {
    switch (i % 4) {
      case 0:
        lines.push(`rule words_${i} { on message.posted when text matches any ["spam${i}", /promo${i}\\s*\\d{4,}/] unless member has role admin do delete message; warn member "no ads" on ladder ads }`);
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

/** `count` events of the no-ads + flood + points workload, members u0..u(members-1). */
export function* messageEvents(count, members, seed = 7) {
  const rnd = mulberry32(seed);
  let t = Date.parse('2026-06-01T00:00:00+08:00');
  for (let i = 0; i < members; i++) {
    yield { id: `j${i}`, type: 'member.joined', at: new Date(t).toISOString(), community: 'big', member: `u${i}`, name: `Member ${i}` };
  }
  const words = ['hello', 'good morning', '加微信领取', 'see https://x.example', 'nice', '返利群', 'ok'];
  for (let i = 0; i < count; i++) {
    t += Math.floor(rnd() * 2000);
    const m = Math.floor(rnd() * members);
    yield { id: `e${i}`, type: 'message.posted', at: new Date(t).toISOString(), community: 'big', member: `u${m}`, messageId: `m${i}`, text: words[Math.floor(rnd() * words.length)] };
  }
}
