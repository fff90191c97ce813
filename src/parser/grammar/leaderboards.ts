import type { IToken } from 'chevrotain';
import type * as A from '../ast.js';
import { D } from '../diagnostic-codes.js';
import { Kw, Name, NumberLiteral } from '../lexer.js';
import { table } from '../../stdlib/dict.js';
import { didYouMean } from '../../stdlib/suggest.js';
import { CalendarsParser } from './calendars.js';

/** The old form's period words (`leaderboard weekly top 3 …`). */
export const PERIOD_WORDS = table<A.LeaderboardDecl['period']>({
  daily: 'daily',
  weekly: 'weekly',
  monthly: 'monthly',
  all: 'all',
  alltime: 'all',
  overall: 'all',
});

/** The windows a leaderboard counts over, as written (docs/language.md, "Leaderboards"). */
export const BOARD_WINDOWS = table<A.BoardWindow>({
  'since last post': 'sinceLastPost',
  today: 'today',
  yesterday: 'yesterday',
  'this week': 'thisWeek',
  'last week': 'lastWeek',
  'this month': 'thisMonth',
  'last month': 'lastMonth',
  'all time': 'allTime',
});

/**
 * `leaderboard NAME top N by RANKING [WINDOW] every CALENDAR [skip if empty] ACTIONS`, and the
 * old `leaderboard [NAME] [daily|weekly|monthly|all] top N by points every …`. A period word
 * right after `leaderboard` is always the old period, never only a name (W0602 says so).
 */
export abstract class LeaderboardsParser extends CalendarsParser {
  protected leaderboard = this.declareRule('leaderboard', (): A.LeaderboardDecl => {
    const kw = this.CONSUME(Kw.leaderboard);
    const words: IToken[] = [];
    this.MANY({
      GATE: () => this.LA(1).tokenType !== Kw.top,
      DEF: () => {
        words.push(this.CONSUME(Name));
      },
    });
    this.CONSUME(Kw.top);
    const top = this.num(this.CONSUME(NumberLiteral));
    let rankBy: A.Operand | undefined;
    this.OPTION(() => {
      this.CONSUME(Kw.by);
      rankBy = this.SUBRULE(this.operand);
    });
    const windowWords: IToken[] = [];
    this.MANY2({
      GATE: () => this.LA(1).tokenType !== Kw.every,
      DEF: () => {
        windowWords.push(this.CONSUME2(Name));
      },
    });
    this.CONSUME(Kw.every);
    const every = this.SUBRULE(this.calendar)!;
    let skipIfEmpty = false;
    this.OPTION2({
      GATE: () => this.LA(1).image === 'skip',
      DEF: () => {
        const skip = this.CONSUME3(Name);
        const rest = [this.CONSUME4(Name), this.CONSUME5(Name)];
        skipIfEmpty = true;
        this.ACTION(() => {
          if (rest.some((t) => t.isInsertedInRecovery)) return;
          const said = `${skip.image} ${rest.map((t) => t.image).join(' ')}`;
          if (said !== 'skip if empty') this.problem(D.E0607.notSkipIfEmpty(said), this.span(skip, rest[1]), 'write `skip if empty`');
        });
      },
    });
    const actions = this.SUBRULE(this.actionBlock) ?? [];
    const lb: A.LeaderboardDecl = {
      name: { name: 'leaderboard', span: this.span(kw) },
      period: 'all',
      top,
      skipIfEmpty,
      every,
      actions,
      span: this.spanFrom(kw),
    };
    if (rankBy) lb.rankBy = rankBy;
    this.ACTION(() => {
      this.nameAndPeriod(lb, words);
      this.window(lb, windowWords);
    });
    return lb;
  });

  private nameAndPeriod(lb: A.LeaderboardDecl, words: IToken[]): void {
    const [first, second] = words;
    if (first) lb.name = this.ident(first);
    const periodTok = words.length === 1 ? first : second;
    const period = periodTok ? PERIOD_WORDS[periodTok.image] : undefined;
    if (periodTok && period) {
      lb.period = period;
      lb.periodWord = this.ident(periodTok);
      if (words.length === 1) lb.nameFromPeriod = true;
    }
    if (words.length > 2 || (words.length === 2 && !period)) {
      this.problem(D.E0108.leaderboardPeriod(words[1]!.image), this.span(words[1]!));
    }
  }

  private window(lb: A.LeaderboardDecl, words: IToken[]): void {
    const first = words[0];
    const last = words[words.length - 1];
    if (!first || !last || words.some((w) => w.isInsertedInRecovery)) return;
    const said = words.map((w) => w.image).join(' ');
    const span = this.span(first, last);
    const window = BOARD_WINDOWS[said];
    if (window) lb.window = { window, span };
    else {
      this.problem(
        D.E0607.unknownWindow(said),
        span,
        didYouMean(said, Object.keys(BOARD_WINDOWS)) ??
          'the windows are `since last post`, `today`, `yesterday`, `this week`, `last week`, `this month`, `last month` and `all time`',
      );
    }
  }
}
