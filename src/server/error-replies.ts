import { RememberedIdsFull } from '../runtime/remembered-limits.js';
import { StorageError, UnconfirmedError } from '../store/durable.js';
import { HttpError } from './http.js';
import { messageOf } from '../stdlib/errors.js';

/**
 * The reply to a request whose handling threw (docs/serve.md, "Status codes"), and the line the
 * server logs for it, if any. After any of these, nothing of the request was applied except where
 * the reply says it may have been stored (a failed flush).
 */
export function errorReply(e: unknown, request: string): { error: HttpError; log?: string } {
  if (e instanceof HttpError) return { error: e };
  if (e instanceof UnconfirmedError) {
    return {
      log: `storage error: ${e.message}; restart the server`,
      error: new HttpError(
        503,
        `storage error: ${e.message}; this request may or may not have been stored: send it again once the server is restarted (its event ids make a repeat harmless)`,
      ),
    };
  }
  if (e instanceof StorageError) {
    return {
      log: `storage error: ${e.message}`,
      error: new HttpError(503, `storage error: ${e.message}; nothing of this request was applied, send it again`, {}, { 'retry-after': '1' }),
    };
  }
  // A community's remembered ids are full: no bug and no passing fault. Sending it again helps
  // only once older ids leave the horizon or the horizon is shortened, so no Retry-After.
  if (e instanceof RememberedIdsFull) {
    return { log: `refused on ${request}: ${e.message}`, error: new HttpError(507, `${e.message}; nothing of this request was applied`) };
  }
  const message = messageOf(e);
  return { log: `internal error on ${request}: ${message}`, error: new HttpError(500, `internal error: ${message}; nothing of this request was applied`) };
}
