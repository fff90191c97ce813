import { EmbeddedActionsParser, EOF, type IToken, type TokenType } from 'chevrotain';
import type * as A from './ast.js';
import { D, type DiagnosticMessage } from './diagnostic-codes.js';
import {
  allTokens,
  Arrow,
  Colon,
  Comma,
  DateLiteral,
  Dot,
  DurationLiteral,
  EqEq,
  Greater,
  GreaterEq,
  Identifier,
  Kw,
  LBrace,
  LBracket,
  Less,
  LessEq,
  LParen,
  Minus,
  Name,
  NotEq,
  NumberLiteral,
  Plus,
  Question,
  RBrace,
  RBracket,
  RegexLiteral,
  RParen,
  Semicolon,
  Star,
  StringLiteral,
  TimeLiteral,
} from './lexer.js';
import { table } from '../stdlib/dict.js';
import { parseDurationText } from '../stdlib/durations.js';
import { unescapeString } from './strings.js';

/** A problem found while building the tree from tokens (not a syntax error of chevrotain's). */
export interface ShapeProblem {
  diagnostic: DiagnosticMessage;
  span: A.Span;
  hint?: string;
}

/** Weekday words and groups: looked up with words from the playbook, so tables (src/stdlib/dict.ts). */
const WEEKDAYS = table<number>({
  mon: 1, monday: 1, tue: 2, tuesday: 2, wed: 3, wednesday: 3, thu: 4, thursday: 4,
  fri: 5, friday: 5, sat: 6, saturday: 6, sun: 7, sunday: 7,
  周一: 1, 周二: 2, 周三: 3, 周四: 4, 周五: 5, 周六: 6, 周日: 7, 周天: 7,
});

const WEEKDAY_GROUPS = table<readonly number[]>({
  weekday: [1, 2, 3, 4, 5], weekdays: [1, 2, 3, 4, 5], weekend: [6, 7], weekends: [6, 7],
  工作日: [1, 2, 3, 4, 5], 周末: [6, 7],
});

const PERIOD_WORDS = table<A.LeaderboardDecl['period']>({
  daily: 'daily', weekly: 'weekly', monthly: 'monthly', all: 'all', alltime: 'all', overall: 'all',
});

function emptyPlaybook(): A.Playbook {
  return {
    roles: [], events: [], templates: [], segments: [], rituals: [], rules: [], ladders: [],
    points: [], levels: [], badges: [], leaderboards: [], lifecycles: [], schedules: [], jobs: [],
    campaigns: [], comments: [],
  };
}

/**
 * The grammar, written with chevrotain's embedded actions so each rule returns its AST node.
 * Error recovery is on: a rule that fails returns `undefined`, so every consumer filters
 * undefined children instead of trusting them.
 */
export class PlaybookParser extends EmbeddedActionsParser {
  problems: ShapeProblem[] = [];

  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 4, skipValidations: false });
    this.performSelfAnalysis();
  }

  private span(first: IToken, last?: IToken): A.Span {
    const end = last ?? first;
    return {
      start: first.startOffset,
      end: Number.isFinite(end.endOffset) ? (end.endOffset ?? end.startOffset) + 1 : first.startOffset + 1,
      line: Number.isFinite(first.startLine) ? first.startLine! : 1,
      column: Number.isFinite(first.startColumn) ? first.startColumn! : 1,
    };
  }

  private spanFrom(first: IToken): A.Span {
    return this.span(first, this.LA(0));
  }

  private ident(tok: IToken): A.Ident {
    return { name: tok.image, span: this.span(tok) };
  }

  private problem(diagnostic: DiagnosticMessage, span: A.Span, hint?: string): void {
    this.problems.push(hint ? { diagnostic, span, hint } : { diagnostic, span });
  }

  private str(tok: IToken): A.StringLit {
    if (tok.isInsertedInRecovery || tok.image === '') return { value: '', span: this.span(tok) };
    return { value: unescapeString(tok.image), span: this.span(tok) };
  }

  private num(tok: IToken): number {
    const n = Number(tok.image);
    return Number.isFinite(n) ? n : 0;
  }

  private duration(tok: IToken): A.Duration {
    const ms = tok.isInsertedInRecovery ? 0 : parseDurationText(tok.image);
    return { ms: ms ?? 0, text: tok.image, span: this.span(tok) };
  }

  private nextOnSameLine(): boolean {
    const prev = this.LA(0);
    const next = this.LA(1);
    if (prev.tokenType === Semicolon) return true;
    return next.tokenType !== EOF && next.startLine === prev.endLine;
  }

  // ------------------------------------------------------------------ top level

  /** The playbook being built, so a failure at the very end still returns what was parsed. */
  private partial: A.Playbook | undefined;

  public playbook = this.RULE('playbook', (): A.Playbook => {
    const pb = emptyPlaybook();
    this.partial = pb;
    this.MANY(() => {
      this.OR([
        { ALT: () => { const h = this.SUBRULE(this.header); if (h) pb.header = h; } },
        { ALT: () => { pushAll(pb.roles, this.SUBRULE(this.roles)); } },
        { ALT: () => push(pb.events, this.SUBRULE(this.eventDecl)) },
        { ALT: () => push(pb.templates, this.SUBRULE(this.templateDecl)) },
        { ALT: () => push(pb.segments, this.SUBRULE(this.segmentDecl)) },
        { ALT: () => push(pb.rituals, this.SUBRULE(this.ritual)) },
        { ALT: () => push(pb.rules, this.SUBRULE(this.rule)) },
        { ALT: () => push(pb.ladders, this.SUBRULE(this.ladder)) },
        { ALT: () => { pushAll(pb.points, this.SUBRULE(this.pointsBlock)); } },
        { ALT: () => { pushAll(pb.levels, this.SUBRULE(this.levelsBlock)); } },
        { ALT: () => push(pb.badges, this.SUBRULE(this.badge)) },
        { ALT: () => push(pb.leaderboards, this.SUBRULE(this.leaderboard)) },
        { ALT: () => push(pb.lifecycles, this.SUBRULE(this.lifecycle)) },
        { ALT: () => push(pb.schedules, this.SUBRULE(this.schedule)) },
        { ALT: () => push(pb.jobs, this.SUBRULE(this.job)) },
        { ALT: () => push(pb.campaigns, this.SUBRULE(this.campaign)) },
        { ALT: () => { this.CONSUME(Semicolon); } },
      ]);
    });
    return pb;
  }, { recoveryValueFunc: () => this.partial ?? emptyPlaybook() });

  private header = this.RULE('header', (): A.Header | undefined => {
    const kw = this.CONSUME(Kw.playbook);
    const name = this.str(this.CONSUME(StringLiteral));
    const h: A.Header = { name, span: this.span(kw) };
    this.OPTION(() => {
      this.CONSUME(LBrace);
      this.MANY(() => {
        this.OR([
          { ALT: () => { this.CONSUME(Kw.timezone); h.timezone = this.str(this.CONSUME2(StringLiteral)); } },
          { ALT: () => { this.CONSUME(Kw.locale); h.locale = this.str(this.CONSUME3(StringLiteral)); } },
          { ALT: () => { this.CONSUME(Kw.description); h.description = this.str(this.CONSUME4(StringLiteral)); } },
          { ALT: () => { this.CONSUME(Semicolon); } },
        ]);
      });
      this.CONSUME(RBrace);
    });
    h.span = this.spanFrom(kw);
    return h;
  });

  private roles = this.RULE('roles', (): A.Ident[] => {
    this.CONSUME(Kw.roles);
    const out: A.Ident[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => { out.push(this.ident(this.CONSUME(Name))); } });
    return out;
  });

  /** `message.posted`: names joined by dots, as one identifier. */
  private dottedName = this.RULE('dottedName', (): A.Ident => {
    const first = this.CONSUME(Name);
    let name = first.image;
    this.MANY(() => {
      this.CONSUME(Dot);
      name += '.' + this.CONSUME2(Name).image;
    });
    return { name, span: this.spanFrom(first) };
  });

  private eventDecl = this.RULE('eventDecl', (): A.EventDecl => {
    const kw = this.CONSUME(Kw.event);
    const name = this.SUBRULE(this.dottedName);
    const fields: A.FieldDecl[] = [];
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => push(fields, this.SUBRULE(this.fieldDecl)) },
        { ALT: () => { this.CONSUME(Comma); } },
        { ALT: () => { this.CONSUME(Semicolon); } },
      ]);
    });
    this.CONSUME(RBrace);
    return { name, fields, span: this.spanFrom(kw) };
  });

  private fieldDecl = this.RULE('fieldDecl', (): A.FieldDecl => {
    const name = this.ident(this.CONSUME(Name));
    let optional = false;
    this.OPTION(() => { this.CONSUME(Question); optional = true; });
    this.CONSUME(Colon);
    const typeTok = this.CONSUME2(Name);
    let list = false;
    this.OPTION2(() => { this.CONSUME(LBracket); this.CONSUME(RBracket); list = true; });
    this.OPTION3(() => { this.CONSUME2(Question); optional = true; });
    const typeSpan = this.spanFrom(typeTok);
    let type: A.FieldType = 'string';
    const t = typeTok.image;
    if (list && (t === 'string' || t === 'text')) type = 'string[]';
    else if (!list && (t === 'number' || t === 'string' || t === 'boolean')) type = t;
    else if (!list && t === 'text') type = 'string';
    else if (!typeTok.isInsertedInRecovery) {
      this.problem(D.E0107.unknownFieldType(`${t}${list ? '[]' : ''}`), typeSpan,
        'field types are number, string, boolean and string[]');
    }
    return { name, type, typeSpan, optional };
  });

  private templateDecl = this.RULE('templateDecl', (): A.TemplateDecl => {
    this.CONSUME(Kw.template);
    const name = this.ident(this.CONSUME(Name));
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(Colon) }, { ALT: () => this.CONSUME(EqEq) }]));
    const text = this.str(this.CONSUME(StringLiteral));
    return { name, text };
  });

  private segmentDecl = this.RULE('segmentDecl', (): A.SegmentDecl => {
    const kw = this.CONSUME(Kw.segment);
    const name = this.ident(this.CONSUME(Name));
    this.OR([{ ALT: () => this.CONSUME(Kw.where) }, { ALT: () => this.CONSUME(EqEq) }, { ALT: () => this.CONSUME(Colon) }]);
    const where = this.SUBRULE(this.condition);
    return { name, where, span: this.spanFrom(kw) };
  });

  private eventPattern = this.RULE('eventPattern', (): A.EventPattern => {
    const event = this.SUBRULE(this.dottedName);
    const p: A.EventPattern = { event };
    this.OPTION(() => {
      this.CONSUME(Kw.where);
      const w = this.SUBRULE(this.condition);
      if (w) p.where = w;
    });
    return p;
  });

  // ------------------------------------------------------------------ rituals

  private ritual = this.RULE('ritual', (): A.RitualDecl => {
    const kw = this.CONSUME(Kw.ritual);
    const name = this.ident(this.CONSUME(Name));
    const r: A.RitualDecl = {
      name, onStart: [], steps: [], reminders: [], cancelOn: [], done: [], span: this.span(kw),
    };
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const k = this.CONSUME(Kw.starts);
            this.CONSUME(Kw.on);
            const p = this.SUBRULE(this.eventPattern);
            if (r.startsOn && p) this.problem(D.E0109.startsOnTwice(name.name), this.spanFrom(k));
            if (p) r.startsOn = p;
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.step);
            const stepName = this.ident(this.CONSUME2(Name));
            let label: A.StringLit | undefined;
            this.OPTION(() => { label = this.str(this.CONSUME(StringLiteral)); });
            this.CONSUME(Colon);
            const on = this.SUBRULE2(this.eventPattern);
            if (on) r.steps.push(label ? { name: stepName, label, on } : { name: stepName, on });
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(Kw.remind);
            this.CONSUME(Kw.after);
            const after = this.duration(this.CONSUME(DurationLiteral));
            const actions = this.SUBRULE(this.actionBlock);
            r.reminders.push({ after, actions: actions ?? [], span: this.span(k) });
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(Kw.deadline);
            const after = this.duration(this.CONSUME2(DurationLiteral));
            const actions = this.SUBRULE2(this.actionBlock);
            if (r.deadline) this.problem(D.E0109.deadlineTwice(name.name), this.span(k));
            r.deadline = { after, actions: actions ?? [], span: this.span(k) };
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.cancel);
            this.CONSUME2(Kw.on);
            push(r.cancelOn, this.SUBRULE3(this.eventPattern));
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.done);
            pushAll(r.done, this.SUBRULE3(this.actionBlock));
          },
        },
        { ALT: () => push(r.onStart, this.SUBRULE(this.action)) },
        { ALT: () => { this.CONSUME(Semicolon); } },
      ]);
    });
    this.CONSUME(RBrace);
    r.span = this.spanFrom(kw);
    return r;
  });

  /**
   * Actions after `:` run to the end of the line (or on through `;`); actions in braces may span
   * lines. This keeps `remind after 12h: say ...` from swallowing the statement on the next line.
   */
  private actionBlock = this.RULE('actionBlock', (): A.Action[] => {
    let out: A.Action[] = [];
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LBrace);
          out = this.SUBRULE(this.actionList) ?? [];
          this.CONSUME(RBrace);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Colon);
          // Either a braced list or line actions, never both: `: { a }` followed by an action
          // on the next line must not replace the braced list.
          this.OPTION(() => {
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME2(LBrace);
                  out = this.SUBRULE2(this.actionList) ?? [];
                  this.CONSUME2(RBrace);
                },
              },
              { ALT: () => { out = this.SUBRULE(this.lineActions) ?? []; } },
            ]);
          });
        },
      },
    ]);
    return out;
  });

  private lineActions = this.RULE('lineActions', (): A.Action[] => {
    const out: A.Action[] = [];
    push(out, this.SUBRULE(this.action));
    this.MANY({
      GATE: () => this.nextOnSameLine(),
      DEF: () => {
        this.OR([
          { ALT: () => { this.CONSUME(Semicolon); } },
          { ALT: () => push(out, this.SUBRULE2(this.action)) },
        ]);
      },
    });
    return out;
  });

  private actionList = this.RULE('actionList', (): A.Action[] => {
    const out: A.Action[] = [];
    this.MANY(() => {
      this.OR([
        { ALT: () => { this.CONSUME(Semicolon); } },
        { ALT: () => push(out, this.SUBRULE(this.action)) },
      ]);
    });
    return out;
  });

  // ------------------------------------------------------------------ rules and ladders

  public rule = this.RULE('rule', (): A.RuleDecl => {
    const kw = this.CONSUME(Kw.rule);
    const name = this.ident(this.CONSUME(Name));
    const r: A.RuleDecl = { name, on: [], unless: [], actions: [], span: this.span(kw) };
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Kw.on);
            this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => push(r.on, this.SUBRULE(this.eventPattern)) });
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(Kw.when);
            const c = this.SUBRULE(this.condition);
            if (r.when && c) this.problem(D.E0109.whenTwice(name.name), this.span(k), 'join the conditions with `and`');
            if (c) r.when = c;
          },
        },
        { ALT: () => { this.CONSUME(Kw.unless); push(r.unless, this.SUBRULE2(this.condition)); } },
        {
          ALT: () => {
            const k = this.CONSUME(Kw.priority);
            let sign = 1;
            this.OPTION(() => { this.CONSUME(Minus); sign = -1; });
            const n = this.CONSUME(NumberLiteral);
            r.priority = { value: sign * this.num(n), span: this.spanFrom(k) };
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.once);
            this.CONSUME(Kw.per);
            const who = this.CONSUME2(Name);
            if (who.image === 'member') r.once = 'member';
            else if (who.image === 'community' || who.image === 'group') r.once = 'community';
            else this.problem(D.E0108.oncePer(who.image), this.span(who));
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.do);
            this.OR2([
              { ALT: () => { this.CONSUME2(LBrace); pushAll(r.actions, this.SUBRULE(this.actionList)); this.CONSUME2(RBrace); } },
              { ALT: () => { pushAll(r.actions, this.SUBRULE2(this.actionList)); } },
            ]);
          },
        },
        { ALT: () => { this.CONSUME2(Semicolon); } },
      ]);
    });
    this.CONSUME(RBrace);
    r.span = this.spanFrom(kw);
    return r;
  });

  private ladder = this.RULE('ladder', (): A.LadderDecl => {
    const kw = this.CONSUME(Kw.ladder);
    const name = this.ident(this.CONSUME(Name));
    const l: A.LadderDecl = { name, steps: [], span: this.span(kw) };
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => { this.CONSUME(Kw.expire); l.expire = this.duration(this.CONSUME(DurationLiteral)); } },
        {
          ALT: () => {
            const n = this.CONSUME(NumberLiteral);
            const actions = this.SUBRULE(this.actionBlock);
            l.steps.push({ n: this.num(n), span: this.span(n), actions: actions ?? [] });
          },
        },
        { ALT: () => { this.CONSUME(Semicolon); } },
      ]);
    });
    this.CONSUME(RBrace);
    l.span = this.spanFrom(kw);
    return l;
  });

  // ------------------------------------------------------------------ points, levels, badges

  private pointsBlock = this.RULE('pointsBlock', (): A.PointsEntry[] => {
    this.CONSUME(Kw.points);
    const out: A.PointsEntry[] = [];
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => push(out, this.SUBRULE(this.pointsEntry)) },
        { ALT: () => { this.CONSUME(Semicolon); } },
        { ALT: () => { this.CONSUME(Comma); } },
      ]);
    });
    this.CONSUME(RBrace);
    return out;
  });

  private pointsEntry = this.RULE('pointsEntry', (): A.PointsEntry => {
    const first = this.LA(1);
    const on = this.SUBRULE(this.eventPattern);
    this.CONSUME(Colon);
    let sign = 1;
    this.OPTION(() => this.OR([
      { ALT: () => { this.CONSUME(Plus); } },
      { ALT: () => { this.CONSUME(Minus); sign = -1; } },
    ]));
    const amount = sign * this.num(this.CONSUME(NumberLiteral));
    this.OPTION2(() => this.CONSUME(Kw.points));
    const e: A.PointsEntry = { on, amount, caps: [], span: this.span(first) };
    this.MANY(() => {
      this.OR2([
        { ALT: () => { this.CONSUME(Kw.cooldown); e.cooldown = this.duration(this.CONSUME(DurationLiteral)); } },
        {
          ALT: () => {
            const k = this.CONSUME(Kw.cap);
            const limit = this.num(this.CONSUME2(NumberLiteral));
            let unit: 'awards' | 'points' = 'awards';
            this.OPTION3(() => { this.CONSUME2(Kw.points); unit = 'points'; });
            this.CONSUME(Kw.per);
            const p = this.CONSUME(Name);
            const per = ({ day: 'day', week: 'week', month: 'month' } as const)[p.image as 'day'];
            if (!per) {
              if (!p.isInsertedInRecovery) this.problem(D.E0108.capPeriod(p.image), this.span(p));
            } else e.caps.push({ limit, per, unit, span: this.spanFrom(k) });
          },
        },
        { ALT: () => { this.CONSUME(Kw.reason); e.reason = this.str(this.CONSUME(StringLiteral)); } },
      ]);
    });
    e.span = this.spanFrom(first);
    return e;
  });

  private levelsBlock = this.RULE('levelsBlock', (): A.LevelDecl[] => {
    this.CONSUME(Kw.levels);
    const out: A.LevelDecl[] = [];
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const n = this.CONSUME(Name);
            this.CONSUME(Kw.at);
            const v = this.num(this.CONSUME(NumberLiteral));
            this.OPTION(() => this.CONSUME(Kw.points));
            out.push({ name: this.ident(n), at: v, span: this.spanFrom(n) });
          },
        },
        { ALT: () => { this.CONSUME(Semicolon); } },
        { ALT: () => { this.CONSUME(Comma); } },
      ]);
    });
    this.CONSUME(RBrace);
    return out;
  });

  private badge = this.RULE('badge', (): A.BadgeDecl => {
    const kw = this.CONSUME(Kw.badge);
    const name = this.ident(this.CONSUME(Name));
    const b: A.BadgeDecl = { name, actions: [], span: this.span(kw) };
    this.OR([
      { ALT: () => { this.CONSUME(Kw.when); const c = this.SUBRULE(this.condition); if (c) b.when = c; } },
      {
        ALT: () => {
          const k = this.CONSUME(Kw.streak);
          const days = this.num(this.CONSUME(NumberLiteral));
          this.CONSUME(Kw.days);
          this.CONSUME(Kw.of);
          const event = this.SUBRULE(this.dottedName);
          b.streak = { days, event, span: this.spanFrom(k) };
        },
      },
    ]);
    this.OPTION(() => { b.actions = this.SUBRULE(this.actionBlock) ?? []; });
    b.span = this.spanFrom(kw);
    return b;
  });

  private leaderboard = this.RULE('leaderboard', (): A.LeaderboardDecl => {
    const kw = this.CONSUME(Kw.leaderboard);
    const words: IToken[] = [];
    this.MANY({ GATE: () => this.LA(1).tokenType !== Kw.top, DEF: () => { words.push(this.CONSUME(Name)); } });
    this.CONSUME(Kw.top);
    const top = this.num(this.CONSUME(NumberLiteral));
    this.CONSUME(Kw.by);
    this.CONSUME(Kw.points);
    this.CONSUME(Kw.every);
    const every = this.SUBRULE(this.calendar);
    const actions = this.SUBRULE(this.actionBlock) ?? [];
    let period: A.LeaderboardDecl['period'] = 'all';
    let name: A.Ident = { name: 'leaderboard', span: this.span(kw) };
    const last = words[words.length - 1];
    if (last && PERIOD_WORDS[last.image]) period = PERIOD_WORDS[last.image]!;
    if (words[0]) name = this.ident(words[0]);
    if (words.length > 2 || (words.length === 2 && !PERIOD_WORDS[words[1]!.image])) {
      this.problem(D.E0108.leaderboardPeriod(words[1]!.image), this.span(words[1]!));
    }
    return { name, period, top, every, actions, span: this.spanFrom(kw) };
  });

  // ------------------------------------------------------------------ lifecycles

  private lifecycle = this.RULE('lifecycle', (): A.LifecycleDecl => {
    const kw = this.CONSUME(Kw.lifecycle);
    const name = this.ident(this.CONSUME(Name));
    const lc: A.LifecycleDecl = { name, transitions: [], span: this.span(kw) };
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => { this.CONSUME(Kw.initial); lc.initial = this.ident(this.CONSUME2(Name)); } },
        { ALT: () => push(lc.transitions, this.SUBRULE(this.transition)) },
        { ALT: () => { this.CONSUME(Semicolon); } },
      ]);
    });
    this.CONSUME(RBrace);
    lc.span = this.spanFrom(kw);
    return lc;
  });

  private transition = this.RULE('transition', (): A.LifecycleTransition | undefined => {
    const fromTok = this.CONSUME(Name);
    this.CONSUME(Arrow);
    const to = this.ident(this.CONSUME2(Name));
    let trigger: A.TransitionTrigger | undefined;
    this.OR([
      { ALT: () => { this.CONSUME(Kw.on); const on = this.SUBRULE(this.eventPattern); if (on) trigger = { kind: 'on', on }; } },
      { ALT: () => { this.CONSUME(Kw.when); const w = this.SUBRULE(this.condition); if (w) trigger = { kind: 'when', when: w }; } },
      {
        ALT: () => {
          this.CONSUME(Kw.after);
          const after = this.duration(this.CONSUME(DurationLiteral));
          let without: A.Ident | undefined;
          this.OPTION(() => { this.CONSUME(Kw.without); without = this.SUBRULE(this.dottedName); });
          trigger = without ? { kind: 'after', after, without } : { kind: 'after', after };
        },
      },
    ]);
    let actions: A.Action[] = [];
    this.OPTION2(() => {
      this.CONSUME(LBrace);
      actions = this.SUBRULE(this.actionList) ?? [];
      this.CONSUME(RBrace);
    });
    if (!trigger) return undefined;
    return { from: this.ident(fromTok), to, trigger, actions, span: this.spanFrom(fromTok) };
  });

  // ------------------------------------------------------------------ calendars

  /**
   * `mon-fri 19:20`, `day at 09:00`, `week on mon at 9:00`, `month on 1, 15 at 10:00`.
   * Weekday words are plain names checked here, so `mon` stays usable as a name elsewhere.
   */
  private calendar = this.RULE('calendar', (): A.Calendar => {
    const first = this.LA(1);
    const cal: A.Calendar = { kind: 'daily', weekdays: [], monthDays: [], times: [], span: this.span(first) };
    this.OR([
      {
        GATE: () => this.LA(1).image === 'month',
        ALT: () => {
          this.CONSUME(Name);
          cal.kind = 'monthly';
          this.CONSUME(Kw.on);
          this.AT_LEAST_ONE_SEP({
            SEP: Comma,
            DEF: () => {
              const d = this.CONSUME(NumberLiteral);
              const n = this.num(d);
              if (!d.isInsertedInRecovery && (!Number.isInteger(n) || n < 1 || n > 31)) {
                this.problem(D.E0305.dayOfMonth(d.image), this.span(d));
              }
              cal.monthDays.push(n);
            },
          });
        },
      },
      {
        GATE: () => this.LA(1).image === 'week',
        ALT: () => {
          this.CONSUME2(Name);
          cal.kind = 'weekly';
          this.CONSUME2(Kw.on);
          cal.weekdays = this.SUBRULE(this.weekdays) ?? [];
        },
      },
      {
        GATE: () => this.LA(1).image === 'day',
        ALT: () => { this.CONSUME3(Name); cal.kind = 'daily'; },
      },
      {
        ALT: () => {
          cal.kind = 'weekly';
          cal.weekdays = this.SUBRULE2(this.weekdays) ?? [];
        },
      },
    ]);
    this.OPTION(() => this.CONSUME(Kw.at));
    this.AT_LEAST_ONE_SEP2({
      SEP: Comma,
      DEF: () => {
        const t = this.CONSUME(TimeLiteral);
        const m = this.timeMinutes(t);
        if (m !== undefined) cal.times.push(m);
      },
    });
    cal.span = this.spanFrom(first);
    return cal;
  });

  private timeMinutes(t: IToken): number | undefined {
    if (t.isInsertedInRecovery) return undefined;
    const parts = t.image.split(':').map(Number);
    if (parts.length > 2) {
      this.problem(D.E0304.withSeconds(t.image), this.span(t));
      return undefined;
    }
    const [h, m] = parts as [number, number];
    if (h > 23 || m > 59) {
      this.problem(D.E0304.notATime(t.image), this.span(t), 'times are HH:MM from 00:00 to 23:59');
      return undefined;
    }
    return h * 60 + m;
  }

  private weekdays = this.RULE('weekdays', (): number[] => {
    const out = new Set<number>();
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const a = this.CONSUME(Name);
        let b: IToken | undefined;
        this.OPTION(() => { this.CONSUME(Minus); b = this.CONSUME2(Name); });
        if (a.isInsertedInRecovery) return;
        const group = b ? undefined : WEEKDAY_GROUPS[a.image];
        if (group) { group.forEach((d) => out.add(d)); return; }
        const from = WEEKDAYS[a.image.toLowerCase()];
        if (!from) {
          this.problem(D.E0308.notAWeekday(a.image), this.span(a), 'use mon, tue, wed, thu, fri, sat, sun, a range like mon-fri, or weekdays/weekend');
          return;
        }
        if (!b) { out.add(from); return; }
        const to = WEEKDAYS[b.image.toLowerCase()];
        if (!to) {
          if (!b.isInsertedInRecovery) this.problem(D.E0308.notAWeekday(b.image), this.span(b), 'use mon, tue, wed, thu, fri, sat or sun');
          return;
        }
        for (let d = from; ; d = (d % 7) + 1) { out.add(d); if (d === to) break; }
      },
    });
    return [...out].sort((x, y) => x - y);
  });

  // ------------------------------------------------------------------ schedules and jobs

  private schedule = this.RULE('schedule', (): A.ScheduleDecl => {
    const kw = this.CONSUME(Kw.schedule);
    const name = this.ident(this.CONSUME(Name));
    this.CONSUME(Kw.every);
    const every = this.SUBRULE(this.calendar);
    const s: A.ScheduleDecl = { name, every, hooks: [], span: this.span(kw) };
    this.OPTION(() => {
      this.CONSUME(Kw.until);
      const t = this.CONSUME(TimeLiteral);
      const end = this.timeMinutes(t);
      const start = every?.times?.[0];
      if (end !== undefined && start !== undefined) {
        s.untilMinutes = end > start ? end - start : end + 24 * 60 - start;
      }
      if (every?.times && every.times.length > 1) this.problem(D.E0306.severalStarts(), this.span(t), 'give one start time, or use separate schedules');
    });
    this.OPTION2(() => {
      this.CONSUME(Kw.attendance);
      this.OPTION3(() => this.CONSUME(Kw.by));
      s.attendance = this.SUBRULE(this.dottedName);
    });
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const k = this.CONSUME(Kw.at);
            let anchor: 'start' | 'end' = 'start';
            this.OR2([
              { ALT: () => { this.CONSUME(Kw.start); } },
              { ALT: () => { this.CONSUME(Kw.end); anchor = 'end'; } },
            ]);
            let offsetMs = 0;
            this.OPTION4(() => {
              let sign = 1;
              this.OR3([
                { ALT: () => { this.CONSUME(Plus); } },
                { ALT: () => { this.CONSUME(Minus); sign = -1; } },
              ]);
              offsetMs = sign * this.duration(this.CONSUME(DurationLiteral)).ms;
            });
            const actions = this.SUBRULE(this.actionBlock) ?? [];
            s.hooks.push({ anchor, offsetMs, actions, span: this.spanFrom(k) });
          },
        },
        { ALT: () => { this.CONSUME(Semicolon); } },
      ]);
    });
    this.CONSUME(RBrace);
    s.span = this.spanFrom(kw);
    return s;
  });

  private job = this.RULE('job', (): A.JobDecl => {
    const first = this.LA(1);
    let name: A.Ident | undefined;
    this.OPTION(() => { this.CONSUME(Kw.job); name = this.ident(this.CONSUME(Name)); });
    this.CONSUME(Kw.every);
    const every = this.SUBRULE(this.calendar);
    const actions = this.SUBRULE(this.actionBlock) ?? [];
    const span = this.spanFrom(first);
    return { name: name ?? { name: `every_line_${span.line}`, span: this.span(first) }, every, actions, span };
  });

  // ------------------------------------------------------------------ campaigns

  private campaign = this.RULE('campaign', (): A.CampaignDecl => {
    const kw = this.CONSUME(Kw.campaign);
    const name = this.ident(this.CONSUME(Name));
    const c: A.CampaignDecl = { name, stages: [], goals: [], span: this.span(kw) };
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => push(c.stages, this.SUBRULE(this.stage)) },
        {
          ALT: () => {
            const k = this.CONSUME(Kw.goal);
            const goalName = this.ident(this.CONSUME2(Name));
            this.CONSUME(Kw.when);
            const when = this.SUBRULE(this.condition);
            let actions: A.Action[] = [];
            this.OPTION(() => { actions = this.SUBRULE(this.actionBlock) ?? []; });
            if (when) c.goals.push({ name: goalName, when, actions, span: this.spanFrom(k) });
          },
        },
        { ALT: () => { this.CONSUME(Semicolon); } },
      ]);
    });
    this.CONSUME(RBrace);
    c.span = this.spanFrom(kw);
    return c;
  });

  private stage = this.RULE('stage', (): A.StageDecl => {
    const kw = this.CONSUME(Kw.stage);
    const name = this.ident(this.CONSUME(Name));
    this.CONSUME(Kw.from);
    const fromTok = this.CONSUME(DateLiteral);
    const s: A.StageDecl = {
      name, from: { date: fromTok.image, span: this.span(fromTok) }, onEnter: [], onExit: [],
      points: [], rules: [], span: this.span(kw),
    };
    this.OPTION(() => {
      this.CONSUME(Kw.to);
      const t = this.CONSUME2(DateLiteral);
      s.to = { date: t.image, span: this.span(t) };
    });
    this.OPTION2(() => {
      this.CONSUME(LBrace);
      this.MANY(() => {
        this.OR([
          {
            ALT: () => {
              const k = this.CONSUME(Kw.points);
              let factorTok: IToken | undefined;
              this.OR2([
                { ALT: () => { this.CONSUME(Star); factorTok = this.CONSUME(NumberLiteral); } },
                { ALT: () => { factorTok = this.CONSUME(Identifier); } },
              ]);
              const span = this.spanFrom(k);
              const m = factorTok && /^(?:[x×])?(\d+(?:\.\d+)?)$/.exec(factorTok.image);
              if (m) s.multiplier = { factor: Number(m[1]), span };
              else if (factorTok && !factorTok.isInsertedInRecovery) {
                this.problem(D.E0108.multiplier(factorTok.image), this.span(factorTok));
              }
            },
          },
          {
            ALT: () => {
              this.CONSUME(Kw.on);
              let which: 'enter' | 'exit' = 'enter';
              this.OR3([
                { ALT: () => { this.CONSUME(Kw.enter); } },
                { ALT: () => { this.CONSUME(Kw.exit); which = 'exit'; } },
              ]);
              let actions: A.Action[] = [];
              this.OR4([
                { ALT: () => { actions = this.SUBRULE(this.actionBlock) ?? []; } },
                { ALT: () => { actions = this.SUBRULE(this.lineActions) ?? []; } },
              ]);
              pushAll(which === 'enter' ? s.onEnter : s.onExit, actions);
            },
          },
          { ALT: () => push(s.rules, this.SUBRULE(this.rule)) },
          { ALT: () => push(s.points, this.SUBRULE(this.pointsEntry)) },
          { ALT: () => { this.CONSUME(Semicolon); } },
        ]);
      });
      this.CONSUME(RBrace);
    });
    s.span = this.spanFrom(kw);
    return s;
  });

  // ------------------------------------------------------------------ conditions

  public condition = this.RULE('condition', (): A.Condition => {
    const first = this.LA(1);
    const items: A.Condition[] = [];
    push(items, this.SUBRULE(this.andCondition));
    this.MANY(() => {
      this.CONSUME(Kw.or);
      push(items, this.SUBRULE2(this.andCondition));
    });
    if (items.length === 1) return items[0]!;
    return { kind: 'or', items, span: this.spanFrom(first) };
  });

  private andCondition = this.RULE('andCondition', (): A.Condition => {
    const first = this.LA(1);
    const items: A.Condition[] = [];
    push(items, this.SUBRULE(this.notCondition));
    this.MANY(() => {
      this.CONSUME(Kw.and);
      push(items, this.SUBRULE2(this.notCondition));
    });
    if (items.length === 1) return items[0]!;
    return { kind: 'and', items, span: this.spanFrom(first) };
  });

  private notCondition = this.RULE('notCondition', (): A.Condition => {
    let result!: A.Condition;
    this.OR([
      {
        ALT: () => {
          const k = this.CONSUME(Kw.not);
          const item = this.SUBRULE(this.notCondition);
          result = { kind: 'not', item, span: this.spanFrom(k) };
        },
      },
      { ALT: () => { result = this.SUBRULE(this.atomCondition); } },
    ]);
    return result;
  });

  private atomCondition = this.RULE('atomCondition', (): A.Condition => {
    const first = this.LA(1);
    let result!: A.Condition;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          result = this.SUBRULE(this.condition);
          this.CONSUME(RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.member);
          this.CONSUME(Kw.has);
          this.OR2([
            { ALT: () => { this.CONSUME(Kw.role); result = { kind: 'hasRole', role: this.ident(this.CONSUME(Name)), span: this.spanFrom(first) }; } },
            { ALT: () => { this.CONSUME(Kw.tag); result = { kind: 'hasTag', tag: this.str(this.CONSUME(StringLiteral)), span: this.spanFrom(first) }; } },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(Kw.member);
          this.CONSUME(Kw.tagged);
          result = { kind: 'hasTag', tag: this.str(this.CONSUME2(StringLiteral)), span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          this.CONSUME3(Kw.member);
          this.CONSUME(Kw.in);
          this.OPTION(() => this.CONSUME(Kw.segment));
          result = { kind: 'inSegment', segment: this.ident(this.CONSUME2(Name)), span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          this.CONSUME2(Kw.in);
          this.CONSUME(Kw.stage);
          const a = this.ident(this.CONSUME3(Name));
          let b: A.Ident | undefined;
          this.OPTION2(() => { this.CONSUME(Dot); b = this.ident(this.CONSUME4(Name)); });
          result = b
            ? { kind: 'inStage', campaign: a, stage: b, span: this.spanFrom(first) }
            : { kind: 'inStage', campaign: a, span: this.spanFrom(first) };
        },
      },
      { ALT: () => { result = this.SUBRULE(this.predicate); } },
    ]);
    return result;
  });

  private predicate = this.RULE('predicate', (): A.Condition => {
    const first = this.LA(1);
    const subject = this.SUBRULE(this.operand);
    let result: A.Condition = { kind: 'truth', subject, span: this.spanFrom(first) };
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            const op = this.SUBRULE(this.compareOp);
            const right = this.SUBRULE2(this.operand);
            result = { kind: 'compare', op, left: subject, right, span: this.spanFrom(first) };
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.matches);
            // `matches any [...]` reads better with a list; `any` changes nothing.
            this.OPTION2(() => this.CONSUME(Kw.any));
            const patterns: A.Pattern[] = [];
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(LBracket);
                  this.MANY_SEP({ SEP: Comma, DEF: () => push(patterns, this.SUBRULE(this.pattern)) });
                  this.CONSUME(RBracket);
                },
              },
              { ALT: () => push(patterns, this.SUBRULE2(this.pattern)) },
            ]);
            result = { kind: 'matches', subject, patterns, span: this.spanFrom(first) };
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.contains);
            const value = this.str(this.CONSUME(StringLiteral));
            result = { kind: 'contains', subject, value, span: this.spanFrom(first) };
          },
        },
      ]);
    });
    return result;
  });

  private pattern = this.RULE('pattern', (): A.Pattern => {
    let result!: A.Pattern;
    this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(RegexLiteral);
          const lastSlash = t.image.lastIndexOf('/');
          result = {
            kind: 'regex',
            source: t.image.slice(1, lastSlash),
            flags: t.image.slice(lastSlash + 1),
            span: this.span(t),
          };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(StringLiteral);
          result = { kind: 'text', value: this.str(t).value, span: this.span(t) };
        },
      },
    ]);
    return result;
  });

  private compareOp = this.RULE('compareOp', (): A.CompareOp => {
    let op: A.CompareOp = '==';
    this.OR([
      { ALT: () => { this.CONSUME(GreaterEq); op = '>='; } },
      { ALT: () => { this.CONSUME(LessEq); op = '<='; } },
      { ALT: () => { this.CONSUME(NotEq); op = '!='; } },
      { ALT: () => { this.CONSUME(EqEq); op = '=='; } },
      { ALT: () => { this.CONSUME(Greater); op = '>'; } },
      { ALT: () => { this.CONSUME(Less); op = '<'; } },
    ]);
    return op;
  });

  private operand = this.RULE('operand', (): A.Operand => {
    const first = this.LA(1);
    let result!: A.Operand;
    this.OR([
      { ALT: () => { const t = this.CONSUME(NumberLiteral); result = { kind: 'number', value: this.num(t), span: this.span(t) }; } },
      {
        ALT: () => {
          this.CONSUME(Minus);
          const t = this.CONSUME2(NumberLiteral);
          result = { kind: 'number', value: -this.num(t), span: this.spanFrom(first) };
        },
      },
      { ALT: () => { const t = this.CONSUME(StringLiteral); result = { kind: 'string', value: this.str(t).value, span: this.span(t) }; } },
      { ALT: () => { const t = this.CONSUME(DurationLiteral); result = { kind: 'duration', ms: this.duration(t).ms, span: this.span(t) }; } },
      {
        ALT: () => {
          this.CONSUME(Kw.count);
          this.CONSUME(LParen);
          const event = this.SUBRULE(this.dottedName);
          let byMember = false;
          let within: A.Duration | undefined;
          this.OPTION(() => { this.CONSUME(Kw.by); this.CONSUME(Kw.member); byMember = true; });
          this.OPTION2(() => { this.CONSUME(Kw.within); within = this.duration(this.CONSUME2(DurationLiteral)); });
          this.CONSUME(RParen);
          result = { kind: 'count', event, byMember, span: this.spanFrom(first) };
          if (within) result.within = within;
        },
      },
      {
        ALT: () => {
          let kind: 'absences' | 'attended' = 'absences';
          this.OR2([
            { ALT: () => { this.CONSUME(Kw.absences); } },
            { ALT: () => { this.CONSUME(Kw.attended); kind = 'attended'; } },
          ]);
          this.CONSUME2(LParen);
          const schedule = this.ident(this.CONSUME(Name));
          let within: A.Duration | undefined;
          this.OPTION3(() => { this.CONSUME(Comma); within = this.duration(this.CONSUME3(DurationLiteral)); });
          this.CONSUME2(RParen);
          result = { kind, schedule, span: this.spanFrom(first) };
          if (within) result.within = within;
        },
      },
      {
        ALT: () => {
          const path: A.Ident[] = [this.ident(this.CONSUME2(Name))];
          this.MANY(() => { this.CONSUME(Dot); path.push(this.ident(this.CONSUME3(Name))); });
          const word = path.length === 1 ? path[0]!.name : '';
          result = word === 'true' || word === 'false'
            ? { kind: 'boolean', value: word === 'true', span: this.spanFrom(first) }
            : { kind: 'path', path, span: this.spanFrom(first) };
        },
      },
    ]);
    return result;
  });

  // ------------------------------------------------------------------ actions

  private action = this.RULE('action', (): A.Action => {
    const first = this.LA(1);
    let result!: A.Action;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.say);
          let to: A.Audience = { kind: 'group' };
          this.OPTION(() => { this.CONSUME(Kw.to); to = this.SUBRULE(this.audience) ?? to; });
          const text = this.SUBRULE(this.messageText);
          result = { kind: 'say', to, text, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.notify);
          this.CONSUME(Kw.admins);
          const text = this.SUBRULE2(this.messageText);
          result = { kind: 'notify', text, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.delete);
          this.CONSUME(Kw.message);
          result = { kind: 'deleteMessage', span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.warn);
          this.CONSUME(Kw.member);
          let reason: A.MessageText | undefined;
          this.OPTION2(() => { reason = this.SUBRULE3(this.messageText); });
          this.CONSUME(Kw.on);
          this.CONSUME(Kw.ladder);
          const ladder = this.ident(this.CONSUME(Name));
          result = reason
            ? { kind: 'warn', reason, ladder, span: this.spanFrom(first) }
            : { kind: 'warn', ladder, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.mute);
          this.CONSUME2(Kw.member);
          this.OPTION3(() => {
            const w = this.CONSUME2(Name, { LABEL: 'for' });
            if (w.image !== 'for' && !w.isInsertedInRecovery) this.problem(D.E0010.muteFor(w.image), this.span(w));
          });
          const duration = this.duration(this.CONSUME(DurationLiteral));
          let reason: A.StringLit | undefined;
          this.OPTION4(() => { this.CONSUME(Kw.reason); reason = this.str(this.CONSUME(StringLiteral)); });
          result = reason
            ? { kind: 'mute', duration, reason, span: this.spanFrom(first) }
            : { kind: 'mute', duration, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.remove);
          this.OR2([
            {
              ALT: () => {
                this.CONSUME3(Kw.member);
                let reason: A.StringLit | undefined;
                this.OPTION5(() => { this.CONSUME2(Kw.reason); reason = this.str(this.CONSUME2(StringLiteral)); });
                result = reason ? { kind: 'remove', reason, span: this.spanFrom(first) } : { kind: 'remove', span: this.spanFrom(first) };
              },
            },
            {
              ALT: () => {
                let silent = false;
                this.OPTION6(() => { this.CONSUME(Kw.silent); silent = true; });
                this.CONSUME(Kw.members);
                const f = this.SUBRULE(this.memberFilters) ?? {};
                let reason: A.StringLit | undefined;
                this.OPTION7(() => { this.CONSUME3(Kw.reason); reason = this.str(this.CONSUME3(StringLiteral)); });
                const r: A.Action = { kind: 'removeMembers', silent, ...f, span: this.spanFrom(first) };
                if (reason) r.reason = reason;
                result = r;
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          let kind: 'tag' | 'untag' = 'tag';
          this.OR3([
            { ALT: () => { this.CONSUME(Kw.tag); } },
            { ALT: () => { this.CONSUME(Kw.untag); kind = 'untag'; } },
          ]);
          this.CONSUME4(Kw.member);
          const tag = this.str(this.CONSUME4(StringLiteral));
          result = { kind, tag, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          let sign = 1;
          this.OR4([
            { ALT: () => { this.CONSUME(Kw.award); } },
            { ALT: () => { this.CONSUME(Kw.deduct); sign = -1; } },
          ]);
          this.OPTION8(() => this.OR5([
            { ALT: () => { this.CONSUME(Plus); } },
            { ALT: () => { this.CONSUME(Minus); sign = -sign; } },
          ]));
          const amount = sign * this.num(this.CONSUME(NumberLiteral));
          this.CONSUME(Kw.points);
          let reason: A.StringLit | undefined;
          let multiplied = true;
          this.MANY(() => this.OR6([
            { ALT: () => { this.CONSUME4(Kw.reason); reason = this.str(this.CONSUME5(StringLiteral)); } },
            { ALT: () => { this.CONSUME(Kw.unmultiplied); multiplied = false; } },
          ]));
          result = reason
            ? { kind: 'award', amount, reason, multiplied, span: this.spanFrom(first) }
            : { kind: 'award', amount, multiplied, span: this.spanFrom(first) };
        },
      },
    ]);
    return result;
  });

  private audience = this.RULE('audience', (): A.Audience => {
    let result!: A.Audience;
    this.OR([
      { ALT: () => { this.CONSUME(Kw.member); result = { kind: 'member' }; } },
      { ALT: () => { this.CONSUME(Kw.admins); result = { kind: 'admins' }; } },
      { ALT: () => { this.CONSUME(Kw.channel); result = { kind: 'channel', channel: this.str(this.CONSUME(StringLiteral)) }; } },
      {
        ALT: () => {
          let silent = false;
          this.OPTION(() => { this.CONSUME(Kw.silent); silent = true; });
          this.CONSUME(Kw.members);
          const f = this.SUBRULE(this.memberFilters) ?? {};
          result = { kind: 'members', silent, ...f };
        },
      },
      {
        GATE: () => this.LA(1).image === 'group' || this.LA(1).image === 'everyone',
        ALT: () => { this.CONSUME(Identifier); result = { kind: 'group' }; },
      },
    ]);
    return result;
  });

  private memberFilters = this.RULE('memberFilters', () => {
    const f: { tagged?: A.StringLit; segment?: A.Ident; where?: A.Condition; unless?: A.Condition } = {};
    this.MANY(() => {
      this.OR([
        { ALT: () => { this.CONSUME(Kw.tagged); f.tagged = this.str(this.CONSUME(StringLiteral)); } },
        { ALT: () => { this.CONSUME(Kw.in); this.OPTION(() => this.CONSUME(Kw.segment)); f.segment = this.ident(this.CONSUME(Name)); } },
        { ALT: () => { this.CONSUME(Kw.where); const c = this.SUBRULE(this.condition); if (c) f.where = c; } },
        { ALT: () => { this.CONSUME(Kw.unless); const c = this.SUBRULE2(this.condition); if (c) f.unless = c; } },
      ]);
    });
    return f;
  });

  private messageText = this.RULE('messageText', (): A.MessageText => {
    let result!: A.MessageText;
    this.OR([
      { ALT: () => { result = { kind: 'inline', text: this.str(this.CONSUME(StringLiteral)) }; } },
      { ALT: () => { result = { kind: 'template', name: this.ident(this.CONSUME(Identifier)) }; } },
    ]);
    return result;
  });
}

/** During chevrotain's recording phase sub-rules return a placeholder; only arrays are merged. */
function pushAll<T>(list: T[], items: T[] | undefined): void {
  if (Array.isArray(items)) list.push(...items);
}

function push<T>(list: T[], item: T | undefined): void {
  if (item !== undefined && item !== null) list.push(item);
}

export type { TokenType };
