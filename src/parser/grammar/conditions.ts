import type * as A from '../ast.js';
import {
  Comma,
  Dot,
  EqEq,
  Greater,
  GreaterEq,
  Identifier,
  Kw,
  LBracket,
  Less,
  LessEq,
  LParen,
  Name,
  NotEq,
  RBracket,
  RegexLiteral,
  RParen,
  StringLiteral,
  Plus,
  Minus,
  Star,
  Slash,
} from '../lexer.js';
import { EOF, type IToken, type TokenType } from 'chevrotain';
import { push } from './base.js';
import { D } from '../diagnostic-codes.js';
import { didYouMean } from '../../stdlib/suggest.js';
import { ClockParser } from './clock.js';

const VALUE_CONTINUES = new Set<TokenType>([Plus, Minus, Star, Slash, EqEq, NotEq, Greater, GreaterEq, Less, LessEq, Kw.matches, Kw.contains]);

/** Conditions (`where`, `when`, `unless`), their operands and patterns, dotted names and `EVENT where …`. */
export abstract class ConditionsParser extends ClockParser {
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
    // A `(` groups a condition unless a value operator follows its `)`: `(a + b) / 2 > 3`.
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => !this.parenthesisedValue(),
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
              {
                // `posted` and `never` are read by their text, so they stay free as names elsewhere.
                ALT: () => {
                  const word = this.CONSUME(Identifier);
                  let last = word;
                  this.OPTION7({
                    // `never posted`, or a misspelt `never` before `posted` (reported below, once).
                    GATE: () => word.image === 'never' || (word.image !== 'posted' && this.LA(1).image === 'posted'),
                    DEF: () => {
                      last = this.CONSUME2(Identifier);
                    },
                  });
                  const wrong = last !== word && word.image !== 'never' ? word : last.image !== 'posted' ? last : undefined;
                  if (!this.RECORDING_PHASE && wrong && !wrong.isInsertedInRecovery) {
                    const options = wrong === word && last !== word ? ['never'] : ['role', 'tag', 'posted', 'never'];
                    this.problem(
                      D.E0450.notPosted(wrong.image),
                      this.span(wrong),
                      didYouMean(wrong.image, options) ?? 'write `member has posted` or `member has never posted`',
                    );
                  }
                  result = { kind: 'hasPosted', never: last !== word, span: this.spanFrom(first) };
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
          // `time between …`, `weekday is …`, `date is …`, `chance 10%` (clock.ts): before a value named `time`.
          GATE: () => this.clockAhead() || this.withChanceAhead(),
          IGNORE_AMBIGUITIES: true,
          ALT: () => {
            result = this.SUBRULE(this.clockCondition)!;
          },
        },
        {
          ALT: () => {
            result = this.SUBRULE(this.predicate)!;
          },
        },
      ],
    });
    return result;
  });

  /** Answers of parenthesisedValue, for every `(` one scan passed, so nested parentheses are scanned once. */
  private readonly parenAnswers = new WeakMap<IToken, boolean>();

  /** Whether the `(` at LA(1) closes before an operator that continues a value (`+ - * /`, a comparison, `matches`, `contains`). */
  private parenthesisedValue(): boolean {
    const known = this.parenAnswers.get(this.LA(1));
    if (known !== undefined) return known;
    const open: IToken[] = [];
    for (let i = 1; ; i++) {
      const t = this.LA(i);
      if (t.tokenType === EOF) return false;
      if (t.tokenType === LParen) open.push(t);
      else if (t.tokenType === RParen) {
        const o = open.pop();
        if (!o) return false;
        const answer = VALUE_CONTINUES.has(this.LA(i + 1).tokenType);
        this.parenAnswers.set(o, answer);
        if (open.length === 0) return answer;
      }
    }
  }

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
}
