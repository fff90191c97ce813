/**
 * The source of one generated function (the `generated` engine, docs/architecture.md): the
 * playbook reaches the code only as data. Regexes, closures, IR objects and numbers go into an
 * array of constants the function closes over and are read by index (`K[3]`); strings that are
 * compared or used as property names are written as JSON string literals (`lit`), so no text of
 * a playbook (a quote, a backslash, `*\/`, `${`, a line break, U+2028) can end the literal it is
 * in. Nothing else of the playbook is written into the code: no comment, no identifier.
 */
/**
 * Compiled code by its text: runtimes of one playbook (a bench's rounds, serve's reloads, tests)
 * generate the same text with their own constants, and parse it once. Bounded, as texts differ
 * by playbook.
 */
const factories = new Map<string, (k: unknown[]) => unknown>();
const MAX_FACTORIES = 2000;

/** The names generated functions go by in profiles and stack traces: the generator's own words, never the playbook's. */
export type GeneratedName = 'generated' | 'generatedPlan' | 'generatedValidator';

export class Source {
  /** What the generated function reads as `K[i]`. */
  readonly consts: unknown[] = [];
  private readonly indexOf = new Map<unknown, number>();
  private temps = 0;

  /** `K[i]` for a value (one slot per distinct object or string). */
  k(value: unknown): string {
    let i = this.indexOf.get(value);
    if (i === undefined) {
      i = this.consts.length;
      this.consts.push(value);
      // Numbers are not shared: a Map key conflates 0 and -0.
      if (typeof value !== 'number') this.indexOf.set(value, i);
    }
    return `K[${i}]`;
  }

  /** A fresh local variable, declared by `declarations()`. */
  temp(): string {
    return `t${this.temps++}`;
  }

  /** `let t0, t1;` for the temps used so far (empty when none). */
  declarations(): string {
    if (this.temps === 0) return '';
    return `let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(', ')};\n`;
  }

  /**
   * Compiles `body` into a function of `params` that sees the constants as `K`. The text is built
   * here only from the generator's own fragments, `lit` literals and `K[i]` references.
   */
  build(params: readonly string[], body: string, name: GeneratedName = 'generated'): unknown {
    const code = `"use strict";\nreturn function ${name}(${params.join(', ')}) {\n${this.declarations()}${body}\n};`;
    let make = factories.get(code);
    if (!make) {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point of this engine (docs/architecture.md); every playbook literal is data or a JSON literal (see above)
      make = new Function('K', code) as (k: unknown[]) => unknown;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a cache: cleared more or less often, the same text is compiled again to the same code; docs/testing.md
      if (factories.size >= MAX_FACTORIES) factories.clear();
      factories.set(code, make);
    }
    return make(this.consts);
  }
}

/**
 * A string as a JavaScript string literal. JSON.stringify escapes quotes, backslashes and control
 * characters; U+2028 and U+2029 are escaped too, so the text stays one line whatever reads it.
 */
export function lit(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** `o[key]` for a property name from the playbook: bracket access with a literal key. */
export function prop(object: string, key: string): string {
  return `${object}[${lit(key)}]`;
}
