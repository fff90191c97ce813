import type * as A from '../ast.js';
import { D } from '../diagnostic-codes.js';
import { Colon, Identifier, Kw, LBrace, Minus, Name, NumberLiteral, Plus, RBrace, Semicolon, StringLiteral } from '../lexer.js';
import { push } from './base.js';
import { PlatformActionsParser } from './platform-actions.js';

/**
 * Actions: blocks, lists and lines of them, each action (audiences and texts are in audiences.ts,
 * targets and the platform actions in platform-actions.ts).
 */
export abstract class ActionsParser extends PlatformActionsParser {
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
          const target = this.SUBRULE(this.target);
          let reason: A.MessageText | undefined;
          this.OPTION2(() => {
            reason = this.SUBRULE3(this.messageText);
          });
          this.CONSUME(Kw.on);
          this.CONSUME(Kw.ladder);
          const ladder = this.ident(this.CONSUME(Name));
          result = { kind: 'warn', ...(target && { target }), ...(reason && { reason }), ladder, span: this.spanFrom(first) };
        },
      },
      {
        // `forgive member on ladder L`: an appeal granted clears the member's warnings on L.
        ALT: () => {
          this.CONSUME(Kw.forgive);
          const target = this.SUBRULE2(this.target);
          this.CONSUME2(Kw.on);
          this.CONSUME2(Kw.ladder);
          const ladder = this.ident(this.CONSUME6(Name));
          result = { kind: 'forgive', ...(target && { target }), ladder, span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          result = this.SUBRULE(this.muteAction)!;
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.remove);
          this.OR2([
            {
              ALT: () => {
                const target = this.SUBRULE4(this.target);
                let reason: A.StringLit | undefined;
                this.OPTION5(() => {
                  this.CONSUME2(Kw.reason);
                  reason = this.str(this.CONSUME2(StringLiteral));
                });
                result = { kind: 'remove', ...(target && { target }), ...(reason && { reason }), span: this.spanFrom(first) };
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
                const target = this.SUBRULE5(this.target);
                const tag = this.str(this.CONSUME4(StringLiteral));
                result = { kind, ...(target && { target }), tag, span: this.spanFrom(first) };
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
          let target: A.Target | undefined;
          this.OPTION9(() => {
            this.CONSUME3(Kw.to);
            target = this.SUBRULE6(this.target);
          });
          result = { kind: 'awardBadge', ...(target && { target }), badge, span: this.spanFrom(first) };
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
          let target: A.Target | undefined;
          this.MANY(() => {
            this.OR6([
              {
                // `award 5 points to inviter`, `deduct 2 points from author`.
                ALT: () => {
                  this.OR9([{ ALT: () => this.CONSUME2(Kw.to) }, { ALT: () => this.CONSUME(Kw.from) }]);
                  target = this.SUBRULE7(this.target);
                },
              },
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
          result = {
            kind: 'award',
            ...(target && { target }),
            amount,
            ...(computed && { value: computed }),
            ...(reason && { reason }),
            multiplied,
            span: this.spanFrom(first),
          };
        },
      },
      {
        ALT: () => {
          result = this.SUBRULE(this.eachOrDraw)!;
        },
      },
      {
        ALT: () => {
          result = this.SUBRULE(this.platformAction)!;
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
