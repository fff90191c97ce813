/**
 * Random valid playbooks for the formatter's properties (test/fmt.test.ts).
 *
 * A playbook is first generated as a template whose token gaps are marked, then the gaps are
 * filled with random whitespace and comments. Markers:
 *   S  any whitespace, possibly new lines and comments;
 *   L  spaces on the same line (between an action after `:` and its `;`);
 *   P  like S but possibly nothing (next to punctuation);
 *   N  whitespace with at least one line break (between statements of a block).
 * Everything generated compiles with no errors: names are declared before use, conditions only
 * use what their place allows, and member actions only appear where there is a member.
 */
import fc from 'fast-check';

const S = '\u0001';
const L = '\u0002';
const P = '\u0003';
const N = '\u0004';

const sp = (...parts: string[]) => parts.filter((x) => x !== '').join(S);
const tight = (...parts: string[]) => parts.join(P);

// ------------------------------------------------------------------ gaps

const SOFT = [' ', ' ', '  ', '\t', '\n', '\n  ', '\n\n', '\n\n\n    ', ' #C\n', '\n#C\n  ', '\n\n#C\n#C\n\n', '\u3000', '\r\n  '];
const LINE = [' ', '  ', '\t', ' \u3000'];
const PUNCT = ['', '', '', ...SOFT];
const NEWLINE = ['\n', '\n', '\n  ', '\n\n', ' #C\n', '\n  #C\n', '\n\n#C\n\n', '\r\n', ' #C\n#C\n'];

const commentText = fc
  .array(fc.constantFrom('a', 'Z', ' ', '#', '"', '{', '}', '\\', '读', '书', '🎉', ':', ';', 'rule', '\t'), { maxLength: 12 })
  .map((cs) => '#' + cs.join(''));

export const gapsArb = fc.record({
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 80 }),
  comments: fc.array(commentText, { minLength: 1, maxLength: 8 }),
});

export function fillGaps(template: string, gaps: { picks: number[]; comments: string[] }): string {
  let k = 0;
  let c = 0;
  const pick = (table: string[]) => {
    const choice = table[gaps.picks[k++ % gaps.picks.length]! % table.length]!;
    return choice.replace(/#C/g, () => gaps.comments[c++ % gaps.comments.length]!);
  };
  return template.replace(/[\u0001-\u0004]/g, (m) => pick(m === S ? SOFT : m === L ? LINE : m === P ? PUNCT : NEWLINE));
}

/** The template with single spaces and line breaks: the same playbook, plainly written. */
export function plain(template: string): string {
  return template.replace(/[\u0001-\u0004]/g, (m) => (m === N ? '\n' : m === P ? '' : ' '));
}

// ------------------------------------------------------------------ what a playbook declares

interface Shape {
  roles: string[];
  templates: number;
  segments: number;
  ladders: number;
  schedules: { until: boolean }[];
  campaign: { stages: number } | null;
  levels: string[];
  quiz: boolean;
}

type FieldType = 'number' | 'string' | 'boolean' | 'string[]';
type Fields = Record<string, FieldType>;

const EVENT_FIELDS: Record<string, Fields> = {
  'message.posted': { text: 'string', channel: 'string' },
  'order.paid': { amount: 'number', orderId: 'string' },
  'reaction.added': { emoji: 'string' },
  'checkin.done': {},
  'member.joined': {},
  'invite.accepted': { invitee: 'string' },
  'quiz.answered': { score: 'number', correct: 'boolean', topic: 'string', tags: 'string[]' },
};

/** Where a condition or an action is written. */
interface Ctx {
  shape: Shape;
  /** Fields of the triggering event, when there is exactly one kind of trigger. */
  fields?: Fields;
  /** There is one member (rules, rituals, ladders, badges, lifecycles). */
  member: boolean;
  /** Rules may count `by member`; elsewhere a count is already the member's or the group's. */
  rule?: boolean;
  /** Segments may only use the segments declared before them. */
  segmentsBefore?: number;
  /** In a schedule: `silent members` is allowed. */
  schedule?: boolean;
  /** Triggered by a message: `delete message` is allowed. */
  message?: boolean;
  /** A campaign goal: counts are the group's, no member. */
  goal?: boolean;
}

const events = (shape: Shape) => [
  'message.posted',
  'order.paid',
  'reaction.added',
  'checkin.done',
  'invite.accepted',
  ...(shape.quiz ? ['quiz.answered'] : []),
];

// ------------------------------------------------------------------ values

const messageChar = fc.constantFrom(
  'a',
  'b',
  'Z',
  ' ',
  '欢',
  '迎',
  '读',
  '书',
  '🎉',
  '\\"',
  '\\\\',
  '\\n',
  '\\t',
  '\\{',
  '\\}',
  '\\u4e2d',
  '\\u{1F4DA}',
  '!',
  '#',
  '/',
  ',',
);
const quoted = fc.array(messageChar, { minLength: 1, maxLength: 8 }).map((cs) => `"${cs.join('')}"`);
const tagName = fc.constantFrom('"member"', '"付费"', '"helper"', '"已读"');
const small = fc.integer({ min: 1, max: 99 });
const duration = fc.constantFrom('10s', '5m', '1h30m', '12h', '1d', '7d', '30d', '2w', '1.5h', '500ms');
const time = fc.constantFrom('09:00', '9:30', '21:00', '00:00', '23:59', '19:20');
const ge = fc.constantFrom('>=', '≥');
const eq = fc.constantFrom('==', '=');
const compare = fc.constantFrom('>=', '≥', '>', '<', '<=', '≤', '==', '!=', '≠');
const comma = fc.constantFrom(',', ',', '，', '、');

function message(ctx: Ctx): fc.Arbitrary<string> {
  return ctx.shape.templates > 0
    ? fc.oneof(
        quoted,
        fc.nat(ctx.shape.templates - 1).map((i) => `tpl${i}`),
      )
    : quoted;
}

// ------------------------------------------------------------------ conditions

function fieldCondition(fields: Fields): fc.Arbitrary<string>[] {
  const out: fc.Arbitrary<string>[] = [];
  for (const [name, type] of Object.entries(fields)) {
    const ref = fc.constantFrom(name, `event.${name}`);
    if (type === 'string') {
      out.push(fc.tuple(ref, quoted).map(([r, q]) => sp(r, 'contains', q)));
      out.push(fc.tuple(ref, eq, quoted).map(([r, o, q]) => sp(r, o, q)));
      out.push(
        fc
          .tuple(ref, fc.subarray(['"加微信"', '/https?:\\/\\/\\S+/i', '/邀请码\\s*\\d{4,}/', '/[a-z/]+/', '"返利"'], { minLength: 1 }), fc.boolean(), comma)
          .map(([r, ps, any, c]) =>
            ps.length === 1 && !any ? sp(r, 'matches', ps[0]!) : sp(r, 'matches', ...(any ? ['any'] : []), tight('[', ps.join(P + c + S), ']')),
          ),
      );
    } else if (type === 'number') {
      out.push(fc.tuple(ref, compare, small, fc.boolean()).map(([r, o, n, neg]) => sp(r, o, neg ? tight('-', String(n)) : String(n))));
    } else if (type === 'boolean') {
      out.push(ref);
      out.push(fc.tuple(ref, fc.boolean()).map(([r, b]) => sp(r, '==', String(b))));
    } else {
      out.push(fc.tuple(ref, quoted).map(([r, q]) => sp(r, 'contains', q)));
    }
  }
  return out;
}

function atom(ctx: Ctx): fc.Arbitrary<string> {
  const { shape } = ctx;
  const atoms: fc.Arbitrary<string>[] = [];
  if (ctx.member) {
    atoms.push(fc.tuple(fc.constantFrom('member.points', 'member.joinedDays'), compare, small).map(([a, o, n]) => sp(a, o, String(n))));
    atoms.push(fc.tuple(eq, quoted).map(([o, q]) => sp('member.name', o, q)));
    atoms.push(fc.constantFrom(...shape.roles, 'admin').map((r) => sp('member', 'has', 'role', r)));
    atoms.push(
      tagName.map((t) => sp('member', 'has', 'tag', t)),
      tagName.map((t) => sp('member', 'tagged', t)),
    );
    const segs = ctx.segmentsBefore ?? shape.segments;
    if (segs > 0) atoms.push(fc.tuple(fc.nat(segs - 1), fc.boolean()).map(([i, kw]) => sp('member', 'in', ...(kw ? ['segment'] : []), `seg${i}`)));
    if (shape.schedules.length > 0) {
      atoms.push(
        fc
          .tuple(fc.constantFrom('absences', 'attended'), fc.nat(shape.schedules.length - 1), fc.option(duration), ge, small)
          .map(([f, i, d, o, n]) => sp(tight(f, '(', `sc${i}`, ...(d ? [',' + S + d] : []), ')'), o, String(n))),
      );
    }
    if (shape.levels.length > 0) atoms.push(fc.constantFrom(...shape.levels).map((l) => sp('member.level', '==', `"${l}"`)));
  }
  const countOptions = ctx.rule ? fc.constantFrom('', 'by member') : fc.constant('');
  atoms.push(
    fc
      .tuple(fc.constantFrom(...events(shape)), countOptions, fc.option(duration), compare, small)
      .map(([e, by, d, o, n]) => sp(tight('count', '(', sp(e, by, ...(d ? ['within', d] : [])), ')'), o, String(n))),
  );
  atoms.push(...clockAtoms());
  if (ctx.member) {
    // Arithmetic, parentheses in values and durations as values (docs/language.md, "Arithmetic").
    atoms.push(
      fc
        .tuple(small, fc.constantFrom('+', '-', '*', '/', '×', '÷'), small, compare, small)
        .map(([a, op, b, o, n]) =>
          sp(tight('(', sp('member.points', op, String(a)), ')'), '*', String(b), o, tight('min', '(', String(n), ',' + S + '100', ')')),
        ),
      fc.tuple(ge, duration, small).map(([o, d, n]) => sp('member.age', o, d, '*', String(n))),
    );
  }
  if (shape.campaign) {
    atoms.push(
      fc.nat(shape.campaign.stages - 1).map((i) => sp('in', 'stage', `c0.s${i}`)),
      fc.constant(sp('in', 'stage', 'c0')),
    );
  }
  if (ctx.fields) atoms.push(...fieldCondition(ctx.fields));
  return fc.oneof(...atoms);
}

/** Time of day, weekday, date and chance (docs/language.md, "Time of day, weekday and date"). */
function clockAtoms(): fc.Arbitrary<string>[] {
  const hhmm = fc.constantFrom('00:00', '07:00', '09:30', '18:00', '23:00', '23:59');
  const day = fc.constantFrom('mon', 'sat', 'sun', 'weekend', 'mon-fri', '周六', '工作日');
  return [
    fc.tuple(hhmm, hhmm).map(([a, b]) => sp('time', 'between', a, 'and', b)),
    fc.tuple(compare, hhmm).map(([o, t]) => sp('time', o, t)),
    fc.tuple(fc.constantFrom('is', '==', '!='), day).map(([o, d]) => sp('weekday', o, d)),
    fc.array(day, { minLength: 1, maxLength: 3 }).map((ds) => sp('weekday', 'in', tight('[', ds.join(', '), ']'))),
    fc.tuple(fc.constantFrom('is', '>=', '<'), fc.constantFrom('2026-11-11', '2027-01-01')).map(([o, d]) => sp('date', o, d)),
    fc.tuple(fc.boolean(), fc.constantFrom('1', '10', '0.5', '50')).map(([w, p]) => sp(w ? 'with' : '', 'chance', `${p}%`)),
  ];
}

function condition(ctx: Ctx): fc.Arbitrary<string> {
  const { cond } = fc.letrec<{ cond: string }>((tie) => ({
    cond: fc.oneof(
      { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
      atom(ctx),
      fc.tuple(tie('cond'), fc.constantFrom('and', 'or'), tie('cond')).map(([a, op, b]) => sp(a, op, b)),
      tie('cond').map((c) => sp('not', c)),
      tie('cond').map((c) => tight('(', c, ')')),
    ),
  }));
  return cond;
}

// ------------------------------------------------------------------ actions

function action(ctx: Ctx): fc.Arbitrary<string> {
  const { shape } = ctx;
  const memberCtx: Ctx = { shape, member: true };
  const filter = fc.oneof(
    tagName.map((t) => sp('tagged', t)),
    condition(memberCtx).map((c) => sp('where', c)),
    condition(memberCtx).map((c) => sp('unless', c)),
    ...(shape.segments > 0 ? [fc.tuple(fc.nat(shape.segments - 1), fc.boolean()).map(([i, kw]) => sp('in', ...(kw ? ['segment'] : []), `seg${i}`))] : []),
  );
  const filters = fc.array(filter, { minLength: 1, maxLength: 2 }).map((fs) => sp(...fs));
  const reason = fc.option(
    quoted.map((q) => sp('reason', q)),
    { nil: '' },
  );
  const members = fc.tuple(ctx.schedule ? fc.boolean() : fc.constant(false), filters).map(([silent, f]) => sp(silent ? 'silent' : '', 'members', f));
  const group: fc.Arbitrary<string>[] = [
    message(ctx).map((m) => sp('say', m)),
    fc.tuple(fc.constantFrom('group', 'everyone', 'admins'), message(ctx)).map(([to, m]) => sp('say', 'to', to, m)),
    fc.tuple(quoted, message(ctx)).map(([ch, m]) => sp('say', 'to', 'channel', ch, m)),
    message(ctx).map((m) => sp('notify', 'admins', m)),
    fc.tuple(members, message(ctx)).map(([who, m]) => sp('say', 'to', who, m)),
    fc.tuple(members, reason).map(([who, r]) => sp('remove', who, r)),
  ];
  if (!ctx.member) return fc.oneof(...group);
  const one: fc.Arbitrary<string>[] = [
    message(ctx).map((m) => sp('say', 'to', 'member', m)),
    fc.tuple(fc.boolean(), duration, reason).map(([f, d, r]) => sp('mute', 'member', f ? 'for' : '', d, r)),
    fc.tuple(duration, small, reason).map(([d, n, r]) => sp('mute', 'member', tight('min', '(', sp(d, '*', 'member.points'), ',' + S + `${n}d`, ')'), r)),
    fc.tuple(fc.constantFrom('award', 'deduct'), small, reason).map(([k, n, r]) => sp(k, 'member.points', '/', String(n), 'points', r)),
    reason.map((r) => sp('remove', 'member', r)),
    fc.tuple(fc.constantFrom('tag', 'untag'), tagName).map(([k, t]) => sp(k, 'member', t)),
    fc
      .tuple(fc.constantFrom('award', 'deduct'), fc.constantFrom('', '+', '-'), small, reason, fc.boolean())
      .map(([k, sign, n, r, u]) => sp(k, sign ? tight(sign, String(n)) : String(n), 'points', r, u ? 'unmultiplied' : '')),
  ];
  if (shape.ladders > 0) {
    one.push(fc.tuple(fc.option(message(ctx), { nil: '' }), fc.nat(shape.ladders - 1)).map(([m, i]) => sp('warn', 'member', m, 'on', 'ladder', `ladder${i}`)));
  }
  if (ctx.message) one.push(fc.constant(sp('delete', 'message')));
  return fc.oneof(...group, ...one);
}

/** An action block after a head: `: a; b`, `{ a \n b }`, or `{}`. */
function actionBlock(ctx: Ctx, minLength = 1): fc.Arbitrary<string> {
  return fc.tuple(fc.array(action(ctx), { minLength, maxLength: 4 }), fc.nat(2), fc.array(fc.boolean(), { maxLength: 4 })).map(([acts, form, semis]) => {
    if (acts.length > 0 && form === 0) return tight(':', acts.join(L + ';' + S));
    const seps = acts.map((_, i) => (semis[i] ? S + ';' + S : N));
    return tight('{', acts.map((a, i) => (i > 0 ? seps[i] : '') + a).join(''), '}');
  });
}

// ------------------------------------------------------------------ declarations

function calendar(oneTime: boolean): fc.Arbitrary<string> {
  const times = oneTime ? time : fc.array(time, { minLength: 1, maxLength: 2 }).map((ts) => ts.join(P + ',' + S));
  const days = fc.oneof(
    fc.constant('day'),
    fc.constantFrom('mon', 'fri', 'weekdays', 'weekend', '周六', 'sunday', tight('mon', '-', 'fri'), tight('fri', '-', 'mon'), tight('周一', '-', '周五')),
    fc.constantFrom(sp('week', 'on', 'mon'), sp('week', 'on', tight('mon', ',', 'wed'))),
    fc.subarray([1, 15, 28], { minLength: 1 }).map((ds) => sp('month', 'on', ds.join(P + ',' + S))),
  );
  return fc.tuple(days, fc.boolean(), times).map(([d, at, t]) => sp(d, at ? 'at' : '', t));
}

function rule(ctx: Ctx, name: string): fc.Arbitrary<string> {
  const { shape } = ctx;
  return fc.tuple(fc.subarray(events(shape), { minLength: 1, maxLength: 2 }), fc.boolean()).chain(([evs, withWhere]) => {
    const fields = evs.length === 1 ? EVENT_FIELDS[evs[0]!] : undefined;
    const ruleCtx: Ctx = { shape, member: true, rule: true, ...(fields ? { fields } : {}), message: evs.length === 1 && evs[0] === 'message.posted' };
    const on = fc
      .tuple(
        ...evs.map((e) =>
          withWhere && fields && Object.keys(fields).length
            ? fc.option(
                condition(ruleCtx).map((c) => sp(e, 'where', c)),
                { nil: e },
              )
            : fc.constant(e),
        ),
      )
      .map((ps) => sp('on', ps.join(P + ',' + S)));
    const doClause = fc.tuple(fc.array(action(ruleCtx), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean()).map(([acts, braces, semis]) => {
      const list = acts.join(semis ? S + ';' + S : N);
      return braces ? sp('do', tight('{', list, '}')) : sp('do', list);
    });
    const clauses = fc.tuple(
      fc.option(
        condition(ruleCtx).map((c) => sp('when', c)),
        { nil: '' },
      ),
      fc.array(
        condition(ruleCtx).map((c) => sp('unless', c)),
        { maxLength: 2 },
      ),
      fc.option(
        fc.integer({ min: -5, max: 20 }).map((n) => sp('priority', n < 0 ? tight('-', String(-n)) : String(n))),
        { nil: '' },
      ),
      fc.option(
        fc.constantFrom('member', 'community', 'group').map((w) => sp('once', 'per', w)),
        { nil: '' },
      ),
      doClause,
    );
    return fc.tuple(on, clauses).map(([o, [w, u, p, once, d]]) => block(sp('rule', name), [o, w, ...u, p, once, d]));
  });
}

/** `head { a N b N c }`, statements on their own lines. */
function block(head: string, body: string[]): string {
  const items = body.filter((b) => b !== '');
  return sp(head, '{') + (items.length ? N + items.join(N) + N : S) + '}';
}

function points(ctx: Ctx): fc.Arbitrary<string> {
  return fc.constantFrom(...events(ctx.shape)).chain((e) => {
    const fields = EVENT_FIELDS[e]!;
    const entryCtx: Ctx = { shape: ctx.shape, member: true, fields };
    return fc
      .tuple(
        Object.keys(fields).length ? fc.option(condition(entryCtx), { nil: '' }) : fc.constant(''),
        fc.constantFrom('', '+', '-'),
        small,
        fc.boolean(),
        fc.option(
          duration.map((d) => sp('cooldown', d)),
          { nil: '' },
        ),
        fc.array(
          fc.tuple(small, fc.boolean(), fc.constantFrom('day', 'week', 'month')).map(([n, pts, per]) => sp('cap', String(n), pts ? 'points' : '', 'per', per)),
          { maxLength: 2 },
        ),
        fc.option(
          quoted.map((q) => sp('reason', q)),
          { nil: '' },
        ),
      )
      .map(([where, sign, n, word, cooldown, caps, reason]) =>
        sp(tight(where ? sp(e, 'where', where) : e, ':'), sign ? tight(sign, String(n)) : String(n), word ? 'points' : '', cooldown, ...caps, reason),
      );
  });
}

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  roles: fc.subarray(['kol', 'volunteer', '讲师']),
  templates: fc.nat(2),
  segments: fc.nat(2),
  ladders: fc.nat(2),
  schedules: fc.array(fc.record({ until: fc.boolean() }), { maxLength: 2 }),
  campaign: fc.option(fc.record({ stages: fc.integer({ min: 1, max: 3 }) }), { nil: null }),
  levels: fc.subarray(['新人', '活跃', '核心', 'start']),
  quiz: fc.boolean(),
});

function items(shape: Shape): fc.Arbitrary<string>[] {
  const member: Ctx = { shape, member: true };
  const group: Ctx = { shape, member: false };
  const out: fc.Arbitrary<string>[] = [];
  out.push(
    fc.tuple(quoted, fc.boolean(), fc.boolean()).map(([name, locale, semi]) => {
      const entries = ['timezone' + S + '"Asia/Shanghai"', ...(locale ? ['locale' + S + '"zh-CN"'] : [])];
      return sp('playbook', name, tight('{', entries.join(semi ? P + ';' + S : N), '}'));
    }),
  );
  if (shape.roles.length) out.push(comma.map((c) => sp('roles', shape.roles.join(P + c + S))));
  if (shape.quiz) {
    out.push(
      fc
        .tuple(fc.constantFrom(',', ';', N), fc.boolean(), fc.constantFrom('string', 'text'))
        .map(([sep, after, str]) =>
          sp(
            'event',
            'quiz.answered',
            tight(
              '{',
              ['score: number', 'correct: boolean', after ? `topic: ${str}?` : `topic?: ${str}`, 'tags: string[]']
                .map((f) => f.replace(/ /g, S))
                .join(sep === N ? N : P + sep + S),
              '}',
            ),
          ),
        ),
    );
  }
  for (let i = 0; i < shape.templates; i++) {
    out.push(fc.tuple(fc.constantFrom('', ':', '='), quoted).map(([sep, q]) => sp('template', `tpl${i}`, sep, q)));
  }
  for (let i = 0; i < shape.segments; i++) {
    out.push(
      fc.tuple(fc.constantFrom('where', '=', ':'), condition({ shape, member: true, segmentsBefore: i })).map(([w, c]) => sp('segment', `seg${i}`, w, c)),
    );
  }
  for (let i = 0; i < shape.ladders; i++) {
    out.push(
      fc
        .tuple(fc.option(duration, { nil: '' }), fc.array(actionBlock({ shape, member: true }), { minLength: 1, maxLength: 3 }))
        .map(([exp, steps]) => block(sp('ladder', `ladder${i}`), [exp ? sp('expire', exp) : '', ...steps.map((s, j) => sp(String(j + 1), s))])),
    );
  }
  out.push(
    fc
      .tuple(
        fc.array(action(member), { maxLength: 2 }),
        fc.array(fc.tuple(fc.option(quoted, { nil: '' }), condition({ shape, member: true, fields: EVENT_FIELDS['message.posted']! })), {
          minLength: 1,
          maxLength: 2,
        }),
        fc.option(actionBlock(member), { nil: '' }),
        fc.option(actionBlock(member), { nil: '' }),
        fc.option(actionBlock(member), { nil: '' }),
      )
      .map(([start, steps, remind, deadline, done]) =>
        block(sp('ritual', 'onboarding'), [
          sp('starts', 'on', 'member.joined'),
          ...start,
          ...steps.map(([label, c], j) => sp('step', `step${j}`, tight(label, ':'), 'message.posted', 'where', c)),
          remind ? sp('remind', 'after', '12h', remind) : '',
          deadline ? sp('deadline', '24h', deadline) : '',
          sp('cancel', 'on', 'member.left'),
          done ? sp('done', done) : '',
        ]),
      ),
  );
  out.push(rule(member, 'rule0'), rule(member, 'rule1'));
  out.push(fc.array(points(member), { minLength: 1, maxLength: 3 }).map((es) => block('points', es)));
  if (shape.levels.length) {
    out.push(
      fc
        .tuple(fc.constantFrom(';', ',', N), fc.boolean())
        .map(([sep, word]) =>
          sp(
            'levels',
            tight('{', shape.levels.map((l, i) => sp(l, 'at', String(i * 25), word && i % 2 ? 'points' : '')).join(sep === N ? N : P + sep + S), '}'),
          ),
        ),
    );
  }
  out.push(
    fc
      .tuple(
        fc.oneof(
          condition(member).map((c) => sp('when', c)),
          fc.integer({ min: 1, max: 30 }).map((n) => sp('streak', String(n), 'days', 'of', 'checkin.done')),
        ),
        fc.option(actionBlock(member), { nil: '' }),
      )
      .map(([w, a]) => sp('badge', '话痨', w, a)),
  );
  out.push(
    fc
      .tuple(fc.constantFrom('', 'weekly', 'monthly', 'daily', 'all', 'alltime'), small, calendar(false), actionBlock(group))
      .map(([period, n, cal, a]) => sp('leaderboard', 'board0', period, 'top', String(n), 'by', 'points', 'every', cal, a)),
  );
  out.push(
    fc
      .array(
        fc.tuple(
          fc.constantFrom('newcomer', 'active', 'dormant', '活跃', 'start'),
          fc.constantFrom('newcomer', 'active', 'dormant', '活跃', 'done'),
          fc.constantFrom('->', '→'),
          fc.oneof(
            fc.constantFrom(...events(shape)).map((e) => sp('on', e)),
            condition(member).map((c) => sp('when', c)),
            fc.tuple(duration, fc.option(fc.constantFrom(...events(shape)), { nil: '' })).map(([d, e]) => sp('after', d, e ? sp('without', e) : '')),
          ),
          fc.option(
            fc.array(action(member), { maxLength: 3 }).map((acts) => tight('{', acts.join(N), '}')),
            { nil: '' },
          ),
        ),
        { minLength: 1, maxLength: 4 },
      )
      .chain((ts) =>
        fc
          .boolean()
          .map((withInitial) =>
            block(sp('lifecycle', 'member'), [
              withInitial ? sp('initial', ts[0]![0]) : '',
              ...ts.map(([a, b, arrow, trig, acts]) => sp(a, arrow, b, trig, acts)),
            ]),
          ),
      ),
  );
  shape.schedules.forEach((sc, i) => {
    const ctx: Ctx = { shape, member: false, schedule: true };
    const hook = fc
      .tuple(sc.until ? fc.constantFrom('start', 'end') : fc.constant('start'), fc.option(duration, { nil: '' }), actionBlock(ctx))
      .map(([at, off, a]) => sp('at', at, off ? sp(at === 'start' ? '+' : '-', off) : '', a));
    out.push(
      fc
        .tuple(
          calendar(sc.until),
          fc.option(fc.tuple(fc.boolean(), fc.constantFrom('checkin.done', 'message.posted')), { nil: null }),
          fc.array(hook, { maxLength: 3 }),
        )
        .map(([cal, att, hooks]) =>
          block(sp('schedule', `sc${i}`, 'every', cal, sc.until ? sp('until', '22:00') : '', att ? sp('attendance', att[0] ? 'by' : '', att[1]) : ''), hooks),
        ),
    );
  });
  out.push(fc.tuple(fc.option(fc.constant(sp('job', 'job0')), { nil: '' }), calendar(false), actionBlock(group)).map(([j, cal, a]) => sp(j, 'every', cal, a)));
  out.push(fc.tuple(calendar(false), actionBlock(group)).map(([cal, a]) => sp('every', cal, a)));
  if (shape.campaign) {
    const stages = Array.from({ length: shape.campaign.stages }, (_, i) => {
      const from = `2026-0${i + 2}-01`;
      const to = `2026-0${i + 2}-20`;
      const last = i === shape.campaign!.stages - 1;
      const stageItem = fc.oneof(
        fc.constantFrom('points x2', 'points ×2', sp('points', '*', '1.5')),
        fc
          .tuple(fc.constantFrom('enter', 'exit'), fc.boolean(), actionBlock(group))
          .map(([w, bare, a]) => (bare && a.startsWith(':') ? sp('on', w, a.slice(1)) : sp('on', w, a))),
        points(member),
        rule(member, `stage_rule${i}`),
      );
      return fc.tuple(fc.boolean(), fc.array(stageItem, { maxLength: 3 })).map(([open, body]) => {
        const head = sp('stage', `s${i}`, 'from', from, last && open ? '' : sp('to', to));
        // At most one multiplier and one rule per stage (a second would redefine the first). The
        // multiplier comes first: after an entry like `order.paid: +5`, the grammar reads the
        // `points` of `points x2` as the entry's optional word.
        const firstOf = (prefix: string) => body.filter((b) => b.startsWith(prefix)).slice(0, 1);
        const unique = [...firstOf('points'), ...body.filter((b) => !b.startsWith('points') && !b.startsWith('rule')), ...firstOf('rule')];
        return unique.length ? block(head, unique) : head;
      });
    });
    const goal = fc
      .tuple(fc.constantFrom(...events(shape)), small, fc.option(actionBlock(group), { nil: '' }))
      .map(([e, n, a]) => sp('goal', 'g0', 'when', tight('count', '(', e, ')'), '>=', String(n), a));
    out.push(fc.tuple(fc.tuple(...stages), fc.option(goal, { nil: '' })).map(([ss, g]) => block(sp('campaign', 'c0'), [...ss, g])));
  }
  return out;
}

/** A valid playbook template (with gap markers); fill it with fillGaps. */
export const playbookTemplateArb: fc.Arbitrary<string> = shapeArb.chain((shape) =>
  fc.tuple(...items(shape)).chain((parts) =>
    fc.tuple(fc.shuffledSubarray(parts.slice(1), { minLength: parts.length - 1 }), fc.array(fc.boolean(), { maxLength: 20 })).map(([rest, semis]) => {
      // Keep declarations that others refer to in a stable order is not needed: the language
      // resolves names across the whole file. The header goes first, by convention.
      const all = [parts[0]!, ...rest];
      return all.map((p, i) => (i > 0 ? (semis[i] ? S + ';' + N : N) : '') + p).join('') + N;
    }),
  ),
);
