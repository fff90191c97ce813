import type { IToken } from 'chevrotain';
import type * as A from '../ast.js';
import { D } from '../diagnostic-codes.js';
import {
  Arrow,
  Colon,
  DateLiteral,
  Dot,
  DurationLiteral,
  Identifier,
  Kw,
  LBrace,
  Name,
  NumberLiteral,
  RBrace,
  Semicolon,
  Star,
  StringLiteral,
  TimeLiteral,
} from '../lexer.js';
import { push, pushAll } from './base.js';
import { LeaderboardsParser } from './leaderboards.js';

/** The constructs that run as state machines: `ritual`, `lifecycle` (and its transitions), `campaign` (and its stages). */
export abstract class MachinesParser extends LeaderboardsParser {
  protected ritual = this.declareRule('ritual', (): A.RitualDecl => {
    const kw = this.CONSUME(Kw.ritual);
    const name = this.ident(this.CONSUME(Name));
    const r: A.RitualDecl = {
      name,
      onStart: [],
      steps: [],
      reminders: [],
      cancelOn: [],
      done: [],
      span: this.span(kw),
    };
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
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
            this.OPTION(() => {
              label = this.str(this.CONSUME(StringLiteral));
            });
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
        {
          ALT: () => {
            push(r.onStart, this.SUBRULE(this.action));
          },
        },
        {
          ALT: () => {
            this.CONSUME(Semicolon);
          },
        },
      ]);
      this.endClause(clauseStart);
    });
    this.CONSUME(RBrace);
    r.span = this.spanFrom(kw);
    return r;
  });

  protected lifecycle = this.declareRule('lifecycle', (): A.LifecycleDecl => {
    const kw = this.CONSUME(Kw.lifecycle);
    const name = this.ident(this.CONSUME(Name));
    const lc: A.LifecycleDecl = { name, transitions: [], span: this.span(kw) };
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Kw.initial);
            lc.initial = this.ident(this.CONSUME2(Name));
          },
        },
        {
          ALT: () => {
            push(lc.transitions, this.SUBRULE(this.transition));
          },
        },
        {
          ALT: () => {
            this.CONSUME(Semicolon);
          },
        },
      ]);
      this.endClause(clauseStart);
    });
    this.CONSUME(RBrace);
    lc.span = this.spanFrom(kw);
    return lc;
  });

  protected transition = this.declareRule('transition', (): A.LifecycleTransition | undefined => {
    const fromTok = this.CONSUME(Name);
    this.CONSUME(Arrow);
    const to = this.ident(this.CONSUME2(Name));
    let trigger: A.TransitionTrigger | undefined;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.on);
          const on = this.SUBRULE(this.eventPattern);
          if (on) trigger = { kind: 'on', on };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.when);
          const w = this.SUBRULE(this.condition);
          if (w) trigger = { kind: 'when', when: w };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.after);
          const after = this.duration(this.CONSUME(DurationLiteral));
          let without: A.Ident | undefined;
          this.OPTION(() => {
            this.CONSUME(Kw.without);
            without = this.SUBRULE(this.dottedName);
          });
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

  /** `2026-11-11` or `2026-11-11 10:00`: a stage's boundary. */
  protected dateTime = this.declareRule('dateTime', (): A.DateTimeLit => {
    const d = this.CONSUME(DateLiteral);
    const out: A.DateTimeLit = { date: d.image, span: this.span(d) };
    this.OPTION(() => {
      const t = this.CONSUME(TimeLiteral);
      const minutes = this.timeMinutes(t);
      if (minutes !== undefined) out.minutes = minutes;
      out.span = this.span(d, t);
    });
    return out;
  });

  protected campaign = this.declareRule('campaign', (): A.CampaignDecl => {
    const kw = this.CONSUME(Kw.campaign);
    const name = this.ident(this.CONSUME(Name));
    const c: A.CampaignDecl = { name, stages: [], goals: [], span: this.span(kw) };
    this.OPTION2(() => {
      const first = this.CONSUME(Kw.across);
      this.CONSUME(Kw.all);
      this.CONSUME(Kw.groups);
      c.across = { span: this.spanFrom(first) };
    });
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
      this.OR([
        {
          ALT: () => {
            push(c.stages, this.SUBRULE(this.stage));
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(Kw.goal);
            const goalName = this.ident(this.CONSUME2(Name));
            this.CONSUME(Kw.when);
            const when = this.SUBRULE(this.condition);
            let actions: A.Action[] = [];
            this.OPTION(() => {
              actions = this.SUBRULE(this.actionBlock) ?? [];
            });
            if (when) c.goals.push({ name: goalName, when, actions, span: this.spanFrom(k) });
          },
        },
        {
          ALT: () => {
            this.CONSUME(Semicolon);
          },
        },
      ]);
      this.endClause(clauseStart);
    });
    this.CONSUME(RBrace);
    c.span = this.spanFrom(kw);
    return c;
  });

  protected stage = this.declareRule('stage', (): A.StageDecl => {
    const kw = this.CONSUME(Kw.stage);
    const name = this.ident(this.CONSUME(Name));
    this.CONSUME(Kw.from);
    const s: A.StageDecl = {
      name,
      from: this.SUBRULE(this.dateTime) ?? { date: '', span: this.span(kw) },
      onEnter: [],
      onExit: [],
      points: [],
      rules: [],
      schedules: [],
      jobs: [],
      agendas: [],
      span: this.span(kw),
    };
    this.OPTION(() => {
      this.CONSUME(Kw.to);
      const to = this.SUBRULE2(this.dateTime);
      if (to) s.to = to;
    });
    this.OPTION2(() => {
      this.CONSUME(LBrace);
      this.MANY(() => {
        const clauseStart = this.LA(1);
        this.OR([
          {
            ALT: () => {
              const k = this.CONSUME(Kw.points);
              let factorTok: IToken | undefined;
              this.OR2([
                {
                  ALT: () => {
                    this.CONSUME(Star);
                    factorTok = this.CONSUME(NumberLiteral);
                  },
                },
                {
                  ALT: () => {
                    factorTok = this.CONSUME(Identifier);
                  },
                },
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
              const which = this.OR3([
                {
                  ALT: () => {
                    this.CONSUME(Kw.enter);
                    return 'enter' as const;
                  },
                },
                {
                  ALT: () => {
                    this.CONSUME(Kw.exit);
                    return 'exit' as const;
                  },
                },
              ]);
              let actions: A.Action[] = [];
              this.OR4([
                {
                  ALT: () => {
                    actions = this.SUBRULE(this.actionBlock) ?? [];
                  },
                },
                {
                  ALT: () => {
                    actions = this.SUBRULE(this.lineActions) ?? [];
                  },
                },
              ]);
              pushAll(which === 'enter' ? s.onEnter : s.onExit, actions);
            },
          },
          {
            ALT: () => {
              push(s.rules, this.SUBRULE(this.rule));
            },
          },
          {
            ALT: () => {
              push(s.schedules, this.SUBRULE(this.schedule));
            },
          },
          {
            GATE: () => this.LA(2).tokenType !== Colon && this.LA(2).tokenType !== Dot && this.LA(2).tokenType !== Kw.where,
            ALT: () => {
              push(s.jobs, this.SUBRULE(this.job));
            },
          },
          {
            ALT: () => {
              push(s.agendas, this.SUBRULE(this.agenda));
            },
          },
          {
            ALT: () => {
              push(s.agendas, this.SUBRULE(this.oneOff));
            },
          },
          {
            ALT: () => {
              push(s.points, this.SUBRULE(this.pointsEntry));
            },
          },
          {
            ALT: () => {
              this.CONSUME(Semicolon);
            },
          },
        ]);
        this.endClause(clauseStart);
      });
      this.CONSUME(RBrace);
    });
    s.span = this.spanFrom(kw);
    return s;
  });
}
