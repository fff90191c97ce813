import type * as A from '../ast.js';
import { D } from '../diagnostic-codes.js';
import { Colon, DurationLiteral, Identifier, Kw, LBrace, Minus, Name, NumberLiteral, Plus, RBrace, Semicolon, StringLiteral } from '../lexer.js';
import { push } from './base.js';
import { AudiencesParser } from './audiences.js';

/** Actions: blocks, lists and lines of them, each action (audiences and texts are in audiences.ts). */
export abstract class ActionsParser extends AudiencesParser {
  /**
   * Actions after `:` run to the end of the line (or on through `;`); actions in braces may span
   * lines. This keeps `remind after 12h: say ...` from swallowing the statement on the next line.
   */
  protected actionBlock = this.declareRule('actionBlock', (): A.Action[] => {
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
              {
                ALT: () => {
                  out = this.SUBRULE(this.lineActions) ?? [];
                },
              },
            ]);
          });
        },
      },
    ]);
    return out;
  });

  protected lineActions = this.declareRule('lineActions', (): A.Action[] => {
    const out: A.Action[] = [];
    push(out, this.SUBRULE(this.action));
    this.MANY({
      GATE: () => this.nextOnSameLine(),
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(Semicolon);
            },
          },
          {
            ALT: () => {
              push(out, this.SUBRULE2(this.action));
            },
          },
        ]);
      },
    });
    return out;
  });

  protected actionList = this.declareRule('actionList', (): A.Action[] => {
    const out: A.Action[] = [];
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Semicolon);
          },
        },
        {
          ALT: () => {
            push(out, this.SUBRULE(this.action));
          },
        },
      ]);
    });
    return out;
  });

  protected action = this.declareRule('action', (): A.Action => {
    const first = this.LA(1);
    let result!: A.Action;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.say);
          let to: A.Audience = { kind: 'group' };
          this.OPTION(() => {
            this.CONSUME(Kw.to);
            to = this.SUBRULE(this.audience) ?? to;
          });
          const text = this.SUBRULE(this.messageText)!;
          result = { kind: 'say', to, text, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.notify);
          this.CONSUME(Kw.admins);
          const text = this.SUBRULE2(this.messageText)!;
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
          this.OPTION2(() => {
            reason = this.SUBRULE3(this.messageText);
          });
          this.CONSUME(Kw.on);
          this.CONSUME(Kw.ladder);
          const ladder = this.ident(this.CONSUME(Name));
          result = reason ? { kind: 'warn', reason, ladder, span: this.spanFrom(first) } : { kind: 'warn', ladder, span: this.spanFrom(first) };
        },
      },
      {
        // `forgive member on ladder L`: an appeal granted clears the member's warnings on L.
        ALT: () => {
          this.CONSUME(Kw.forgive);
          this.CONSUME5(Kw.member);
          this.CONSUME2(Kw.on);
          this.CONSUME2(Kw.ladder);
          const ladder = this.ident(this.CONSUME6(Name));
          result = { kind: 'forgive', ladder, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.mute);
          this.CONSUME2(Kw.member);
          // `for`, or a word in its place (`mute member during 10m`, reported); not a value's name (`min(…)`).
          this.OPTION3({
            GATE: () => this.LA(1).image === 'for' || this.LA(2).tokenType === DurationLiteral || this.LA(2).tokenType === NumberLiteral,
            DEF: () => {
              const w = this.CONSUME2(Name, { LABEL: 'for' });
              if (w.image !== 'for' && !w.isInsertedInRecovery) this.problem(D.E0010.muteFor(w.image), this.span(w));
            },
          });
          const mute: Extract<A.Action, { kind: 'mute' }> = { kind: 'mute', span: this.spanFrom(first) };
          // A lone duration keeps the form it always had (and its error, `expected a duration like
          // 10m`, for `mute member 10 minutes`); a value is computed when the mute runs.
          this.OR7([
            {
              GATE: () => this.computedValueAhead(),
              ALT: () => {
                const value = this.SUBRULE3(this.operand);
                if (value) mute.value = value;
              },
            },
            {
              ALT: () => {
                mute.duration = this.duration(this.CONSUME(DurationLiteral));
              },
            },
          ]);
          this.OPTION4(() => {
            this.CONSUME(Kw.reason);
            mute.reason = this.str(this.CONSUME(StringLiteral));
          });
          mute.span = this.spanFrom(first);
          result = mute;
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
                this.OPTION5(() => {
                  this.CONSUME2(Kw.reason);
                  reason = this.str(this.CONSUME2(StringLiteral));
                });
                result = reason ? { kind: 'remove', reason, span: this.spanFrom(first) } : { kind: 'remove', span: this.spanFrom(first) };
              },
            },
            {
              ALT: () => {
                let silent = false;
                this.OPTION6(() => {
                  this.CONSUME(Kw.silent);
                  silent = true;
                });
                this.CONSUME(Kw.members);
                const f = this.SUBRULE(this.memberFilters) ?? {};
                let reason: A.StringLit | undefined;
                this.OPTION7(() => {
                  this.CONSUME3(Kw.reason);
                  reason = this.str(this.CONSUME3(StringLiteral));
                });
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
            {
              ALT: () => {
                this.CONSUME(Kw.tag);
              },
            },
            {
              ALT: () => {
                this.CONSUME(Kw.untag);
                kind = 'untag';
              },
            },
          ]);
          this.OR8([
            {
              ALT: () => {
                this.CONSUME4(Kw.member);
                const tag = this.str(this.CONSUME4(StringLiteral));
                result = { kind, tag, span: this.spanFrom(first) };
              },
            },
            {
              // `untag members "本周打卡"`, `tag members in active "活跃"`: anywhere, even with no member.
              ALT: () => {
                this.CONSUME2(Kw.members);
                const f = this.SUBRULE2(this.memberFilters) ?? {};
                const tag = this.str(this.CONSUME6(StringLiteral));
                result = { kind: 'tagMembers', untag: kind === 'untag', ...f, tag, span: this.spanFrom(first) };
              },
            },
          ]);
        },
      },
      {
        // `award badge NAME` before `award N points`: `badge` is also a name a value could start with.
        GATE: () => this.LA(2).tokenType === Kw.badge,
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.CONSUME2(Kw.award);
          this.CONSUME(Kw.badge);
          const badge = this.ident(this.CONSUME5(Name));
          result = { kind: 'awardBadge', badge, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          let sign = 1;
          this.OR4([
            {
              ALT: () => {
                this.CONSUME(Kw.award);
              },
            },
            {
              ALT: () => {
                this.CONSUME(Kw.deduct);
                sign = -1;
              },
            },
          ]);
          this.OPTION8(() => {
            this.OR5([
              {
                ALT: () => {
                  this.CONSUME(Plus);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(Minus);
                  sign = -sign;
                },
              },
            ]);
          });
          // Undefined after a syntax error the parser recovered from (base.ts, declareRule).
          const given = this.SUBRULE(this.operand);
          // A number stays a number (`award 5 points`); anything else is computed when it runs.
          const computed = given && given.kind !== 'number' ? given : undefined;
          const amount = given?.kind === 'number' ? sign * given.value : sign;
          this.CONSUME(Kw.points);
          let reason: A.StringLit | undefined;
          let multiplied = true;
          this.MANY(() => {
            this.OR6([
              {
                ALT: () => {
                  this.CONSUME4(Kw.reason);
                  reason = this.str(this.CONSUME5(StringLiteral));
                },
              },
              {
                ALT: () => {
                  this.CONSUME(Kw.unmultiplied);
                  multiplied = false;
                },
              },
            ]);
          });
          result = reason
            ? { kind: 'award', amount, ...(computed && { value: computed }), reason, multiplied, span: this.spanFrom(first) }
            : { kind: 'award', amount, ...(computed && { value: computed }), multiplied, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          result = this.SUBRULE(this.eachOrDraw)!;
        },
      },
    ]);
    return result;
  });

  /**
   * `for each member: ACTIONS` (leaderboards and draws) and `draw N members FILTER as NAME:
   * ACTIONS` (a lottery). The actions run to the end of the line, as after any `:`, for each
   * member ranked or drawn (docs/language.md, "Leaderboards", "Lottery draws").
   */
  protected eachOrDraw = this.declareRule('eachOrDraw', (): A.Action => {
    const first = this.LA(1);
    let result!: A.Action;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.for);
          const each = this.CONSUME(Name, { LABEL: 'each' });
          if (each.image !== 'each' && !each.isInsertedInRecovery) this.problem(D.E0412.notEach(each.image), this.span(each), 'write `for each member:`');
          this.CONSUME(Kw.member);
          this.CONSUME(Colon);
          const actions = this.SUBRULE(this.lineActions) ?? [];
          result = { kind: 'forEach', actions, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.draw);
          const n = this.CONSUME(NumberLiteral);
          this.CONSUME(Kw.members);
          const f = this.SUBRULE(this.memberFilters) ?? {};
          const draw: Extract<A.Action, { kind: 'draw' }> = {
            kind: 'draw',
            count: { value: this.num(n), span: this.span(n) },
            ...f,
            actions: [],
            span: this.span(first),
          };
          this.OPTION({
            GATE: () => this.LA(1).image === 'as',
            DEF: () => {
              this.CONSUME3(Identifier, { LABEL: 'as' });
              draw.name = this.ident(this.CONSUME2(Name));
            },
          });
          this.OPTION2(() => {
            this.CONSUME2(Colon);
            draw.actions = this.SUBRULE2(this.lineActions) ?? [];
          });
          draw.span = this.spanFrom(first);
          result = draw;
        },
      },
    ]);
    return result;
  });
}
