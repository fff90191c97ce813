import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { Engine } from 'json-rules-engine';
import { registerOperators, type JreCondition } from '../../compiler/backends/rules.js';
import { messageOf } from '../../stdlib/errors.js';

/**
 * The worker side of the reference condition engine: json-rules-engine is asynchronous, the
 * runtime is not, so the runtime blocks on a shared flag while this thread runs `engine.run`.
 * One engine per condition, built the first time the condition is asked about.
 */

interface Request {
  id: number;
  conditions?: JreCondition;
  facts: Record<string, unknown>;
}

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
const engines = new Map<number, Engine>();

port.on('message', (req: Request) => void answer(req));

async function answer(req: Request): Promise<void> {
  let reply: { ok: boolean } | { error: string };
  try {
    let engine = engines.get(req.id);
    if (!engine) {
      if (!req.conditions) throw new Error(`condition ${req.id} was never sent`);
      engine = new Engine([], { allowUndefinedFacts: true });
      registerOperators(engine);
      // Stryker disable next-line StringLiteral: the rule's name is read by nobody
      engine.addRule({ name: `c${req.id}`, conditions: { all: [req.conditions] } as never, event: { type: 'true' } });
      engines.set(req.id, engine);
    }
    const { events } = await engine.run(req.facts);
    reply = { ok: events.length > 0 };
  } catch (e) {
    // Stryker disable next-line OptionalChaining: json-rules-engine throws errors, never null
    reply = { error: messageOf(e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
// Stryker disable next-line OptionalChaining: a worker always has its parent port
parentPort?.postMessage('ready');
