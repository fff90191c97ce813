import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatPlaybook } from '../format/index.js';
import { renderReport, type ReportData } from '../report/index.js';
import { runTests } from './tests.js';
import { studioPage } from './page.js';

/**
 * `playbook studio`: a local web page to edit a playbook (docs/studio.md). It listens on
 * 127.0.0.1 only and answers only requests that carry the token of the URL it prints, so another
 * local user or a web page in the same browser cannot read or write the file. Saving formats the
 * text (`playbook fmt`) and refuses to overwrite a file that changed on disk since it was loaded.
 */

export interface StudioOptions {
  file?: string;
  port?: number;
  /** The page's script, built by scripts/bundle-studio.mjs. */
  bundle: string;
  token?: string;
}

export interface Studio {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;
const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Where the built page script is: dist/studio-assets/ at the package root. */
export function bundlePath(): string {
  return fileURLToPath(new URL('../../dist/studio-assets/studio.js', import.meta.url));
}

export async function startStudio(options: StudioOptions): Promise<Studio> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const file = options.file;
  const readDisk = (): string => (file && existsSync(file) ? readFileSync(file, 'utf8') : '');
  const script = readFileSync(options.bundle);
  const mermaidFile = join(dirname(options.bundle), 'mermaid.js');
  const mermaid = existsSync(mermaidFile) ? readFileSync(mermaidFile) : undefined;
  const workerFile = join(dirname(options.bundle), 'simulate-worker.js');
  const worker = existsSync(workerFile) ? readFileSync(workerFile) : undefined;
  const security =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; worker-src 'self'; frame-src 'self'";
  /** The HTML report embeds its scripts and styles (docs/report.md): its own page, its own policy. */
  const reportSecurity = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
  /** Reports rendered for the simulate pane, the latest few. */
  const reports = new Map<string, string>();

  const authorised = (url: URL): boolean => {
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    const want = Buffer.from(token);
    return given.length === want.length && timingSafeEqual(given, want);
  };
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, policy = security): void => {
    res.writeHead(status, { 'content-type': type, 'content-security-policy': policy, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, value: unknown): void => {
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!authorised(url)) {
      send(res, 403, 'text/plain; charset=utf-8', 'forbidden: open the URL `playbook studio` printed\n');
      return;
    }
    if (req.method === 'GET' && url.pathname === '/') {
      const text = readDisk();
      send(res, 200, 'text/html; charset=utf-8', studioPage({ ...(file ? { file: basename(file) } : {}), text, base: hash(text), token }));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/mermaid.js' && mermaid) {
      send(res, 200, 'text/javascript; charset=utf-8', mermaid);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/simulate-worker.js' && worker) {
      send(res, 200, 'text/javascript; charset=utf-8', worker);
      return;
    }
    const report = /^\/report\/(\w+)$/.exec(url.pathname);
    if (req.method === 'GET' && report && reports.has(report[1]!)) {
      send(res, 200, 'text/html; charset=utf-8', reports.get(report[1]!)!, reportSecurity);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/studio.js') {
      send(res, 200, 'text/javascript; charset=utf-8', script);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/save') return void save(req, res);
    if (req.method === 'POST' && url.pathname === '/api/tests') return void tests(req, res);
    if (req.method === 'POST' && url.pathname === '/api/report') return void render(req, res);
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  });

  /** The request's JSON body, or undefined after answering with the reason it is refused. */
  async function readBody(req: IncomingMessage, res: ServerResponse): Promise<{ text?: unknown; base?: unknown; data?: unknown } | undefined> {
    // Buffers joined before decoding: a chunk may end inside a character (Chinese text is 3 bytes each).
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) {
        json(res, 413, { error: 'the playbook is too large' });
        return undefined;
      }
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: unknown; base?: unknown; data?: unknown };
    } catch {
      json(res, 400, { error: 'the request is not JSON' });
      return undefined;
    }
  }

  /** The tests pane: the folder's test files that run FILE, run on the editor's text (saved or not). */
  async function tests(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!file) {
      json(res, 400, { error: 'no file: start the studio with a FILE to run its tests' });
      return;
    }
    const body = await readBody(req, res);
    if (!body) return;
    if (typeof body.text !== 'string') {
      json(res, 400, { error: 'the request needs `text`' });
      return;
    }
    json(res, 200, runTests(file, body.text));
  }

  /** The simulate pane: the report data its worker computed, rendered as `simulate --format html` renders it. */
  async function render(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, res);
    if (!body) return;
    if (typeof body.data !== 'object' || body.data === null) {
      json(res, 400, { error: 'the request needs the report `data`' });
      return;
    }
    let html: string;
    try {
      html = renderReport(body.data as ReportData);
    } catch (e) {
      json(res, 400, { error: `the report could not be rendered: ${(e as Error).message}` });
      return;
    }
    const id = randomBytes(8).toString('hex');
    reports.set(id, html);
    for (const old of reports.keys()) if (reports.size > 4) reports.delete(old);
    json(res, 200, { url: `/report/${id}?token=${token}` });
  }

  async function save(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!file) {
      json(res, 400, { error: 'no file: start the studio with a FILE to save' });
      return;
    }
    const body = await readBody(req, res);
    if (!body) return;
    if (typeof body.text !== 'string' || typeof body.base !== 'string') {
      json(res, 400, { error: 'the request needs `text` and `base`' });
      return;
    }
    if (hash(readDisk()) !== body.base) {
      json(res, 409, { error: `not saved: ${basename(file)} changed on disk since it was loaded; reload the page to get the new version` });
      return;
    }
    const formatted = formatPlaybook(body.text, { file });
    const text = formatted.ok ? formatted.text : body.text;
    writeFileSync(file, text);
    const note = formatted.ok ? undefined : formatted.reason === 'syntax' ? 'it has syntax errors, so it was not formatted' : formatted.message;
    json(res, 200, { text, base: hash(text), formatted: formatted.ok, ...(note ? { note } : {}) });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    server,
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}
