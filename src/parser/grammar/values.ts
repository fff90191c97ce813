import type * as A from '../ast.js';
import { Comma, Dot, DurationLiteral, Identifier, Kw, LParen, Minus, Name, NumberLiteral, Plus, RParen, Slash, Star, StringLiteral } from '../lexer.js';
import { GrammarBase, push } from './base.js';

/**
 * Values: dotted names, constants, fields and member values, `count(…)`, attendance, function
 * calls and arithmetic (docs/language.md, "Comparisons" and "Arithmetic"). Conditions
 * (conditions.ts) compare and match them; actions (`award amount / 10 points`) compute them.
 */
export abstract class ValuesParser extends GrammarBase {
  /**
   * Does a value to compute start here (`10m * warnings`, `min(…)`, `(…)`, `count(…)`), where a
   * lone duration is also allowed (a mute's length)? A lone duration, a number or anything else
   * is not, so it takes the plain duration path and its errors (actions.ts, `mute`).
   */
  protected computedValueAhead(): boolean {
    const first = this.LA(1).tokenType;
    const next = this.LA(2).tokenType;
    const arith = next === Star || next === Slash || next === Plus || next === Minus;
    if (first === DurationLiteral) return arith;
    if (first === LParen || first === Kw.count || first === Kw.sum) return true;
    return first === Identifier && (arith || next === LParen || next === Dot);
  }
  /** `message.posted`: names joined by dots, as one identifier. */
  protected dottedName = this.declareRule('dottedName', (): A.Ident => {
    const first = this.CONSUME(Name);
    let name = first.image;
    this.MANY(() => {
      this.CONSUME(Dot);
      name += '.' + this.CONSUME2(Name).image;
    });
    return { name, span: this.spanFrom(first) };
  });

  /** A value: atoms joined by `+ - * /` (also `× ÷`), `*` and `/` binding tighter. */
  protected operand = this.declareRule('operand', (): A.Operand => {
    const first = this.LA(1);
    let result = this.SUBRULE(this.term)!;
    this.MANY(() => {
      let op: A.ArithOp = '+';
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Plus);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Minus);
            op = '-';
          },
        },
      ]);
      const right = this.SUBRULE2(this.term)!;
      result = { kind: 'arith', op, left: result, right, span: this.spanFrom(first) };
    });
    return result;
  });

  protected term = this.declareRule('term', (): A.Operand => {
    const first = this.LA(1);
    let result = this.SUBRULE(this.atom)!;
    this.MANY(() => {
      let op: A.ArithOp = '*';
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Star);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Slash);
            op = '/';
          },
        },
      ]);
      const right = this.SUBRULE2(this.atom)!;
      result = { kind: 'arith', op, left: result, right, span: this.spanFrom(first) };
    });
    return result;
  });

  /** What `count(…)` and `sum(…)` take after the event: `[by member] [across groups] [where …] [within D]`. */
  protected countOptions = this.declareRule('countOptions', (): { byMember: boolean; across?: { span: A.Span }; where?: A.Condition; within?: A.Duration } => {
    const out: { byMember: boolean; across?: { span: A.Span }; where?: A.Condition; within?: A.Duration } = { byMember: false };
    this.OPTION(() => {
      this.CONSUME(Kw.by);
      this.CONSUME(Kw.member);
      out.byMember = true;
    });
    // `across [all] groups`: the network's count (docs/language.md, "Networks of groups"); `by member` with it is E0460.
    this.OPTION4(() => {
      const first = this.CONSUME(Kw.across);
      this.OPTION5(() => this.CONSUME(Kw.all));
      this.CONSUME(Kw.groups);
      out.across = { span: this.spanFrom(first) };
    });
    this.OPTION2(() => {
      this.CONSUME(Kw.where);
      const w = this.SUBRULE(this.condition);
      if (w) out.where = w;
    });
    this.OPTION3(() => {
      this.CONSUME(Kw.within);
      out.within = this.duration(this.CONSUME(DurationLiteral));
    });
    return out;
  });

  /** Conditions are the next class of the chain (conditions.ts); a count's `where` takes one. */
  public abstract condition: (idx?: number) => A.Condition | undefined;

  protected atom = this.declareRule('atom', (): A.Operand => {
    const first = this.LA(1);
    let result!: A.Operand;
    this.OR([
      {
        // `(a + b) / 2`: a value in parentheses; conditions.ts decides which `(` groups a value.
        ALT: () => {
          this.CONSUME4(LParen);
          // Undefined after a syntax error the parser recovered from (base.ts, declareRule).
          const inner = this.SUBRULE2(this.operand);
          this.CONSUME4(RParen);
          result = inner?.kind === 'arith' ? { ...inner, parens: true, span: this.spanFrom(first) } : inner!;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(NumberLiteral);
          result = { kind: 'number', value: this.num(t), span: this.span(t) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Minus);
          const t = this.CONSUME2(NumberLiteral);
          result = { kind: 'number', value: -this.num(t), span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(StringLiteral);
          result = { kind: 'string', value: this.str(t).value, span: this.span(t) };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(DurationLiteral);
          const d = this.duration(t);
          result = { kind: 'duration', ms: d.ms, text: d.text, span: d.span };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.count);
          this.CONSUME(LParen);
          let distinct: A.Ident | undefined;
          this.OPTION(() => {
            this.CONSUME(Kw.distinct);
            distinct = this.ident(this.CONSUME5(Name));
            this.CONSUME(Kw.of);
          });
          const event = this.SUBRULE(this.dottedName)!;
          const options = this.SUBRULE(this.countOptions)!;
          this.CONSUME(RParen);
          result = { kind: 'count', event, ...options, span: this.spanFrom(first) };
          if (distinct) result.distinct = distinct;
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.sum);
          this.CONSUME5(LParen);
          const field = this.ident(this.CONSUME4(Name));
          this.CONSUME2(Kw.of);
          const event = this.SUBRULE2(this.dottedName)!;
          const options = this.SUBRULE2(this.countOptions)!;
          this.CONSUME5(RParen);
          result = { kind: 'sum', field, event, ...options, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          let kind: 'absences' | 'attended' = 'absences';
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(Kw.absences);
              },
            },
            {
              ALT: () => {
                this.CONSUME(Kw.attended);
                kind = 'attended';
              },
            },
          ]);
          this.CONSUME2(LParen);
          const schedule = this.ident(this.CONSUME(Name));
          let within: A.Duration | undefined;
          this.OPTION3(() => {
            this.CONSUME(Comma);
            within = this.duration(this.CONSUME3(DurationLiteral));
          });
          this.CONSUME2(RParen);
          result = { kind, schedule, span: this.spanFrom(first) };
          if (within) result.within = within;
        },
      },
      {
        // `min(a, b)`, `round(x)`, `length(mentions)`: a name right before `(`.
        GATE: () => this.LA(2).tokenType === LParen,
        ALT: () => {
          const fn = this.ident(this.CONSUME(Identifier));
          this.CONSUME3(LParen);
          const args: A.Operand[] = [];
          this.MANY_SEP({
            SEP: Comma,
            DEF: () => {
              push(args, this.SUBRULE(this.operand));
            },
          });
          this.CONSUME3(RParen);
          result = { kind: 'call', fn, args, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          const path: A.Ident[] = [this.ident(this.CONSUME2(Name))];
          this.MANY(() => {
            this.CONSUME(Dot);
            path.push(this.ident(this.CONSUME3(Name)));
          });
          const word = path.length === 1 ? path[0]!.name : '';
          result =
            word === 'true' || word === 'false'
              ? { kind: 'boolean', value: word === 'true', span: this.spanFrom(first) }
              : { kind: 'path', path, span: this.spanFrom(first) };
        },
      },
    ]);
    return result;
  });
}
