import type { IToken, TokenType } from 'chevrotain';
import type * as A from '../ast.js';
import {
  Comma,
  DateLiteral,
  DurationLiteral,
  EqEq,
  Greater,
  GreaterEq,
  Kw,
  LBracket,
  Less,
  LessEq,
  Minus,
  Name,
  NotEq,
  NumberLiteral,
  Percent,
  RBracket,
  TimeLiteral,
} from '../lexer.js';
import { push } from './base.js';
import { ValuesParser } from './values.js';

/** The words that open a clock condition; plain names elsewhere, so a field may still be called `date`. */
const CLOCK_WORDS = new Set(['time', 'weekday', 'date', 'chance']);
const COMPARE_TOKENS = new Set([GreaterEq, LessEq, NotEq, EqEq, Greater, Less]);

/**
 * Conditions on the clock and on chance (docs/language.md, "Time of day, weekday and date" and
 * "Randomness"): `time between 23:00 and 07:00`, `time >= 09:00`, `weekday is sat`,
 * `weekday in [mon-fri]`, `date is 2026-11-11`, `chance 10%`. The operands are kept as written;
 * the checker (compiler/checker/clock.ts) says what is wrong with `25:00`, `9` or `10m`.
 */
export abstract class ClockParser extends ValuesParser {
  /** Does a clock condition start here? `time`, `weekday`, `date` or `chance`, then its own next word. */
  protected clockAhead(): boolean {
    const word = this.LA(1).image;
    if (!CLOCK_WORDS.has(word)) return false;
    const next = this.LA(2);
    switch (word) {
      case 'time':
        return next.tokenType === Kw.between || COMPARE_TOKENS.has(next.tokenType);
      case 'weekday':
        return next.image === 'is' || next.tokenType === Kw.in || next.tokenType === EqEq || next.tokenType === NotEq;
      case 'date':
        return next.image === 'is' || COMPARE_TOKENS.has(next.tokenType);
      default:
        return next.tokenType === NumberLiteral || next.tokenType === DurationLiteral;
    }
  }

  /** `with chance 10%`, the issue's own wording, is read as `chance 10%`. */
  protected withChanceAhead(): boolean {
    return this.LA(1).image === 'with' && this.LA(2).image === 'chance' && this.clockAheadAt(2);
  }

  private clockAheadAt(offset: number): boolean {
    const next = this.LA(offset + 1);
    return next.tokenType === NumberLiteral || next.tokenType === DurationLiteral;
  }

  protected clockCondition = this.declareRule('clockCondition', (): A.Condition => {
    const first = this.LA(1);
    let result!: A.Condition;
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.LA(1).image === 'time',
          ALT: () => {
            this.CONSUME(Name);
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(Kw.between);
                  const a = this.SUBRULE(this.clockOperand) ?? this.noOperand();
                  this.CONSUME(Kw.and);
                  const b = this.SUBRULE2(this.clockOperand) ?? this.noOperand();
                  result = { kind: 'clockTime', op: 'between', values: [a, b], span: this.spanFrom(first) };
                },
              },
              {
                ALT: () => {
                  const op = this.SUBRULE(this.clockOp) ?? '==';
                  const v = this.SUBRULE3(this.clockOperand) ?? this.noOperand();
                  result = { kind: 'clockTime', op, values: [v], span: this.spanFrom(first) };
                },
              },
            ]);
          },
        },
        {
          GATE: () => this.LA(1).image === 'weekday',
          ALT: () => {
            this.CONSUME2(Name);
            const days: A.WeekdayItem[] = [];
            // `==` reads as `is` and `!=` as `not … is`: operators write both (issue 15).
            let negated = false as boolean;
            this.OR3([
              {
                GATE: () => this.LA(1).image === 'is',
                ALT: () => {
                  this.CONSUME3(Name);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(Kw.in);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(EqEq);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(NotEq);
                  negated = true;
                },
              },
            ]);
            this.OR4([
              {
                ALT: () => {
                  this.CONSUME(LBracket);
                  this.AT_LEAST_ONE_SEP({
                    SEP: Comma,
                    DEF: () => {
                      push(days, this.SUBRULE(this.weekdayItem));
                    },
                  });
                  this.CONSUME(RBracket);
                },
              },
              {
                ALT: () => {
                  push(days, this.SUBRULE2(this.weekdayItem));
                },
              },
            ]);
            const weekday: A.Condition = { kind: 'weekday', days, span: this.spanFrom(first) };
            result = negated ? { kind: 'not', item: weekday, span: weekday.span } : weekday;
          },
        },
        {
          GATE: () => this.LA(1).image === 'date',
          ALT: () => {
            this.CONSUME4(Name);
            let op: A.CompareOp = '==';
            this.OR5([
              {
                GATE: () => this.LA(1).image === 'is',
                ALT: () => {
                  this.CONSUME5(Name);
                },
              },
              {
                ALT: () => {
                  op = this.SUBRULE2(this.clockOp) ?? '==';
                },
              },
            ]);
            const date = this.SUBRULE4(this.clockOperand) ?? this.noOperand();
            result = { kind: 'clockDate', op, date, span: this.spanFrom(first) };
          },
        },
        {
          GATE: () => this.LA(1).image === 'chance' || this.LA(1).image === 'with',
          ALT: () => {
            this.OPTION2({
              GATE: () => this.LA(1).image === 'with',
              DEF: () => {
                this.CONSUME7(Name);
              },
            });
            this.CONSUME6(Name);
            const percent = this.SUBRULE5(this.clockOperand) ?? this.noOperand();
            let hasPercentSign = false;
            this.OPTION(() => {
              this.CONSUME(Percent);
              hasPercentSign = true;
            });
            result = { kind: 'chance', percent, hasPercentSign, span: this.spanFrom(first) };
          },
        },
      ],
    });
    return result;
  });

  /** What a syntax error left where an operand belongs: text '' (the checker skips it; the error is reported). */
  private noOperand(): A.ClockOperand {
    return { kind: 'time', text: '', span: this.span(this.LA(0)) };
  }

  /** `sat`, `mon-fri`, `weekend`, `周末`: checked against the calendar's weekday words by the checker. */
  protected weekdayItem = this.declareRule('weekdayItem', (): A.WeekdayItem => {
    const from = this.ident(this.CONSUME(Name));
    const item: A.WeekdayItem = { from };
    this.OPTION(() => {
      this.CONSUME(Minus);
      item.to = this.ident(this.CONSUME2(Name));
    });
    return item;
  });

  protected clockOperand = this.declareRule('clockOperand', (): A.ClockOperand => {
    let t!: IToken;
    let kind: A.ClockOperand['kind'] = 'time';
    this.OR([
      {
        ALT: () => {
          t = this.CONSUME(TimeLiteral);
        },
      },
      {
        ALT: () => {
          t = this.CONSUME(NumberLiteral);
          kind = 'number';
        },
      },
      {
        ALT: () => {
          t = this.CONSUME(DurationLiteral);
          kind = 'duration';
        },
      },
      {
        ALT: () => {
          t = this.CONSUME(DateLiteral);
          kind = 'date';
        },
      },
    ]);
    return { kind, text: t.isInsertedInRecovery ? '' : t.image, span: this.span(t) };
  });

  protected clockOp = this.declareRule('clockOp', (): A.CompareOp => {
    let op: A.CompareOp = '==';
    const alt = (tok: TokenType, to: A.CompareOp) => ({
      ALT: () => {
        this.CONSUME(tok);
        op = to;
      },
    });
    this.OR([alt(GreaterEq, '>='), alt(LessEq, '<='), alt(NotEq, '!='), alt(EqEq, '=='), alt(Greater, '>'), alt(Less, '<')]);
    return op;
  });
}
