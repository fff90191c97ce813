/**
 * The codes of networks of groups (docs/language.md, "Networks of groups"): counts `across groups`
 * and campaigns `across all groups`, E0460-E0479 and W0440-W0449. docs/diagnostics.md.
 */
import { error, q, warning } from './spec.js';

export const NETWORK_CODES = {
  E0460: error('count across groups by member', {
    byMember: () => '`by member` and `across groups` contradict each other: one counts the member\u2019s own events, the other every group\u2019s',
  }),
  E0461: error('count across groups with within', {
    within: (implied: boolean) =>
      implied
        ? 'a goal of a campaign `across all groups` counts across groups, and a count across groups cannot say `within D`'
        : 'a count `across groups` cannot say `within D`: it is a running total of every group since the start (or since the campaign began)',
  }),
  E0462: error('count across groups where counts are the member\u2019s own', {
    memberScope: (where: string) => `counts in ${where} are the member\u2019s own events, so they cannot be \`across groups\``,
  }),
  E0463: error('network count in a goal of a campaign of one group', {
    goalOfGroup: (campaign: string) =>
      `a goal of campaign ${q(campaign)} is reached in each group separately, so a count \`across groups\` there would reach it in every group one by one`,
  }),
  W0440: warning('campaign across all groups without goals', {
    noGoals: (campaign: string) =>
      `campaign ${q(campaign)} is \`across all groups\` but has no goal: only goals and counts \`across groups\` are shared, and its stages run per group anyway`,
  }),
} as const;
