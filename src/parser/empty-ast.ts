import type { Playbook } from './ast.js';

/** A playbook with nothing in it: the tree of an empty file, and what recovery starts from. */
export function emptyAst(): Playbook {
  return {
    roles: [],
    events: [],
    templates: [],
    segments: [],
    rituals: [],
    rules: [],
    ladders: [],
    points: [],
    levels: [],
    badges: [],
    leaderboards: [],
    lifecycles: [],
    schedules: [],
    jobs: [],
    campaigns: [],
    agendas: [],
    directMessages: [],
    endpoints: [],
    comments: [],
    clauses: [],
  };
}
