import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import { didYouMean } from '../../stdlib/suggest.js';
import type { Action, Endpoint } from '../../ir/schema.js';
import { duration } from './checks.js';
import { anyValue } from './conditions.js';
import { aboutMessage, noMember, type Checker, type Scope } from './scopes.js';
import { text } from './templates.js';

/**
 * The platform actions (docs/language.md, "Platform actions" and "Webhooks"): roles, unmute, ban,
 * pin, reply, join decisions and webhook calls, each with what it needs in scope. Their targets
 * are lowered by actions.ts like every other action's.
 */
export function platformAction(cx: Checker, a: A.PlatformAction, scope: Scope): Action {
  switch (a.kind) {
    case 'role':
      if (!scope.member) noMember(cx, a.span, scope, a.revoke ? 'revoke role' : 'grant role');
      if (!cx.roles.has(a.role.name)) {
        cx.bag.report(D.E0202.unknownRole(a.role.name), a.role.span, didYouMean(a.role.name, cx.roles) ?? 'declare it with `roles vip, kol, …`');
      }
      return { do: 'role', role: a.role.name, revoke: a.revoke };
    case 'unmute':
      if (!scope.member) noMember(cx, a.span, scope, 'unmute member');
      return { do: 'unmute' };
    case 'ban': {
      if (!scope.member) noMember(cx, a.span, scope, 'ban member');
      const out: Extract<Action, { do: 'ban' }> = { do: 'ban' };
      if (a.duration) out.durationMs = Math.max(1000, duration(cx, a.duration, 'ban'));
      if (a.reason) out.reason = text(cx, { kind: 'inline', text: a.reason }, scope, true);
      return out;
    }
    case 'pin':
    case 'reply':
      if (!aboutMessage(cx, scope)) {
        cx.bag.report(D.E0409.needsMessage(a.kind === 'pin' ? 'pin message' : 'reply', scope.what), a.span, 'trigger the rule `on message.posted`');
      }
      return a.kind === 'pin' ? { do: 'pin' } : { do: 'reply', text: text(cx, a.text, scope, scope.member) };
    case 'join': {
      const words = a.reject ? 'reject member' : 'approve member';
      if (!scope.events.includes('member.join_requested'))
        cx.bag.report(D.E0426.notJoinRequest(words, scope.what), a.span, 'write it in a rule `on member.join_requested`');
      const out: Extract<Action, { do: 'join' }> = { do: 'join', reject: a.reject };
      if (a.reason) out.reason = text(cx, { kind: 'inline', text: a.reason }, scope, true);
      return out;
    }
    case 'webhook':
      return { do: 'webhook', endpoint: endpointRef(cx, a.endpoint), body: body(cx, a.body, scope) };
  }
}

function endpointRef(cx: Checker, name: A.Ident): string {
  if (!cx.endpoints.has(name.name)) {
    cx.bag.report(
      D.E0423.unknownEndpoint(name.name),
      name.span,
      didYouMean(name.name, cx.endpoints.keys()) ?? 'declare it with `endpoint NAME { url "https://…" }`',
    );
  }
  return name.name;
}

function body(cx: Checker, entries: A.CallEntry[], scope: Scope): { key: string; value: Extract<Action, { do: 'webhook' }>['body'][number]['value'] }[] {
  const seen = new Set<string>();
  const out = [];
  for (const e of entries) {
    if (e.key.name === '') {
      cx.bag.report(D.E0424.noKey(), e.value.span, 'e.g. `buyer: member.name`');
      continue;
    }
    if (seen.has(e.key.name)) cx.bag.report(D.E0424.duplicateKey(e.key.name), e.key.span);
    seen.add(e.key.name);
    out.push({ key: e.key.name, value: anyValue(cx, e.value, scope) });
  }
  return out;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `endpoint NAME { … }` declarations, checked, for the IR's `endpoints`. */
export function endpoint(cx: Checker, d: A.EndpointDecl): Endpoint {
  const out: Endpoint = { timeoutMs: d.timeout ? Math.max(1, duration(cx, d.timeout, 'timeout')) : 10_000, retries: 3 };
  if (!d.url) cx.bag.report(D.E0425.noUrl(d.name.name), d.name.span, 'add `url "https://…"`, or `url env "NAME"` to read it from the environment');
  else if (d.url.env) {
    if (!ENV_NAME.test(d.url.value.value)) cx.bag.report(D.E0425.badEnv(d.url.value.value), d.url.value.span);
    out.urlEnv = d.url.value.value;
  } else {
    if (!/^https?:\/\/[^\s/]+/.test(d.url.value.value)) cx.bag.report(D.E0425.badUrl(d.url.value.value), d.url.value.span);
    out.url = d.url.value.value;
  }
  if (d.retries) {
    const n = d.retries.value;
    if (!Number.isInteger(n) || n < 0 || n > 20) cx.bag.report(D.E0425.retries(String(n)), d.retries.span);
    else out.retries = n;
  }
  return out;
}
