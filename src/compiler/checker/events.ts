import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import { dict, own } from '../../stdlib/dict.js';
import { CORE_EVENTS } from '../core-events.js';
import type { EventType } from '../../ir/schema.js';
import { definedTwice, type Checker } from './scopes.js';

/**
 * `event NAME { field: type }` declarations: custom events join the core events in the table;
 * redeclaring a core event adds fields to it, and may not change the type of one it has.
 */
export function declareEvents(cx: Checker, events: A.EventDecl[]): void {
  const eventSeen = new Map<string, A.Ident>();
  for (const e of events) {
    if (definedTwice(cx, 'event', eventSeen, e.name)) continue;
    const fields = dict<EventType['fields'][string]>();
    const fieldSeen = new Map<string, A.Ident>();
    for (const f of e.fields) {
      if (definedTwice(cx, 'field', fieldSeen, f.name)) continue;
      if (['id', 'type', 'at', 'community', 'member'].includes(f.name.name)) {
        cx.bag.report(D.E0103.envelopeField(f.name.name), f.name.span);
        continue;
      }
      fields[f.name.name] = { type: f.type, optional: f.optional };
    }
    const core = own(CORE_EVENTS, e.name.name);
    if (core) {
      for (const [fname, fdef] of Object.entries(fields)) {
        const cf = own(core.fields, fname);
        if (cf && cf.type !== fdef.type) {
          const f = e.fields.find((x) => x.name.name === fname)!;
          cx.bag.report(D.E0104.coreFieldType(e.name.name, fname, cf.type, fdef.type), f.typeSpan);
        }
      }
      cx.events[e.name.name] = { ...core, fields: Object.assign(dict<EventType['fields'][string]>(), core.fields, fields) };
    } else {
      if (!/^[\p{L}_][\p{L}\p{N}_]*(\.[\p{L}_][\p{L}\p{N}_]*)+$/u.test(e.name.name)) {
        cx.bag.report(D.W0102.noNamespace(e.name.name), e.name.span, 'name custom events like `quiz.answered` so they never clash with future core events');
      }
      cx.events[e.name.name] = { core: false, memberLevel: true, fields };
    }
  }
}
