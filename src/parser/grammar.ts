import type * as A from './ast.js';
import { emptyAst } from './empty-ast.js';
import { Semicolon } from './lexer.js';
import { push, pushAll } from './grammar/base.js';
import type { LookaheadData } from './grammar/lookahead-cache.js';
import { DirectMessagesParser } from './grammar/direct-messages.js';

export type { ShapeProblem } from './grammar/base.js';

/**
 * The grammar, written with chevrotain's embedded actions so each rule returns its AST node.
 * Error recovery is on: a rule that fails returns `undefined`, so every consumer filters
 * undefined children instead of trusting them.
 *
 * The rules are split by inheritance into src/parser/grammar/ (base.ts, values.ts, conditions.ts,
 * audiences.ts, actions.ts, declarations.ts, rules.ts, calendars.ts, leaderboards.ts, machines.ts, direct-messages.ts, each extending the one
 * before); this class adds the top-level rule and, once every rule is defined, runs chevrotain's
 * self-analysis.
 */
export class PlaybookParser extends DirectMessagesParser {
  constructor(options: { validate?: boolean; storedLookahead?: LookaheadData | false } = {}) {
    super(options);
    this.performSelfAnalysis();
  }

  // ------------------------------------------------------------------ top level

  /** The playbook being built, so a failure at the very end still returns what was parsed. */
  private partial: A.Playbook | undefined;

  public playbook = this.declareRule(
    'playbook',
    (): A.Playbook => {
      const pb = emptyAst();
      this.partial = pb;
      this.MANY(() => {
        const clauseStart = this.LA(1);
        this.OR([
          {
            ALT: () => {
              const h = this.SUBRULE(this.header);
              if (h) pb.header = h;
            },
          },
          {
            ALT: () => {
              pushAll(pb.roles, this.SUBRULE(this.roles));
            },
          },
          {
            ALT: () => {
              push(pb.events, this.SUBRULE(this.eventDecl));
            },
          },
          {
            ALT: () => {
              push(pb.templates, this.SUBRULE(this.templateDecl));
            },
          },
          {
            ALT: () => {
              push(pb.segments, this.SUBRULE(this.segmentDecl));
            },
          },
          {
            ALT: () => {
              push(pb.endpoints, this.SUBRULE(this.endpointDecl));
            },
          },
          {
            ALT: () => {
              push(pb.rituals, this.SUBRULE(this.ritual));
            },
          },
          {
            ALT: () => {
              push(pb.rules, this.SUBRULE(this.rule));
            },
          },
          {
            ALT: () => {
              push(pb.ladders, this.SUBRULE(this.ladder));
            },
          },
          {
            ALT: () => {
              pushAll(pb.points, this.SUBRULE(this.pointsBlock));
            },
          },
          {
            ALT: () => {
              pushAll(pb.levels, this.SUBRULE(this.levelsBlock));
            },
          },
          {
            ALT: () => {
              push(pb.badges, this.SUBRULE(this.badge));
            },
          },
          {
            ALT: () => {
              push(pb.leaderboards, this.SUBRULE(this.leaderboard));
            },
          },
          {
            ALT: () => {
              push(pb.lifecycles, this.SUBRULE(this.lifecycle));
            },
          },
          {
            ALT: () => {
              push(pb.schedules, this.SUBRULE(this.schedule));
            },
          },
          {
            ALT: () => {
              push(pb.jobs, this.SUBRULE(this.job));
            },
          },
          {
            ALT: () => {
              push(pb.campaigns, this.SUBRULE(this.campaign));
            },
          },
          {
            ALT: () => {
              push(pb.agendas, this.SUBRULE(this.agenda));
            },
          },
          {
            ALT: () => {
              push(pb.agendas, this.SUBRULE(this.oneOff));
            },
          },
          {
            ALT: () => {
              push(pb.directMessages, this.SUBRULE(this.directMessages));
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
      return pb;
    },
    { recoveryValueFunc: () => this.partial ?? emptyAst() },
  );
}

export type { TokenType } from 'chevrotain';
