/**
 * Webhook mode of the Telegram adapter: Telegram POSTs each update to a public HTTPS URL (a
 * reverse proxy in front of this listener terminates TLS), with the secret given to setWebhook
 * in the X-Telegram-Bot-Api-Secret-Token header. An update is answered 200 only once its events
 * are handed to the bot (which commits them at once); any other answer makes Telegram send it
 * again later, and its ids make the repeat a duplicate.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Update } from 'grammy/types';
import { messageOf } from '../stdlib/errors.js';

/** Telegram's updates are small; anything larger is not one. */
const MAX_BODY = 1 << 20;

export interface WebhookSettings {
  /** The public URL Telegram posts to (https, port 443, 80, 88 or 8443 on the real service). */
  url: string;
  /** Where this process listens for it (behind the proxy). */
  host: string;
  port: number;
}

export class WebhookReceiver {
  /** A new secret each start: setWebhook replaces the old one, so nothing needs to be kept. */
  readonly secret = randomBytes(32).toString('hex');
  private server: Server | undefined;
  private readonly path: string;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly onUpdate: (u: Update) => void,
    private readonly log: (line: string) => void,
  ) {
    this.path = new URL(settings.url).pathname;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.settings.port, this.settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const status = await this.answer(req);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 200 ? '{}' : JSON.stringify({ ok: false }));
  }

  /** The HTTP status for one request, after handing its update over when it is one. */
  private async answer(req: IncomingMessage): Promise<number> {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== this.path) return 404;
    const given = Buffer.from(String(req.headers['x-telegram-bot-api-secret-token'] ?? ''));
    const secret = Buffer.from(this.secret);
    if (given.length !== secret.length || !timingSafeEqual(given, secret)) {
      this.log(`webhook: a request without the secret token from ${req.socket.remoteAddress ?? '?'} refused`);
      return 401;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) return 413;
      chunks.push(chunk as Buffer);
    }
    let update: Update;
    try {
      update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Update;
    } catch {
      return 400;
    }
    if (typeof update !== 'object' || !Number.isSafeInteger(update.update_id)) return 400;
    try {
      this.onUpdate(update);
    } catch (e) {
      // Not committed: a 500 makes Telegram send it again.
      this.log(`webhook: update ${update.update_id} not handled: ${messageOf(e)}`);
      return 500;
    }
    return 200;
  }
}
