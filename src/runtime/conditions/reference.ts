import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Cond, CondValue, IR } from '../../ir/schema.js';
import { anyFactName, factName, toJreCondition, type JreCondition } from '../../compiler/backends/rules.js';
import { arith, callFunction } from '../../stdlib/arithmetic.js';
import { dict, ownReader } from '../../stdlib/dict.js';
import { clockValue } from '../../stdlib/local-time.js';
import { attendanceCount, counterValue, drawSalt, memberAge, type EvalContext } from './engine.js';
import type { CondFn, ValueFn } from './fast.js';
import { levelOf } from '../member.js';
import { Network } from '../network.js';

/**
 * The reference path for conditions: every condition is evaluated by json-rules-engine on the
 * rules backend's form (`playbook compile --target rules`), with facts read from the runtime state.
 * json-rules-engine only answers through a promise; the runtime is synchronous by contract
 * (docs/runtime.md), so the engine runs in a worker thread and the caller waits on an
 * `Atomics` flag, then takes the reply with `receiveMessageOnPort`. Slow by design: it exists so
 * the fast closures can be checked against the library end to end (`--engine reference`).
 */

type Resolver = (ctx: EvalContext) => unknown;

const DAY_MS = 86_400_000;
const REPLY_TIMEOUT_MS = 60_000;

export class ReferenceConditions {
  private readonly bridge: JreBridge;
  private readonly levels: { name: string; at: number }[];
  private readonly segments = new Map<string, Cond>();
  private readonly segmentFns = new Map<string, CondFn>();
  private nextId = 0;

  /** `network`: where counts `across groups` are read (the runtime's; a fresh one when absent). */
  constructor(
    private readonly ir: IR,
    private readonly network: Network = new Network(),
  ) {
    this.bridge = new JreBridge();
    this.levels = [...ir.levels].sort((a, b) => a.at - b.at);
    for (const s of ir.segments) this.segments.set(s.name, s.where);
  }

  compile(c: Cond): CondFn {
    const id = this.nextId++;
    const jre = toJreCondition(c);
    const facts = new Map<string, Resolver>();
    this.collectFacts(c, facts);
    let sent = false;
    return (ctx) => {
      const values = dict<unknown>();
      for (const [name, resolve] of facts) values[name] = resolve(ctx);
      const reply = this.bridge.ask({ id, conditions: sent ? undefined : jre, facts: values });
      // Stryker disable next-line BooleanLiteral: the worker keeps a condition by its id; sending it again changes nothing
      sent = true;
      return reply;
    };
  }

  /** A value is computed from the same facts the conditions read (json-rules-engine only compares). */
  compileValue(v: CondValue): ValueFn {
    // Stryker disable next-line StringLiteral,BlockStatement: a constant's fact (valueFact) gives the same constant
    if ('const' in v) {
      const k = v.const;
      return () => k;
    }
    const facts = new Map<string, Resolver>();
    this.valueFact(v, facts);
    return facts.get(anyFactName(v)) ?? (() => undefined);
  }

  close(): void {
    this.bridge.close();
  }

  private collectFacts(c: Cond, out: Map<string, Resolver>): void {
    if ('all' in c) {
      c.all.forEach((x) => {
        this.collectFacts(x, out);
      });
      return;
    }
    if ('any' in c) {
      c.any.forEach((x) => {
        this.collectFacts(x, out);
      });
      return;
    }
    if ('not' in c) {
      this.collectFacts(c.not, out);
      return;
    }
    switch (c.op) {
      case 'eq':
      case 'ne':
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        this.valueFact(c.left, out);
        this.valueFact(c.right, out);
        out.set('const:true', () => true);
        return;
      case 'matches':
      case 'contains':
      case 'truthy':
        this.valueFact(c.left, out);
        return;
      case 'hasRole':
        // Stryker disable next-line ArrayDeclaration: json-rules-engine's `contains` is false for no list as for a list without the role
        out.set('member.roles', (ctx) => (ctx.member ? (ctx.member.roles ?? []) : undefined));
        return;
      case 'hasTag':
        // Stryker disable next-line ArrayDeclaration: likewise
        out.set('member.tags', (ctx) => (ctx.member ? (ctx.member.tags ?? []) : undefined));
        return;
      case 'hasPosted':
        out.set('member.posted', (ctx) => ctx.member?.lastPosted !== undefined);
        return;
      case 'inSegment': {
        const name = c.segment;
        out.set(`segment.${name}`, (ctx) => {
          if (!ctx.member) return false;
          let fn = this.segmentFns.get(name);
          if (!fn) {
            const where = this.segments.get(name);
            // Stryker disable next-line ArrowFunction: an absent fact is not equal to true either
            fn = where ? this.compile(where) : () => false;
            this.segmentFns.set(name, fn);
          }
          // Segments describe members: event fields read as absent inside them.
          return fn({ ...ctx, event: undefined });
        });
        return;
      }
      case 'inStage':
        out.set('community.stages', (ctx) => {
          // Stryker disable next-line ArrayDeclaration: no campaign has a name with spaces
          const list: string[] = [];
          for (const [name, st] of Object.entries(ctx.community.campaigns)) if (st.stage) list.push(name, `${name}.${st.stage}`);
          return list;
        });
        return;
    }
  }

  private valueFact(v: CondValue, out: Map<string, Resolver>): void {
    const name = factName(v);
    if ('const' in v) {
      const k = v.const;
      out.set(`const:${JSON.stringify(k)}`, () => k);
      return;
    }
    if (!name) return;
    if ('field' in v) {
      // Own keys only: an inherited `toString` would be a function, which cannot even be posted to the worker.
      const read = ownReader(v.field);
      out.set(name, (ctx) => (ctx.event ? read(ctx.event.payload) : undefined));
    } else if ('member' in v) {
      const attr = v.member;
      out.set(name, (ctx) => {
        const m = ctx.member;
        if (!m) return undefined;
        if (attr === 'id') return m.id;
        if (attr === 'name') return m.name ?? m.id;
        if (attr === 'points') return m.points;
        if (attr === 'level') return levelOf(this.levels, m);
        if (attr === 'age') return memberAge(ctx);
        return Math.floor((ctx.now - m.joinedAt) / DAY_MS);
      });
    } else if ('counter' in v) {
      const spec = this.ir.counters.find((x) => x.id === v.counter);
      // A `where` read at query time is json-rules-engine's too, asked once per counted event.
      const filter = spec?.keep && spec.where ? this.compile(spec.where) : undefined;
      out.set(name, (ctx) => (spec ? counterValue(spec, ctx, filter, this.network) : 0));
    } else if ('this' in v) {
      const read = ownReader(v.this);
      out.set(name, (ctx) => (ctx.outer ? read(ctx.outer.payload) : undefined));
    } else if ('attendance' in v) {
      const { schedule, kind, withinMs } = v.attendance;
      out.set(name, (ctx) => attendanceCount(ctx, schedule, kind, withinMs));
    } else if ('clock' in v) {
      const part = v.clock;
      const zone = this.ir.timezone;
      out.set(name, (ctx) => clockValue(part, ctx.now, zone));
    } else {
      // Arithmetic: a fact of its own, computed from the facts of its parts.
      const parts = 'arith' in v ? [v.left, v.right] : v.args;
      const resolvers = parts.map((p) => {
        const own = new Map<string, Resolver>();
        this.valueFact(p, own);
        return own.get(anyFactName(p)) ?? (() => undefined);
      });
      out.set(
        name,
        'arith' in v
          ? (ctx) => arith(v.arith, resolvers[0]!(ctx), resolvers[1]!(ctx))
          : (ctx) =>
              callFunction(
                v.fn,
                resolvers.map((r) => r(ctx)),
                drawSalt(ctx, v.draw),
              ),
      );
    }
  }
}

interface Ask {
  id: number;
  conditions: JreCondition | undefined;
  facts: Record<string, unknown>;
}

/** A synchronous call into json-rules-engine running in a worker thread. */
class JreBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // Under tsx or vitest this module is TypeScript source, but a worker that loads TypeScript
    // through a loader deadlocks while this thread waits; it runs the built file instead
    // (`npm test` builds first).
    const fromSource = import.meta.url.endsWith('.ts');
    const url = new URL(fromSource ? '../../../dist/runtime/conditions/jre-worker.js' : './jre-worker.js', import.meta.url);
    if (!existsSync(fileURLToPath(url))) throw new Error(`the reference engine needs the built worker ${fileURLToPath(url)}: run npm run build`);
    this.worker = new Worker(url, { workerData: { port: port2, flag: this.flag }, transferList: [port2], execArgv: [] });
    this.worker.unref();
    this.port.unref();
  }

  ask(req: Ask): boolean {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(req);
    // Stryker disable next-line StringLiteral,BlockStatement: a worker that does not answer within a minute, which no test waits for
    if (Atomics.wait(this.flag, 0, 0, REPLY_TIMEOUT_MS) === 'timed-out') {
      // Stryker disable next-line StringLiteral: likewise
      throw new Error('json-rules-engine worker did not answer (reference engine)');
    }
    const msg = receiveMessageOnPort(this.port)?.message as { ok: boolean } | { error: string } | undefined;
    // Stryker disable next-line StringLiteral: the worker posts its reply before it raises the flag
    if (!msg) throw new Error('json-rules-engine worker sent no reply');
    if ('error' in msg) throw new Error(`json-rules-engine: ${msg.error}`);
    return msg.ok;
  }

  close(): void {
    void this.worker.terminate();
  }
}
