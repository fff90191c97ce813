import type * as A from '../ast.js';
import { D } from '../diagnostic-codes.js';
import { Colon, Comma, DurationLiteral, Identifier, Kw, Name, NumberLiteral, StringLiteral } from '../lexer.js';
import { AudiencesParser } from './audiences.js';

/**
 * Targets and the platform actions (docs/language.md, "Targets" and "Platform actions"): roles,
 * unmute, ban, pin, reply, join approval and webhook calls. The older actions are actions.ts,
 * which calls these rules.
 */
export abstract class PlatformActionsParser extends AudiencesParser {
  /**
   * `member` (the event's member: no target) or a word naming another one: a field of the event
   * that holds a member id (`author`) or `inviter`. Which words fit is the checker's to say.
   */
  protected target = this.declareRule('target', (): A.Target | undefined => {
    let out: A.Target | undefined;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.member);
        },
      },
      {
        ALT: () => {
          out = this.ident(this.CONSUME(Identifier));
        },
      },
    ]);
    return out;
  });

  /**
   * `mute member 10m [reason "…"]`, beside `unmute` and `ban` below: `for` may come before the
   * length, which may be computed (`mute author 10m * n`).
   */
  protected muteAction = this.declareRule('muteAction', (): A.Action => {
    const first = this.CONSUME(Kw.mute);
    const target = this.SUBRULE4(this.target);
    // `for`, or a word in its place (`mute member during 10m`, reported); not a value's name (`min(…)`).
    this.OPTION({
      GATE: () => this.LA(1).image === 'for' || this.LA(2).tokenType === DurationLiteral || this.LA(2).tokenType === NumberLiteral,
      DEF: () => {
        const w = this.CONSUME(Name, { LABEL: 'for' });
        if (w.image !== 'for' && !w.isInsertedInRecovery) this.problem(D.E0010.muteFor(w.image), this.span(w));
      },
    });
    const mute: Extract<A.Action, { kind: 'mute' }> = { kind: 'mute', ...(target && { target }), span: this.spanFrom(first) };
    // A lone duration keeps the form it always had (and its error, `expected a duration like
    // 10m`, for `mute member 10 minutes`); a value is computed when the mute runs.
    this.OR([
      {
        GATE: () => this.computedValueAhead(),
        ALT: () => {
          const value = this.SUBRULE(this.operand);
          if (value) mute.value = value;
        },
      },
      {
        ALT: () => {
          mute.duration = this.duration(this.CONSUME(DurationLiteral));
        },
      },
    ]);
    this.OPTION2(() => {
      this.CONSUME(Kw.reason);
      mute.reason = this.str(this.CONSUME(StringLiteral));
    });
    mute.span = this.spanFrom(first);
    return mute;
  });

  protected platformAction = this.declareRule('platformAction', (): A.PlatformAction => {
    const first = this.LA(1);
    let result!: A.PlatformAction;
    this.OR([
      {
        // `grant role vip to member`, `revoke role vip from author`; the member when no one is named.
        ALT: () => {
          let revoke = false;
          this.OR2([{ ALT: () => this.CONSUME(Kw.grant) }, { ALT: () => ((revoke = true), this.CONSUME(Kw.revoke)) }]);
          this.CONSUME(Kw.role);
          const role = this.ident(this.CONSUME(Name));
          const r: Extract<A.PlatformAction, { kind: 'role' }> = { kind: 'role', revoke, role, span: this.span(first) };
          this.OPTION(() => {
            this.OR3([{ ALT: () => this.CONSUME(Kw.to) }, { ALT: () => this.CONSUME(Kw.from) }]);
            const t = this.SUBRULE(this.target);
            if (t) r.target = t;
          });
          r.span = this.spanFrom(first);
          result = r;
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.unmute);
          const t = this.SUBRULE2(this.target);
          result = t ? { kind: 'unmute', target: t, span: this.spanFrom(first) } : { kind: 'unmute', span: this.spanFrom(first) };
        },
      },
      {
        // `ban member`, `ban member for 7d reason "…"`, `ban author 1d`.
        ALT: () => {
          this.CONSUME(Kw.ban);
          const ban: Extract<A.PlatformAction, { kind: 'ban' }> = { kind: 'ban', span: this.span(first) };
          const t = this.SUBRULE3(this.target);
          if (t) ban.target = t;
          this.OPTION2(() => {
            this.OPTION3(() => this.CONSUME(Kw.for));
            ban.duration = this.duration(this.CONSUME(DurationLiteral));
          });
          this.OPTION4(() => {
            this.CONSUME(Kw.reason);
            ban.reason = this.str(this.CONSUME(StringLiteral));
          });
          ban.span = this.spanFrom(first);
          result = ban;
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.pin);
          this.CONSUME(Kw.message);
          result = { kind: 'pin', span: this.spanFrom(first) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.reply);
          const text = this.SUBRULE(this.messageText)!;
          result = { kind: 'reply', text, span: this.spanFrom(first) };
        },
      },
      {
        // `approve member`, `reject member reason "…"`: only the applicant, so no other target.
        ALT: () => {
          let reject = false;
          this.OR4([{ ALT: () => this.CONSUME(Kw.approve) }, { ALT: () => ((reject = true), this.CONSUME(Kw.reject)) }]);
          this.CONSUME2(Kw.member);
          const j: Extract<A.PlatformAction, { kind: 'join' }> = { kind: 'join', reject, span: this.span(first) };
          this.OPTION5(() => {
            this.CONSUME2(Kw.reason);
            j.reason = this.str(this.CONSUME2(StringLiteral));
          });
          j.span = this.spanFrom(first);
          result = j;
        },
      },
      {
        // `call crm with orderId, amount, buyer: member.name`: the body is one line of entries.
        ALT: () => {
          this.CONSUME(Kw.call);
          const endpoint = this.ident(this.CONSUME2(Name));
          const body: A.CallEntry[] = [];
          this.OPTION6({
            GATE: () => this.LA(1).image === 'with',
            DEF: () => {
              this.CONSUME2(Identifier, { LABEL: 'with' });
              this.AT_LEAST_ONE_SEP({
                SEP: Comma,
                DEF: () => {
                  const entry = this.SUBRULE(this.callEntry);
                  if (entry) body.push(entry);
                },
              });
            },
          });
          result = { kind: 'webhook', endpoint, body, span: this.spanFrom(first) };
        },
      },
    ]);
    return result;
  });

  /**
   * `key: value`, or a bare name whose value is the field (or `member`) of that name. Undefined
   * when a syntax error left no value (the error is reported).
   */
  protected callEntry = this.declareRule('callEntry', (): A.CallEntry | undefined => {
    let entry: A.CallEntry | undefined;
    this.OR([
      {
        GATE: () => this.LA(2).tokenType === Colon,
        ALT: () => {
          const key = this.ident(this.CONSUME(Name));
          this.CONSUME(Colon);
          const value = this.SUBRULE(this.operand);
          if (value) entry = { key, value };
        },
      },
      {
        ALT: () => {
          const value = this.SUBRULE2(this.operand);
          if (!value) return;
          // Only a one-word name is its own key (`orderId`, `member`); the checker asks for one otherwise.
          const key = value.kind === 'path' && value.path.length === 1 ? value.path[0]! : { name: '', span: value.span };
          entry = { key, value };
        },
      },
    ]);
    return entry;
  });
}
