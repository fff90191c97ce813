/**
 * The shape of a registry entry (src/parser/diagnostic-codes.ts): a severity, a short title and
 * the builders of its messages, and the helpers the code tables under this folder write them with.
 * Imports nothing, as the registry imports nothing.
 */

export type Severity = 'error' | 'warning';

export type Builders = Record<string, (...args: never[]) => string>;

export interface Spec<S extends Severity, B extends Builders> {
  readonly severity: S;
  readonly title: string;
  readonly messages: B;
}

export const error = <B extends Builders>(title: string, messages: B): Spec<'error', B> => ({ severity: 'error', title, messages });
export const warning = <B extends Builders>(title: string, messages: B): Spec<'warning', B> => ({ severity: 'warning', title, messages });

/** Backquoted, as messages show names and source text. */
export const q = (s: string | number) => `\`${s}\``;
