/**
 * The codes of targets, platform actions and webhooks (docs/language.md, "Targets", "Platform
 * actions" and "Webhooks"): E0420-E0439 and W0408-W0429. docs/diagnostics.md.
 */
import { error, q } from './spec.js';

export const TARGET_CODES = {
  E0420: error('unknown target', {
    unknownTarget: (word: string, events: string) => `${q(word)} names no member here: it is not a text field of ${events}, nor \`inviter\``,
  }),
  E0421: error('target without an event', {
    noEvent: (word: string, where: string) => `${q(word)} is a field of the event, and ${where} runs without one`,
    noInviter: (where: string) => `\`inviter\` is the inviter of the member, and ${where} runs without one`,
  }),
  E0422: error('target field is not text', {
    notText: (field: string, event: string, type: string) => `field ${q(field)} of \`${event}\` is a ${type}, not a member id`,
  }),
  E0423: error('unknown endpoint', {
    unknownEndpoint: (name: string) => `no endpoint named ${q(name)}`,
  }),
  E0424: error('webhook body entry', {
    noKey: () => 'a body entry needs a name: write `key: value`, or a bare field name',
    duplicateKey: (key: string) => `the body has ${q(key)} twice`,
  }),
  E0425: error('endpoint declaration', {
    noUrl: (name: string) => `endpoint ${q(name)} has no \`url\``,
    badUrl: (url: string) => `${q(url)} is not an http:// or https:// address`,
    badEnv: (name: string) => `${q(name)} is not an environment variable name`,
    retries: (n: string) => `retries must be a whole number from 0 to 20, not ${n}`,
  }),
  E0426: error('join decision outside a join request', {
    notJoinRequest: (action: string, where: string) => `\`${action}\` decides a join request, and ${where} is not triggered by \`member.join_requested\``,
  }),
};
