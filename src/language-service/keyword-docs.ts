import { LANGUAGE_DOCS } from './language-docs.js';

/**
 * Which section of docs/language.md explains each keyword: hovering `ladder` shows the opening of
 * "Ladders" (language-docs.ts holds the text, generated from the doc).
 */
const SECTION_OF = new Map<string, string>();
function section(title: string, words: string): void {
  for (const w of words.split(' ')) SECTION_OF.set(w, title);
}
section('The header', 'playbook timezone locale description horizon');
section('Roles', 'roles role has');
section('Custom events', 'event');
section('Templates and placeholders', 'template');
section('Segments', 'segment');
section('Combining: `and`, `or`, `not`, parentheses', 'and or not');
section('Comparisons', 'true false');
section('Randomness', 'chance random');
section('Time of day, weekday and date', 'time weekday date');
section('Text: `matches` and `contains`', 'matches contains any');
section('Members, tags, segments and stages', 'member in tagged');
section('Counting events: `count`, `sum`, `distinct`', 'count sum distinct within by');
section('Actions', 'say notify delete message warn mute remove tag untag award deduct admins members reason silent channel to');
section('Rituals', 'ritual starts step remind deadline cancel done');
section('Rules', 'rule on when unless priority once do where');
section('Direct messages', 'direct quiet most');
section('Rosters', 'posted never');
section('Ladders', 'ladder expire');
section('Points', 'points cooldown cap per unmultiplied');
section('Levels', 'levels at');
section('Badges', 'badge streak days of');
section('Leaderboards', 'leaderboard top');
section('Lottery draws', 'draw for');
section('Lifecycles', 'lifecycle initial without after');
section('Calendars', 'every');
section('Random times', 'between');
section('Schedules', 'schedule until start end attendance absences attended');
section('Periodic jobs', 'job');
section('Agendas and one-off dates', 'agenda');
section('Campaigns', 'campaign stage from goal enter exit');
section('Networks of groups', 'across all groups');

/** Markdown for a keyword: the opening of its section, or undefined for a word without one. */
export function keywordDoc(word: string): string | undefined {
  const title = SECTION_OF.get(word);
  const text = title === undefined ? undefined : LANGUAGE_DOCS.get(title);
  if (title === undefined || text === undefined) return undefined;
  return `**\`${word}\`**: docs/language.md, "${title}"\n\n${text}`;
}

/** Every keyword with a section, for tests. */
export function documentedKeywords(): Map<string, string> {
  return new Map(SECTION_OF);
}
