/**
 * The text of something thrown, for a log line or a reply: an error's message, or the value
 * itself as text (a string thrown, a rejected promise's reason). Never a stack trace
 * (docs/architecture.md: users see a clear message, not a trace).
 */
export function messageOf(e: unknown): string {
  const m = (e as Partial<Error> | null | undefined)?.message;
  return typeof m === 'string' ? m : String(e);
}
