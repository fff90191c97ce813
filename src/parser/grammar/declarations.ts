import type * as A from '../ast.js';
import { D } from '../diagnostic-codes.js';
import {
  Colon,
  Comma,
  DurationLiteral,
  EqEq,
  Identifier,
  Kw,
  LBrace,
  LBracket,
  Name,
  NumberLiteral,
  Question,
  RBrace,
  RBracket,
  Semicolon,
  StringLiteral,
} from '../lexer.js';
import { push } from './base.js';
import { ActionsParser } from './actions.js';

/** The header and the names a playbook declares: roles, events and their fields, templates, segments. */
export abstract class DeclarationsParser extends ActionsParser {
  protected header = this.declareRule('header', (): A.Header | undefined => {
    const kw = this.CONSUME(Kw.playbook);
    const name = this.str(this.CONSUME(StringLiteral));
    const h: A.Header = { name, span: this.span(kw) };
    this.OPTION(() => {
      this.CONSUME(LBrace);
      this.MANY(() => {
        const clauseStart = this.LA(1);
        this.OR([
          {
            ALT: () => {
              this.CONSUME(Kw.timezone);
              h.timezone = this.str(this.CONSUME2(StringLiteral));
            },
          },
          {
            ALT: () => {
              this.CONSUME(Kw.locale);
              h.locale = this.str(this.CONSUME3(StringLiteral));
            },
          },
          {
            ALT: () => {
              this.CONSUME(Kw.description);
              h.description = this.str(this.CONSUME4(StringLiteral));
            },
          },
          {
            ALT: () => {
              this.CONSUME(Kw.horizon);
              h.horizon = this.duration(this.CONSUME(DurationLiteral));
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
    });
    h.span = this.spanFrom(kw);
    return h;
  });

  protected roles = this.declareRule('roles', (): A.Ident[] => {
    this.CONSUME(Kw.roles);
    const out: A.Ident[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        out.push(this.ident(this.CONSUME(Name)));
      },
    });
    return out;
  });

  protected eventDecl = this.declareRule('eventDecl', (): A.EventDecl => {
    const kw = this.CONSUME(Kw.event);
    const name = this.SUBRULE(this.dottedName)!;
    const fields: A.FieldDecl[] = [];
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
      this.OR([
        {
          ALT: () => {
            push(fields, this.SUBRULE(this.fieldDecl));
          },
        },
        {
          ALT: () => {
            this.CONSUME(Comma);
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
    return { name, fields, span: this.spanFrom(kw) };
  });

  protected fieldDecl = this.declareRule('fieldDecl', (): A.FieldDecl => {
    const name = this.ident(this.CONSUME(Name));
    let optional = false;
    this.OPTION(() => {
      this.CONSUME(Question);
      optional = true;
    });
    this.CONSUME(Colon);
    const typeTok = this.CONSUME2(Name);
    const list =
      this.OPTION2(() => {
        this.CONSUME(LBracket);
        this.CONSUME(RBracket);
        return true;
      }) === true;
    this.OPTION3(() => {
      this.CONSUME2(Question);
      optional = true;
    });
    const typeSpan = this.spanFrom(typeTok);
    let type: A.FieldType = 'string';
    const t = typeTok.image;
    if (list && (t === 'string' || t === 'text')) type = 'string[]';
    else if (!list && (t === 'number' || t === 'string' || t === 'boolean')) type = t;
    else if (!list && t === 'text') type = 'string';
    else if (!typeTok.isInsertedInRecovery) {
      this.problem(D.E0107.unknownFieldType(`${t}${list ? '[]' : ''}`), typeSpan, 'field types are number, string, boolean and string[]');
    }
    return { name, type, typeSpan, optional };
  });

  protected templateDecl = this.declareRule('templateDecl', (): A.TemplateDecl => {
    this.CONSUME(Kw.template);
    const name = this.ident(this.CONSUME(Name));
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(Colon) }, { ALT: () => this.CONSUME(EqEq) }]));
    const text = this.str(this.CONSUME(StringLiteral));
    return { name, text };
  });

  protected segmentDecl = this.declareRule('segmentDecl', (): A.SegmentDecl => {
    const kw = this.CONSUME(Kw.segment);
    const name = this.ident(this.CONSUME(Name));
    this.OR([{ ALT: () => this.CONSUME(Kw.where) }, { ALT: () => this.CONSUME(EqEq) }, { ALT: () => this.CONSUME(Colon) }]);
    const where = this.SUBRULE(this.condition)!;
    return { name, where, span: this.spanFrom(kw) };
  });

  /**
   * `endpoint crm { url env "CRM_URL"; timeout 5s; retries 5 }`: a webhook's address and how hard
   * to try (docs/language.md, "Webhooks"). The clause words are plain names, checked here.
   */
  protected endpointDecl = this.declareRule('endpointDecl', (): A.EndpointDecl => {
    const kw = this.CONSUME(Kw.endpoint);
    const decl: A.EndpointDecl = { name: this.ident(this.CONSUME(Name)), span: this.span(kw) };
    this.CONSUME(LBrace);
    this.MANY(() => {
      const clauseStart = this.LA(1);
      this.OR([
        {
          GATE: () => this.LA(1).image === 'url',
          ALT: () => {
            this.CONSUME(Identifier, { LABEL: 'url' });
            let env = false;
            this.OPTION({
              GATE: () => this.LA(1).image === 'env',
              DEF: () => {
                this.CONSUME2(Identifier, { LABEL: 'env' });
                env = true;
              },
            });
            decl.url = { value: this.str(this.CONSUME(StringLiteral)), env };
          },
        },
        {
          GATE: () => this.LA(1).image === 'timeout',
          ALT: () => {
            this.CONSUME3(Identifier, { LABEL: 'timeout' });
            decl.timeout = this.duration(this.CONSUME(DurationLiteral));
          },
        },
        {
          GATE: () => this.LA(1).image === 'retries',
          ALT: () => {
            this.CONSUME4(Identifier, { LABEL: 'retries' });
            const n = this.CONSUME(NumberLiteral);
            decl.retries = { value: this.num(n), span: this.span(n) };
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
    decl.span = this.spanFrom(kw);
    return decl;
  });
}
