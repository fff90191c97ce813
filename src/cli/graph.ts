import { UsageError } from './io.js';
import type { CommandSpec } from './main.js';

// Placeholder until the command lands; registered now so its module is the only file it touches.
export const graphCommand: CommandSpec = {
  help: 'Usage: playbook graph (not yet available)\n',
  options: {},
  async run() {
    throw new UsageError('`graph` is not available yet');
  },
};
