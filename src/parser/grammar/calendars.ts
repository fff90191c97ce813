import type { IToken } from 'chevrotain';
import type * as A from '../ast.js';
import { D } from '../diagnostic-codes.js';
import { Comma, DateLiteral, DurationLiteral, Kw, LBrace, Minus, Name, NumberLiteral, Plus, RBrace, Semicolon, TimeLiteral } from '../lexer.js';
import { RulesParser } from './rules.js';
import { WEEKDAY_GROUPS, WEEKDAYS } from '../weekdays.js';

export { WEEKDAYS };

/** A window that ends at or before it starts would cross midnight: say how to write it instead. */
function windowHint(from: string, to: string): string {
  return from === to
    ? 'a window needs two different times, the start before the end: `between 10:00 and 22:00`'
    : `a window lies within one day: write the earlier time first, or split it in two jobs, \`between ${from} and 23:59\` and \`between 00:00 and ${to}\` (two posts a day)`;
}

/** Calendars (`every …`) and the constructs that run on one: `schedule`, `job` (and `leaderboard`, leaderboards.ts). */
export abstract class CalendarsParser extends RulesParser {
  /**
   * `mon-fri 19:20`, `day at 09:00`, `week on mon at 9:00`, `month on 1, 15 at 10:00`.
   * Weekday words are plain names checked here, so `mon` stays usable as a name elsewhere.
   */
  protected calendar = this.declareRule('calendar', (): A.Calendar => {
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
        ALT: () => {
          this.CONSUME3(Name);
          cal.kind = 'daily';
        },
      },
      {
        ALT: () => {
          cal.kind = 'weekly';
          cal.weekdays = this.SUBRULE2(this.weekdays) ?? [];
        },
      },
    ]);
    this.OR5([
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.between);
          const a = this.CONSUME2(TimeLiteral);
          this.CONSUME(Kw.and);
          const b = this.CONSUME3(TimeLiteral);
          const from = this.timeMinutes(a);
          const to = this.timeMinutes(b);
          const span = this.spanFrom(kw);
          if (from !== undefined && to !== undefined) {
            // Kept even when backwards, so the calendar is not also reported as having no time.
            cal.between = { from, to, span };
            if (to <= from) this.problem(D.E0309.windowBackwards(a.image, b.image), span, windowHint(a.image, b.image));
          }
        },
      },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(Kw.at));
          this.AT_LEAST_ONE_SEP2({
            SEP: Comma,
            DEF: () => {
              const t = this.CONSUME(TimeLiteral);
              const m = this.timeMinutes(t);
              if (m !== undefined) cal.times.push(m);
            },
          });
        },
      },
    ]);
    cal.span = this.spanFrom(first);
    return cal;
  });

  protected timeMinutes(t: IToken): number | undefined {
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

  protected weekdays = this.declareRule('weekdays', (): number[] => {
    const out = new Set<number>();
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const a = this.CONSUME(Name);
        let b: IToken | undefined;
        this.OPTION(() => {
          this.CONSUME(Minus);
          b = this.CONSUME2(Name);
        });
        if (a.isInsertedInRecovery) return;
        const group = b ? undefined : WEEKDAY_GROUPS[a.image];
        if (group) {
          group.forEach((d) => out.add(d));
          return;
        }
        const from = WEEKDAYS[a.image.toLowerCase()];
        if (!from) {
          this.problem(D.E0308.notAWeekday(a.image), this.span(a), 'use mon, tue, wed, thu, fri, sat, sun, a range like mon-fri, or weekdays/weekend');
          return;
        }
        if (!b) {
          out.add(from);
          return;
        }
        const to = WEEKDAYS[b.image.toLowerCase()];
        if (!to) {
          if (!b.isInsertedInRecovery) this.problem(D.E0308.notAWeekday(b.image), this.span(b), 'use mon, tue, wed, thu, fri, sat or sun');
          return;
        }
        for (let d = from; ; d = (d % 7) + 1) {
          out.add(d);
          if (d === to) break;
        }
      },
    });
    return [...out].sort((x, y) => x - y);
  });

  protected schedule = this.declareRule('schedule', (): A.ScheduleDecl => {
    const kw = this.CONSUME(Kw.schedule);
    const name = this.ident(this.CONSUME(Name));
    this.CONSUME(Kw.every);
    const every = this.SUBRULE(this.calendar);
    const s: A.ScheduleDecl = { name, every: every!, hooks: [], span: this.span(kw) };
    this.OPTION(() => {
      this.CONSUME(Kw.until);
      const t = this.CONSUME(TimeLiteral);
      // An action: during the recording phase `every` is chevrotain's placeholder, without `times`.
      this.ACTION(() => {
        const end = this.timeMinutes(t);
        if (every?.between)
          this.problem(D.E0310.untilWithWindow(), this.span(t), 'give the session a fixed start (`every day at 19:00 until 20:00`), or drop `until`');
        const start = every?.times[0];
        if (end !== undefined && start !== undefined) {
          s.untilMinutes = end > start ? end - start : end + 24 * 60 - start;
        }
        if (every && every.times.length > 1) this.problem(D.E0306.severalStarts(), this.span(t), 'give one start time, or use separate schedules');
      });
    });
    this.OPTION2(() => {
      this.CONSUME(Kw.attendance);
      this.OPTION3(() => this.CONSUME(Kw.by));
      s.attendance = this.SUBRULE(this.dottedName);
    });
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
      this.OR([
        {
          ALT: () => {
            const k = this.CONSUME(Kw.at);
            let anchor: 'start' | 'end' = 'start';
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(Kw.start);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(Kw.end);
                  anchor = 'end';
                },
              },
            ]);
            let offsetMs = 0;
            this.OPTION4(() => {
              let sign = 1;
              this.OR3([
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
              offsetMs = sign * this.duration(this.CONSUME(DurationLiteral)).ms;
            });
            const actions = this.SUBRULE(this.actionBlock) ?? [];
            s.hooks.push({ anchor, offsetMs, actions, span: this.spanFrom(k) });
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
    s.span = this.spanFrom(kw);
    return s;
  });

  protected job = this.declareRule('job', (): A.JobDecl => {
    const first = this.LA(1);
    let name: A.Ident | undefined;
    this.OPTION(() => {
      this.CONSUME(Kw.job);
      name = this.ident(this.CONSUME(Name));
    });
    this.CONSUME(Kw.every);
    const every = this.SUBRULE(this.calendar)!;
    let when: A.Condition | undefined;
    this.OPTION2(() => {
      this.CONSUME(Kw.when);
      when = this.SUBRULE(this.condition);
    });
    const actions = this.SUBRULE(this.actionBlock) ?? [];
    const span = this.spanFrom(first);
    const out: A.JobDecl = { name: name ?? { name: `every_line_${span.line}`, span: this.span(first) }, every, actions, span };
    if (when) out.when = when;
    return out;
  });

  /** `agenda NAME on DATE { TIME [NAME]: ACTIONS … }`: timed steps on one date. */
  protected agenda = this.declareRule('agenda', (): A.AgendaDecl => {
    const kw = this.CONSUME(Kw.agenda);
    const name = this.ident(this.CONSUME(Name));
    this.CONSUME(Kw.on);
    const d = this.CONSUME(DateLiteral);
    const a: A.AgendaDecl = { name, date: { date: d.image, span: this.span(d) }, steps: [], oneOff: false, span: this.span(kw) };
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
      this.OR([
        {
          ALT: () => {
            const t = this.CONSUME(TimeLiteral);
            let stepName: A.Ident | undefined;
            this.OPTION(() => {
              stepName = this.ident(this.CONSUME2(Name));
            });
            const actions = this.SUBRULE(this.actionBlock) ?? [];
            const minutes = this.timeMinutes(t);
            if (minutes === undefined) return;
            const step: A.AgendaStep = { minutes, timeSpan: this.span(t), actions, span: this.spanFrom(t) };
            if (stepName) step.name = stepName;
            a.steps.push(step);
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
    a.span = this.spanFrom(kw);
    return a;
  });

  /** `on DATE [at] TIME: ACTIONS`: runs once, an agenda of one step named after its line. */
  protected oneOff = this.declareRule('oneOff', (): A.AgendaDecl => {
    const kw = this.CONSUME(Kw.on);
    const d = this.CONSUME(DateLiteral);
    this.OPTION(() => this.CONSUME(Kw.at));
    const t = this.CONSUME(TimeLiteral);
    const actions = this.SUBRULE(this.actionBlock) ?? [];
    const span = this.spanFrom(kw);
    const minutes = this.timeMinutes(t);
    const steps: A.AgendaStep[] = minutes === undefined ? [] : [{ minutes, timeSpan: this.span(t), actions, span }];
    return { name: { name: `on_line_${span.line}`, span: this.span(kw) }, date: { date: d.image, span: this.span(d) }, steps, oneOff: true, span };
  });
}
