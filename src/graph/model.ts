/**
 * The format-neutral graph model between the IR and the Mermaid / DOT writers. Labels are lists
 * of plain-text lines; ids are ASCII-only and unique within a diagram, so writers only have to
 * escape labels, never invent ids.
 */

/** `state`: a UML state diagram (Mermaid `stateDiagram-v2`); `flow`: a flowchart. */
export type DiagramKind = 'state' | 'flow';

export type NodeShape =
  /** A state of a state diagram. */
  | 'state'
  /** The start pseudo-state (`[*]` in Mermaid), scoped to its group. */
  | 'initial'
  /** The end pseudo-state, scoped to its group. */
  | 'final'
  /** A plain box: a rule, a ladder step, a points entry. */
  | 'box'
  /** A box with rounded corners: an action. */
  | 'rounded'
  /** A stadium: something that happens (an event, a calendar tick). */
  | 'event'
  /** A hexagon: a goal, a level, a badge. */
  | 'hexagon';

export interface GraphNode {
  id: string;
  lines: string[];
  shape: NodeShape;
  /** Id of the group the node sits in; absent at the top level. */
  group?: string;
}

export interface GraphEdge {
  /** A node id, or in state diagrams the id of a composite group. */
  from: string;
  to: string;
  lines: string[];
  dashed?: boolean;
}

export interface GraphGroup {
  id: string;
  lines: string[];
  /**
   * `composite`: a state that contains other states (may be an edge end; its `region` children
   * run in parallel). `region`: one parallel region of a composite. `cluster`: a flowchart box.
   */
  kind: 'composite' | 'region' | 'cluster';
  parent?: string;
}

export interface Diagram {
  /** What `--only` matches besides `name`: `lifecycle:member`, `ritual:onboarding`, `rules`. */
  key: string;
  /** The construct's own name: `member`, `onboarding`, `rules`. */
  name: string;
  /** Shown above the diagram: `lifecycle member`. */
  title: string;
  kind: DiagramKind;
  direction: 'LR' | 'TB';
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
}

/**
 * Hands out ids such as `s3_newcomer`: a kind prefix and a counter make them unique and keep them
 * clear of every keyword of both formats (`end`, `state`, `graph`, …); the ASCII part of the
 * name is only there to make the generated text readable.
 */
export class IdAllocator {
  private next = 0;

  id(prefix: string, name = ''): string {
    const slug = name
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 24)
      .toLowerCase();
    const n = this.next++;
    return slug ? `${prefix}${n}_${slug}` : `${prefix}${n}`;
  }
}

/** A diagram under construction, with helpers that keep ids and groups consistent. */
export class DiagramBuilder {
  readonly ids = new IdAllocator();
  readonly diagram: Diagram;

  constructor(init: Omit<Diagram, 'nodes' | 'edges' | 'groups'>) {
    this.diagram = { ...init, nodes: [], edges: [], groups: [] };
  }

  node(prefix: string, name: string, shape: NodeShape, lines: string[], group?: string): string {
    const id = this.ids.id(prefix, name);
    this.diagram.nodes.push(group === undefined ? { id, lines, shape } : { id, lines, shape, group });
    return id;
  }

  group(prefix: string, name: string, kind: GraphGroup['kind'], lines: string[], parent?: string): string {
    const id = this.ids.id(prefix, name);
    this.diagram.groups.push(parent === undefined ? { id, lines, kind } : { id, lines, kind, parent });
    return id;
  }

  edge(from: string, to: string, lines: string[] = [], dashed = false): void {
    this.diagram.edges.push(dashed ? { from, to, lines, dashed } : { from, to, lines });
  }
}
