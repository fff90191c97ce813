import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './io.js';
import type { CommandSpec } from './main.js';

const HELP = `Usage: playbook studio [FILE] [--port N]

A local web page to edit a playbook (docs/studio.md): an editor with diagnostics as you type,
completion and hover, the playbook's graph beside it, and save (formatted) back to FILE, refused when FILE changed on disk since
it was loaded. It listens on 127.0.0.1 only; open the URL it prints, which carries the token.

  --port N   the port (default: any free one)
`;

export const studioCommand: CommandSpec = {
  help: HELP,
  options: { port: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length > 1) throw new UsageError('give at most one FILE');
    const port = values['port'] === undefined ? 0 : Number(values['port']);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not ${String(values['port'])}`);
    const { bundlePath, startStudio } = await import('../studio/server.js');
    const bundle = bundlePath();
    if (!existsSync(bundle)) throw new UsageError(`the studio's page is not built (${bundle}): run \`npm run build\``);
    const file = positionals[0] === undefined ? undefined : resolve(positionals[0]);
    const studio = await startStudio({ ...(file ? { file } : {}), port, bundle });
    io.out(`Playbook Studio: ${studio.url}\n`);
    await new Promise<void>((done) => {
      const stop = () => void studio.close().then(done);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
