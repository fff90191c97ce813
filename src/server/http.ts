import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error with the HTTP status and the message to send (never a stack trace). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Read the whole body, refusing more than `limit` bytes (413) without buffering the excess. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      // Closing the connection after the reply stops a client from streaming the rest of a huge body.
      reject(new HttpError(413, `request body is ${declared} bytes; the limit is ${limit}`, {}, { connection: 'close' }));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        reject(new HttpError(413, `request body is over the limit of ${limit} bytes`, {}, { connection: 'close' }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (e) => {
      if (done) return;
      done = true;
      reject(new HttpError(400, `could not read the request body: ${e.message}`));
    });
  });
}

/** Decode UTF-8 strictly: a body that is not UTF-8 is a 400, not replacement characters in state. */
/** One decoder for every body: `decode` without `stream` keeps no state between calls. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function utf8(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new HttpError(400, 'request body is not valid UTF-8');
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value) + '\n';
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendLines(res: ServerResponse, lines: string[], headers: Record<string, string> = {}): void {
  const body = lines.length ? lines.join('\n') + '\n' : '';
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendError(res: ServerResponse, e: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, e.status, { error: e.message, ...e.extra }, e.headers);
}

/**
 * Bearer-token check in constant time: both sides are hashed first, so neither the length nor
 * the content of the token leaks through how long the comparison takes.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  const given = createHash('sha256')
    .update(m ? m[1]! : '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && m !== null;
}

/**
 * Why a string cannot be a bearer token, or undefined if it can. A token must fit the token68
 * syntax of RFC 6750 (letters, digits, `-._~+/`, then optional `=` padding): a space or a control
 * character could never arrive intact in an `Authorization` header, so a server started with one
 * would refuse every request. The message names the position, not the secret.
 */
export function bearerTokenProblem(token: string): string | undefined {
  if (token.length === 0) return 'is empty';
  const padding = /=*$/.exec(token)![0].length;
  for (let i = 0; i < token.length - padding; i++) {
    const c = token.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95 || c === 126 || c === 43 || c === 47;
    if (ok) continue;
    const what =
      c === 32
        ? 'a space'
        : c === 9
          ? 'a tab'
          : c === 10 || c === 13
            ? 'a line break'
            : c < 32 || c === 127
              ? 'a control character'
              : c > 127
                ? 'a non-ASCII character'
                : c === 61
                  ? '"=", which may only end it'
                  : JSON.stringify(token[i]);
    return `cannot be sent as a bearer token: character ${i + 1} is ${what}; ` + 'a token may hold letters, digits and - . _ ~ + / and end with = (RFC 6750)';
  }
  if (padding === token.length) return 'cannot be sent as a bearer token: it is only "="';
  return undefined;
}

/**
 * Resolves once the response has been handed to the operating system, or its connection is gone:
 * a stopping server waits for these before it closes the connections (docs/serve.md, "Signals").
 */
export function whenSent(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    res.once('finish', resolve).once('close', resolve);
  });
}

/**
 * A log line with its control characters (line breaks above all) written as escapes, so that a
 * value from a request, such as a `?file=` name, cannot start a line of its own in the log.
 */
export function escapeControls(line: string): string {
  // eslint-disable-next-line no-control-regex -- finding the control characters is the point
  return line.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
