// The regex section of `npm run bench` (issue 13): playbook regexes run on RE2 (re2js), in time
// linear in the message whatever the pattern. Two measurements, through the built dist/:
//  1. the worst time of one `matches` test over an adversarial set (the patterns of issue 13,
//     which hang JavaScript's RegExp on messages of a few dozen characters, plus seeded
//     generated ones with nested repetition and alternation), each on a 100 KB message built to
//     make a backtracking engine fail slowly;
//  2. the cost per message of typical ad-filter patterns on the short messages of the workload,
//     before (JavaScript's RegExp, as src/stdlib/text-match.ts did until issue 13) and now.
// docs/performance.md records the figures; bench/README.md section 6 describes them.
import { compileMatcher } from '../dist/stdlib/text-match.js';
import { checkRegex } from '../dist/stdlib/regex-safety.js';
import { messageEvents, mulberry32 } from './generate.mjs';

const KB100 = 100 * 1024;
const fill = (unit, tail) => unit.repeat(Math.ceil((KB100 - tail.length) / unit.length)) + tail;

/** The patterns of issue 13 with the message that makes each one slow in a backtracking engine. */
const ISSUE = [
  ['[^](a+)+$', '', fill('a', '!')],
  ['(?:[]|(a+)+)$', '', fill('a', '!')],
  ['(.|微信)*$', '', fill('微信', '\n!')],
  ['(ж|ж)*$', '', fill('ж', '\n')],
  ['(\\S|ä)*$', '', fill('ä', ' ')],
  ['(😀|😀)*$', 'u', fill('😀', '!')],
  ['(a{1,20}){1,20}$', '', fill('a', '!')],
  ['\\s+$', '', fill(' ', '!')],
  ['\\d+$', '', fill('1', '!')],
  ['.*x', '', fill('a', '')],
  ['a*a*a*a*a*a*a*a*b', '', fill('a', '')],
  ['(a+)+$', '', fill('a', '!')],
];

/** Seeded patterns with nested repetition and alternation over `a`, `b`, `.`, `\s`, `\w`. */
function generated(count, seed = 13) {
  const rnd = mulberry32(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const atoms = ['a', 'a', 'b', '.', '\\w', '\\s', '[ab]', 'aa'];
  const quants = ['+', '*', '{1,9}', '{2,}', '?'];
  const node = (depth) => {
    if (depth === 0 || rnd() < 0.3) return pick(atoms) + (rnd() < 0.5 ? pick(quants) : '');
    if (rnd() < 0.5) return `(${node(depth - 1)}|${node(depth - 1)})${pick(quants)}`;
    return `(${node(depth - 1)}${node(depth - 1)})${pick(quants)}`;
  };
  const out = [];
  while (out.length < count) {
    const end = pick(['$', 'b', '!$', 'c']);
    const source = `${node(3)}${end}`;
    const problem = checkRegex(source, '');
    if (problem && problem.kind !== 'backtracking') continue;
    // The letter the pattern ends with comes last, after a character that breaks the run, so a
    // literal prefilter cannot skip the scan and a backtracking engine would try every split.
    const last = /^[bc]$/.test(end) ? end : '';
    out.push([source, '', fill(pick(['a', 'ab', 'a ']), pick(['!', '\n!', '']) + last)]);
  }
  return out;
}

function timeOnce(f) {
  const t0 = performance.now();
  const r = f();
  return { ms: performance.now() - t0, r };
}

export function regexSection(results, log, { quick }) {
  // 1. Adversarial: compile, one untimed run (warm-up), then the best of three timed runs.
  const set = [...ISSUE.map((c) => [...c, 'issue']), ...generated(quick ? 6 : 12).map((c) => [...c, 'generated'])];
  const rows = [];
  for (const [source, flags, text, kind] of set) {
    const match = compileMatcher([{ regex: source, flags }]);
    const first = timeOnce(() => match(text));
    const times = [first.ms];
    for (let i = 0; i < 3; i++) times.push(timeOnce(() => match(text)).ms);
    rows.push({
      pattern: `/${source}/${flags}`,
      kind,
      chars: text.length,
      matched: first.r,
      first_ms: Number(first.ms.toFixed(2)),
      best_ms: Number(Math.min(...times.slice(1)).toFixed(2)),
    });
  }
  const worst = rows.reduce((a, b) => (b.best_ms > a.best_ms ? b : a));
  const worstFirst = rows.reduce((a, b) => (b.first_ms > a.first_ms ? b : a));
  results.regex_adversarial = { messages_kb: 100, patterns: rows.length, rows };
  results.regex_adversarial_worst_ms = worst.best_ms;
  results.regex_adversarial_worst_pattern = worst.pattern;
  results.regex_adversarial_worst_first_ms = worstFirst.first_ms;
  log(`regex, adversarial: ${rows.length} patterns (${ISSUE.length} from issue 13, ${rows.length - ISSUE.length} generated), each on a 100 KB message`);
  log(
    `  worst match ${worst.best_ms.toFixed(1)} ms (${worst.pattern}); worst first match, compile warm-up included, ${worstFirst.first_ms.toFixed(1)} ms (${worstFirst.pattern})`,
  );

  // 2. Typical ad-filter patterns on short messages, JavaScript's RegExp against the RE2 matcher.
  const texts = [];
  for (const e of messageEvents(quick ? 10_000 : 100_000, 1000)) if (e.type === 'message.posted') texts.push(e.text);
  const typical = [
    ['link', 'https?:\\/\\/', ''],
    ['invite code', '邀请码\\s*\\d{4,}', ''],
    ['whole link, any case', 'https?:\\/\\/\\S+', 'i'],
    ['introduction', '^[^-\\s]+-[^-\\s]+-[^-\\s]+', ''],
  ];
  const perMessage = (test) => {
    let hits = 0;
    const t0 = performance.now();
    for (let i = 0; i < texts.length; i++) if (test(texts[i])) hits++;
    return { ns: ((performance.now() - t0) * 1e6) / texts.length, hits };
  };
  const short = [];
  for (const [name, source, flags] of typical) {
    const js = new RegExp(source, flags);
    const re2 = compileMatcher([{ regex: source, flags }]);
    const before = [];
    const now = [];
    for (let round = 0; round < 5; round++) {
      const a = perMessage((t) => js.test(t));
      const b = perMessage(re2);
      if (a.hits !== b.hits) throw new Error(`/${source}/${flags}: RegExp matched ${a.hits} messages, the RE2 matcher ${b.hits}`);
      before.push(a.ns);
      now.push(b.ns);
    }
    short.push({ name, pattern: `/${source}/${flags}`, regexp_ns: Math.round(Math.min(...before)), re2_ns: Math.round(Math.min(...now)) });
  }
  const avgLength = texts.reduce((n, t) => n + t.length, 0) / texts.length;
  results.regex_short = { messages: texts.length, average_chars: Number(avgLength.toFixed(1)), rows: short };
  log(
    `regex, per message on ${texts.length.toLocaleString('en')} short messages (${avgLength.toFixed(0)} characters on average), JavaScript RegExp -> RE2 (re2js):`,
  );
  for (const r of short) log(`  ${r.pattern.padEnd(30)} ${String(r.regexp_ns).padStart(5)} ns -> ${String(r.re2_ns).padStart(5)} ns`);
}
