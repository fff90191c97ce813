import { compile } from '../../src/compiler/compile.js';
import type { IR } from '../../src/ir/schema.js';
import { createRuntime, type OutputAction, type Runtime, type RuntimeOptions } from '../../src/runtime/runtime.js';

/**
 * Shared helpers of the per-construct tests (issue 14, item 7). Each construct file compiles
 * small inline playbooks and feeds events through the public runtime API only.
 */

export function load(body: string, timezone = 'Asia/Shanghai'): IR {
  const source = `playbook "T" { timezone "${timezone}" }\n${body}`;
  const r = compile(source, { file: 'construct.playbook' });
  if (!r.ir) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return r.ir;
}

export type Raw = Record<string, unknown>;

/** An event maker with its own id sequence, for one community. */
export function events(community = 'c1') {
  let n = 0;
  const ev = (type: string, at: string, member?: string, payload: Raw = {}): Raw => ({
    id: `${community}-${++n}`,
    type,
    at,
    community,
    ...(member !== undefined ? { member } : {}),
    ...payload,
  });
  return {
    ev,
    join: (at: string, member: string, payload: Raw = {}) => ev('member.joined', at, member, payload),
    leave: (at: string, member: string) => ev('member.left', at, member),
    msg: (at: string, member: string, text = 'hello') => ev('message.posted', at, member, { messageId: `m${n + 1}`, text }),
    checkin: (at: string, member: string) => ev('checkin.done', at, member),
  };
}

export function runtime(body: string, options: RuntimeOptions = {}, timezone?: string): Runtime {
  return createRuntime(load(body, timezone), options);
}

export function feed(rt: Runtime, list: Raw[]): OutputAction[] {
  const out: OutputAction[] = [];
  for (const e of list) out.push(...rt.dispatch(e));
  return out;
}

export const ofType = (actions: OutputAction[], type: string) => actions.filter((a) => a.type === type);
export const texts = (actions: OutputAction[]) => ofType(actions, 'message.send').map((a) => a.text as string);
export const amounts = (actions: OutputAction[]) => ofType(actions, 'points.award').map((a) => a.amount);
