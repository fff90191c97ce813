// The json-rules-engine baseline: one Engine holding the rules `playbook compile --target rules`
// emits for the workload (`toRules(ir)`, with the project's custom operators), `await
// engine.run(facts)` per message, and the fired rules applied by the hand-written loop's own code
// (`applyMessage`). Everything around the library is the hand-written loop, so the difference
// between the two is the library's evaluation.
import { Engine } from 'json-rules-engine';
import { toRules } from '../dist/index.js';
import { registerOperators } from '../dist/compiler/backends/rules.js';
import { applyMessage, Front, memberOf, recordWindow } from './handwritten.mjs';

const NOTHING = [];

export function createJsonRules(ir) {
  const rules = toRules(ir);
  const engine = new Engine([], { allowUndefinedFacts: true });
  registerOperators(engine);
  for (const r of rules) engine.addRule(r);
  // The facts the rules read, by the names the rules backend gives them.
  const windowFact = rules.flatMap((r) => JSON.stringify(r.conditions).match(/counter\.[A-Za-z0-9_]+/g) ?? [])[0];
  if (!windowFact) throw new Error('json-rules-engine baseline: the workload rules have no window counter');
  const front = new Front();
  const members = new Map();
  const iso = front.iso;
  return {
    async dispatch(ev) {
      const now = front.accept(ev);
      if (now !== now) return NOTHING;
      const m = memberOf(members, ev);
      if (!m) return NOTHING;
      const inWindow = recordWindow(m, now);
      const { events } = await engine.run({ 'event.type': ev.type, 'event.text': ev.text, 'member.roles': m.roles, [windowFact]: inWindow });
      let ad = false;
      let flood = false;
      let points = false;
      for (const e of events) {
        if (e.type === 'rule:no_ads') ad = true;
        else if (e.type === 'rule:flood') flood = true;
        else if (e.type === 'points.award') points = true;
      }
      const out = [];
      applyMessage(m, ev, now, iso, ev.community, ad, flood, points, out);
      return out;
    },
  };
}
