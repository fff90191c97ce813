import type * as A from '../ast.js';
import {
  Comma,
  Dot,
  DurationLiteral,
  EqEq,
  Greater,
  GreaterEq,
  Identifier,
  Kw,
  LBracket,
  Less,
  LessEq,
  LParen,
  Minus,
  Name,
  NotEq,
  NumberLiteral,
  Plus,
  RBracket,
  RegexLiteral,
  RParen,
  Slash,
  Star,
  StringLiteral,
} from '../lexer.js';
import { GrammarBase, push } from './base.js';

/** Conditions (`where`, `when`, `unless`), their operands and patterns, dotted names and `EVENT where …`. */
export abstract class ConditionsParser extends GrammarBase {
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

  protected eventPattern = this.declareRule('eventPattern', (): A.EventPattern => {
    const event = this.SUBRULE(this.dottedName)!;
    const p: A.EventPattern = { event };
    this.OPTION(() => {
      this.CONSUME(Kw.where);
      const w = this.SUBRULE(this.condition);
      if (w) p.where = w;
    });
    return p;
  });

  public condition = this.declareRule('condition', (): A.Condition => {
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

  protected andCondition = this.declareRule('andCondition', (): A.Condition => {
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

  protected notCondition = this.declareRule('notCondition', (): A.Condition => {
    let result!: A.Condition;
    // `not - 1 > x` could also start a value named `not`; the keyword wins, as it always has.
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            const k = this.CONSUME(Kw.not);
            const item = this.SUBRULE(this.notCondition)!;
            result = { kind: 'not', item, span: this.spanFrom(k) };
          },
        },
        {
          ALT: () => {
            result = this.SUBRULE(this.atomCondition)!;
          },
        },
      ],
    });
    return result;
  });

  protected atomCondition = this.declareRule('atomCondition', (): A.Condition => {
    const first = this.LA(1);
    let result!: A.Condition;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          result = this.SUBRULE(this.condition)!;
          this.CONSUME(RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.member);
          this.CONSUME(Kw.has);
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(Kw.role);
                result = { kind: 'hasRole', role: this.ident(this.CONSUME(Name)), span: this.spanFrom(first) };
              },
            },
            {
              ALT: () => {
                this.CONSUME(Kw.tag);
                result = { kind: 'hasTag', tag: this.str(this.CONSUME(StringLiteral)), span: this.spanFrom(first) };
              },
            },
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
          this.OPTION2(() => {
            this.CONSUME(Dot);
            b = this.ident(this.CONSUME4(Name));
          });
          result = b ? { kind: 'inStage', campaign: a, stage: b, span: this.spanFrom(first) } : { kind: 'inStage', campaign: a, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          result = this.SUBRULE(this.predicate)!;
        },
      },
    ]);
    return result;
  });

  protected predicate = this.declareRule('predicate', (): A.Condition => {
    const first = this.LA(1);
    const subject = this.SUBRULE(this.operand)!;
    let result: A.Condition = { kind: 'truth', subject, span: this.spanFrom(first) };
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            const op = this.SUBRULE(this.compareOp)!;
            const right = this.SUBRULE2(this.operand)!;
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
                  this.MANY_SEP({
                    SEP: Comma,
                    DEF: () => {
                      push(patterns, this.SUBRULE(this.pattern));
                    },
                  });
                  this.CONSUME(RBracket);
                },
              },
              {
                ALT: () => {
                  push(patterns, this.SUBRULE2(this.pattern));
                },
              },
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

  protected pattern = this.declareRule('pattern', (): A.Pattern => {
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

  protected compareOp = this.declareRule('compareOp', (): A.CompareOp => {
    let op: A.CompareOp = '==';
    this.OR([
      {
        ALT: () => {
          this.CONSUME(GreaterEq);
          op = '>=';
        },
      },
      {
        ALT: () => {
          this.CONSUME(LessEq);
          op = '<=';
        },
      },
      {
        ALT: () => {
          this.CONSUME(NotEq);
          op = '!=';
        },
      },
      {
        ALT: () => {
          this.CONSUME(EqEq);
          op = '==';
        },
      },
      {
        ALT: () => {
          this.CONSUME(Greater);
          op = '>';
        },
      },
      {
        ALT: () => {
          this.CONSUME(Less);
          op = '<';
        },
      },
    ]);
    return op;
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

  protected atom = this.declareRule('atom', (): A.Operand => {
    const first = this.LA(1);
    let result!: A.Operand;
    this.OR([
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
          result = { kind: 'duration', ms: this.duration(t).ms, span: this.span(t) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.count);
          this.CONSUME(LParen);
          const event = this.SUBRULE(this.dottedName)!;
          let byMember = false;
          let within: A.Duration | undefined;
          this.OPTION(() => {
            this.CONSUME(Kw.by);
            this.CONSUME(Kw.member);
            byMember = true;
          });
          this.OPTION2(() => {
            this.CONSUME(Kw.within);
            within = this.duration(this.CONSUME2(DurationLiteral));
          });
          this.CONSUME(RParen);
          result = { kind: 'count', event, byMember, span: this.spanFrom(first) };
          if (within) result.within = within;
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
