import { delayedEvent } from '../../ir/index.js';

/**
 * The fast machine engine's tree of state nodes (fast.ts), built once per machine from the
 * XState config the compiler emits: transitions by event, eventless ones, entry actions, and
 * `after` delays as raise/cancel pairs named as XState names them.
 */

export interface Transition {
  source: Node;
  target: Node | undefined;
  guard: string | undefined;
  runs: string[];
  reenter: boolean;
}

export interface Node {
  key: string;
  id: string;
  order: number;
  parent: Node | undefined;
  kind: 'atomic' | 'compound' | 'parallel' | 'final';
  children: Node[];
  initial: Node | undefined;
  on: Map<string, Transition[]>;
  always: Transition[];
  entryRuns: string[];
  raises: { id: string; delay: number }[];
  cancels: string[];
}

type Json = Record<string, unknown>;

export function buildTree(config: Json & { id: string }): Node {
  let order = 0;
  const all: { node: Node; json: Json }[] = [];
  const make = (key: string, json: Json, parent: Node | undefined): Node => {
    const id = parent ? `${parent.id}.${key}` : key;
    const states = (json['states'] ?? {}) as Record<string, Json>;
    const type = json['type'];
    const kind: Node['kind'] = type === 'parallel' ? 'parallel' : type === 'final' ? 'final' : Object.keys(states).length > 0 ? 'compound' : 'atomic';
    const node: Node = {
      key,
      id,
      order: order++,
      parent,
      kind,
      children: [],
      initial: undefined,
      on: new Map(),
      always: [],
      entryRuns: refs(json['entry']),
      raises: [],
      cancels: [],
    };
    all.push({ node, json });
    for (const [k, child] of Object.entries(states)) node.children.push(make(k, child, node));
    if (kind === 'compound') node.initial = node.children.find((c) => c.key === json['initial']) ?? node.children[0];
    return node;
  };
  const root = make(config.id, config, undefined);
  const byPath = (from: Node, target: string): Node | undefined => {
    // Targets in the emitted configs are sibling keys (XState's default resolution).
    // Stryker disable next-line ArrayDeclaration: XState itself refuses a target from the root
    const siblings = from.parent ? from.parent.children : [root];
    return siblings.find((s) => s.key === target);
  };
  const transitions = (source: Node, spec: unknown): Transition[] =>
    (Array.isArray(spec) ? spec : [spec]).map((raw) => {
      const t = (typeof raw === 'string' ? { target: raw } : raw) as Json;
      const guard = t['guard'] as { params?: { ref?: string } } | undefined;
      return {
        source,
        target: typeof t['target'] === 'string' ? byPath(source, t['target']) : undefined,
        guard: guard?.params?.ref,
        runs: refs(t['actions']),
        reenter: t['reenter'] === true,
      };
    });
  for (const { node, json } of all) {
    for (const [ev, spec] of Object.entries((json['on'] ?? {}) as Json)) node.on.set(ev, transitions(node, spec));
    if (json['always']) node.always = transitions(node, json['always']);
    // XState orders delays as `Object.keys` does: integer keys ascending.
    for (const [delay, spec] of Object.entries((json['after'] ?? {}) as Json)) {
      const type = delayedEvent(Number(delay), node.id);
      node.raises.push({ id: type, delay: Number(delay) });
      node.cancels.push(type);
      node.on.set(type, transitions(node, spec));
    }
    if (json['onDone']) node.on.set(`xstate.done.state.${node.id}`, transitions(node, json['onDone']));
  }
  return root;
}

function refs(list: unknown): string[] {
  if (!list) return [];
  // Stryker disable next-line MethodExpression: without the filter, a ref that is no string names no action either
  return (Array.isArray(list) ? list : [list])
    .map((a) => (a as { type?: string; params?: { ref?: string } }).params?.ref)
    .filter((r): r is string => typeof r === 'string');
}
