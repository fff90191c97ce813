import type { IToken } from 'chevrotain';
import type * as A from '../ast.js';
import { D } from '../diagnostic-codes.js';
import { Comma, DurationLiteral, Kw, LBrace, Name, NumberLiteral, RBrace, Semicolon, TimeLiteral } from '../lexer.js';
import { MachinesParser } from './machines.js';

/**
 * `direct messages { at most N per member per D, else hold; quiet hours A to B, hold }`
 * (docs/language.md, "Direct messages"). `messages`, `hours` and `else` are read by their text,
 * not as keywords, so they stay free as names elsewhere; the clause's last word (`hold` or
 * `drop`) is a name the checker reads, so a misspelt one gets a did-you-mean instead of a
 * syntax error.
 */
export abstract class DirectMessagesParser extends MachinesParser {
  protected directMessages = this.declareRule('directMessages', (): A.DirectMessagesDecl => {
    const kw = this.CONSUME(Kw.direct);
    const word = this.CONSUME(Name, { LABEL: 'messages' });
    if (!this.RECORDING_PHASE && !word.isInsertedInRecovery && word.image !== 'messages') {
      this.problem(D.E0440.notMessages(word.image), this.span(word), 'write `direct messages { … }`');
    }
    const d: A.DirectMessagesDecl = { caps: [], quiet: [], span: this.span(kw) };
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
      this.OR([
        {
          ALT: () => {
            const at = this.CONSUME(Kw.at);
            this.CONSUME(Kw.most);
            const n = this.CONSUME(NumberLiteral);
            this.CONSUME(Kw.per);
            this.OPTION(() => {
              this.CONSUME(Kw.member);
              this.CONSUME2(Kw.per);
            });
            const per = this.duration(this.CONSUME(DurationLiteral));
            const policy = this.SUBRULE(this.dmPolicy);
            const cap: A.DirectMessagesCap = { count: { value: this.num(n), text: n.image, span: this.span(n) }, per, span: this.spanFrom(at) };
            if (policy) cap.policy = policy;
            d.caps.push(cap);
          },
        },
        {
          ALT: () => {
            const q = this.CONSUME(Kw.quiet);
            const hours = this.CONSUME2(Name, { LABEL: 'hours' });
            if (!this.RECORDING_PHASE && !hours.isInsertedInRecovery && hours.image !== 'hours') {
              this.problem(D.E0440.notHours(hours.image), this.span(hours), 'write `quiet hours 22:00 to 08:00, hold`');
            }
            const a = this.CONSUME(TimeLiteral);
            this.CONSUME(Kw.to);
            const b = this.CONSUME2(TimeLiteral);
            const quiet: A.DirectMessagesQuiet = { times: { span: this.span(a, b) }, span: this.span(q) };
            const from = this.timeMinutes(a);
            const to = this.timeMinutes(b);
            if (from !== undefined) quiet.times.from = from;
            if (to !== undefined) quiet.times.to = to;
            const policy = this.SUBRULE2(this.dmPolicy);
            if (policy) quiet.policy = policy;
            quiet.span = this.spanFrom(q);
            d.quiet.push(quiet);
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
    d.span = this.spanFrom(kw);
    return d;
  });

  /** `, else hold` / `hold` / `, drop`: absent when the clause ends without one (the checker asks for it). */
  protected dmPolicy = this.declareRule('dmPolicy', (): A.Ident | undefined => {
    let word: IToken | undefined;
    this.OPTION(() => this.CONSUME(Comma));
    this.OPTION2({
      // The next clause starts with `at` or `quiet`: those are not a policy.
      GATE: () => this.LA(1).tokenType !== Kw.at && this.LA(1).tokenType !== Kw.quiet,
      DEF: () => {
        word = this.CONSUME(Name);
        this.OPTION3({
          GATE: () => word?.image === 'else' && this.LA(1).tokenType !== Kw.at && this.LA(1).tokenType !== Kw.quiet,
          DEF: () => {
            word = this.CONSUME2(Name);
          },
        });
      },
    });
    return word && !word.isInsertedInRecovery ? this.ident(word) : undefined;
  });
}
