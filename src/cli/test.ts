import { UsageError } from './io.js';
import type { CommandSpec } from './main.js';

// Placeholder until the command lands; registered now so its module is the only file it touches.
export const testCommand: CommandSpec = {
  help: 'Usage: playbook test (not yet available)\n',
  options: {},
  async run() {
    throw new UsageError('`test` is not available yet');
  },
};
