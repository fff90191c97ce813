import type * as A from '../ast.js';
import { Identifier, Kw, Name, StringLiteral } from '../lexer.js';
import { ConditionsParser } from './conditions.js';

/** What actions address and say: audiences, member filters and message texts. */
export abstract class AudiencesParser extends ConditionsParser {
  protected audience = this.declareRule('audience', (): A.Audience => {
    let result!: A.Audience;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.member);
          result = { kind: 'member' };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.admins);
          result = { kind: 'admins' };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.channel);
          result = { kind: 'channel', channel: this.str(this.CONSUME(StringLiteral)) };
        },
      },
      {
        ALT: () => {
          let silent = false;
          this.OPTION(() => {
            this.CONSUME(Kw.silent);
            silent = true;
          });
          this.CONSUME(Kw.members);
          const f = this.SUBRULE(this.memberFilters) ?? {};
          result = { kind: 'members', silent, ...f };
        },
      },
      {
        GATE: () => this.LA(1).image === 'group' || this.LA(1).image === 'everyone',
        ALT: () => {
          this.CONSUME(Identifier);
          result = { kind: 'group' };
        },
      },
      {
        // `say to author "…"`: another member (docs/language.md, "Targets").
        ALT: () => {
          result = { kind: 'member', target: this.ident(this.CONSUME2(Identifier)) };
        },
      },
    ]);
    return result;
  });

  protected memberFilters = this.declareRule('memberFilters', () => {
    const f: { tagged?: A.StringLit; segment?: A.Ident; where?: A.Condition; unless?: A.Condition } = {};
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Kw.tagged);
            f.tagged = this.str(this.CONSUME(StringLiteral));
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.in);
            this.OPTION(() => this.CONSUME(Kw.segment));
            f.segment = this.ident(this.CONSUME(Name));
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.where);
            const c = this.SUBRULE(this.condition);
            if (c) f.where = c;
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.unless);
            const c = this.SUBRULE2(this.condition);
            if (c) f.unless = c;
          },
        },
      ]);
    });
    return f;
  });

  protected messageText = this.declareRule('messageText', (): A.MessageText => {
    let result!: A.MessageText;
    this.OR([
      {
        ALT: () => {
          result = { kind: 'inline', text: this.str(this.CONSUME(StringLiteral)) };
        },
      },
      {
        ALT: () => {
          result = { kind: 'template', name: this.ident(this.CONSUME(Identifier)) };
        },
      },
    ]);
    return result;
  });
}
