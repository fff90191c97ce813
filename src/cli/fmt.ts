import { UsageError } from './io.js';
import type { CommandSpec } from './main.js';

// Placeholder until the command lands; registered now so its module is the only file it touches.
export const fmtCommand: CommandSpec = {
  help: 'Usage: playbook fmt (not yet available)\n',
  options: {},
  async run() {
    throw new UsageError('`fmt` is not available yet');
  },
};
