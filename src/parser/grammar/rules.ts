import type * as A from '../ast.js';
import { D } from '../diagnostic-codes.js';
import type { TokenType } from 'chevrotain';
import { Colon, Comma, DurationLiteral, Kw, LBrace, Minus, Name, NumberLiteral, Plus, RBrace, Semicolon, Slash, Star, StringLiteral } from '../lexer.js';
import { table } from '../../stdlib/dict.js';
import { push, pushAll } from './base.js';
import { DeclarationsParser } from './declarations.js';

/** After a number, these continue a computed amount (`+2 * amount`). */
const ARITH_TOKENS = new Set<TokenType>([Plus, Minus, Star, Slash]);

/** The periods a cap may name (a table: any other word, `constructor` included, is not one). */
const CAP_PERIODS = table<A.CapPeriod>({ day: 'day', week: 'week', month: 'month' });

/** `rule`, `ladder`, `points`, `levels` and `badge`. */
export abstract class RulesParser extends DeclarationsParser {
  public rule = this.declareRule('rule', (): A.RuleDecl => {
    const kw = this.CONSUME(Kw.rule);
    const name = this.ident(this.CONSUME(Name));
    const r: A.RuleDecl = { name, on: [], unless: [], actions: [], span: this.span(kw) };
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Kw.on);
            this.AT_LEAST_ONE_SEP({
              SEP: Comma,
              DEF: () => {
                push(r.on, this.SUBRULE(this.eventPattern));
              },
            });
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
        {
          ALT: () => {
            this.CONSUME(Kw.unless);
            push(r.unless, this.SUBRULE2(this.condition));
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(Kw.priority);
            let sign = 1;
            this.OPTION(() => {
              this.CONSUME(Minus);
              sign = -1;
            });
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
            // Any other word names a field of the event; the checker says if it is not one.
            else r.onceKey = this.ident(who);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.exclusive);
            r.exclusive = this.ident(this.CONSUME4(Name));
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(Kw.cooldown);
            const duration = this.duration(this.CONSUME(DurationLiteral));
            let per: 'member' | 'community' = 'member';
            this.OPTION2(() => {
              this.CONSUME2(Kw.per);
              const who = this.CONSUME3(Name);
              if (who.image === 'community' || who.image === 'group') per = 'community';
              else if (who.image !== 'member') {
                this.problem(
                  D.E0108.cooldownPer(who.image),
                  this.span(who),
                  'write `cooldown 10m` (for each member) or `cooldown 10m per community` (for the whole group)',
                );
              }
            });
            r.cooldown = { duration, per, span: this.spanFrom(k) };
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.do);
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME2(LBrace);
                  pushAll(r.actions, this.SUBRULE(this.actionList));
                  this.CONSUME2(RBrace);
                },
              },
              {
                ALT: () => {
                  pushAll(r.actions, this.SUBRULE2(this.actionList));
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME2(Semicolon);
          },
        },
      ]);
      this.endClause(clauseStart);
    });
    this.CONSUME(RBrace);
    r.span = this.spanFrom(kw);
    return r;
  });

  protected ladder = this.declareRule('ladder', (): A.LadderDecl => {
    const kw = this.CONSUME(Kw.ladder);
    const name = this.ident(this.CONSUME(Name));
    const l: A.LadderDecl = { name, steps: [], span: this.span(kw) };
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Kw.expire);
            l.expire = this.duration(this.CONSUME(DurationLiteral));
          },
        },
        {
          ALT: () => {
            const n = this.CONSUME(NumberLiteral);
            const actions = this.SUBRULE(this.actionBlock);
            l.steps.push({ n: this.num(n), span: this.span(n), actions: actions ?? [] });
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
    l.span = this.spanFrom(kw);
    return l;
  });

  protected pointsBlock = this.declareRule('pointsBlock', (): A.PointsEntry[] => {
    this.CONSUME(Kw.points);
    const out: A.PointsEntry[] = [];
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
      this.OR([
        {
          ALT: () => {
            push(out, this.SUBRULE(this.pointsEntry));
          },
        },
        {
          ALT: () => {
            this.CONSUME(Semicolon);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Comma);
          },
        },
      ]);
      this.endClause(clauseStart);
    });
    this.CONSUME(RBrace);
    return out;
  });

  protected pointsEntry = this.declareRule('pointsEntry', (): A.PointsEntry => {
    const first = this.LA(1);
    const on = this.SUBRULE(this.eventPattern)!;
    this.CONSUME(Colon);
    let sign = 1;
    let signed = false;
    this.OPTION(() => {
      signed = true;
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Plus);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Minus);
            sign = -1;
          },
        },
      ]);
    });
    // A number, or a signed value computed from the event: `order.paid: +amount / 100`. A plain
    // number is read as it always was, so the hints for `+5 per day cap 1` (mistakes.ts) still apply.
    let amount = sign;
    let value: A.Operand | undefined;
    this.OR3({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => !ARITH_TOKENS.has(this.LA(2).tokenType),
          ALT: () => {
            amount = sign * this.num(this.CONSUME(NumberLiteral));
          },
        },
        {
          // Signed (`+amount / 100`, `-cost`), as every points amount is written: the sign says
          // an amount begins, and a recovering parser does not take a stray word for one.
          GATE: () => signed,
          ALT: () => {
            value = this.SUBRULE(this.operand)!;
          },
        },
      ],
    });
    this.OPTION2(() => this.CONSUME(Kw.points));
    const e: A.PointsEntry = { on, amount, caps: [], span: this.span(first) };
    if (value) e.value = value;
    this.MANY(() => {
      this.OR2([
        {
          ALT: () => {
            this.CONSUME(Kw.cooldown);
            e.cooldown = this.duration(this.CONSUME(DurationLiteral));
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(Kw.cap);
            const limit = this.num(this.CONSUME2(NumberLiteral));
            let unit: 'awards' | 'points' = 'awards';
            this.OPTION3(() => {
              this.CONSUME2(Kw.points);
              unit = 'points';
            });
            this.CONSUME(Kw.per);
            const p = this.CONSUME(Name);
            const per = CAP_PERIODS[p.image];
            if (!per) {
              if (!p.isInsertedInRecovery) this.problem(D.E0108.capPeriod(p.image), this.span(p));
            } else e.caps.push({ limit, per, unit, span: this.spanFrom(k) });
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.reason);
            e.reason = this.str(this.CONSUME(StringLiteral));
          },
        },
      ]);
    });
    e.span = this.spanFrom(first);
    return e;
  });

  protected levelsBlock = this.declareRule('levelsBlock', (): A.LevelDecl[] => {
    this.CONSUME(Kw.levels);
    const out: A.LevelDecl[] = [];
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
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
        {
          ALT: () => {
            this.CONSUME(Semicolon);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Comma);
          },
        },
      ]);
      this.endClause(clauseStart);
    });
    this.CONSUME(RBrace);
    return out;
  });

  protected badge = this.declareRule('badge', (): A.BadgeDecl => {
    const kw = this.CONSUME(Kw.badge);
    const name = this.ident(this.CONSUME(Name));
    const b: A.BadgeDecl = { name, actions: [], span: this.span(kw) };
    // Neither `when` nor `streak`: granted only by `award badge NAME` (docs/language.md, "Badges").
    this.OPTION2(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Kw.when);
            const c = this.SUBRULE(this.condition);
            if (c) b.when = c;
          },
        },
        {
          ALT: () => {
            const k = this.CONSUME(Kw.streak);
            const days = this.num(this.CONSUME(NumberLiteral));
            this.CONSUME(Kw.days);
            this.CONSUME(Kw.of);
            const event = this.SUBRULE(this.dottedName)!;
            b.streak = { days, event, span: this.spanFrom(k) };
          },
        },
      ]);
    });
    this.OPTION(() => {
      b.actions = this.SUBRULE(this.actionBlock) ?? [];
    });
    b.span = this.spanFrom(kw);
    return b;
  });
}
