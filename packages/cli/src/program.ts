import { Command } from 'commander';
import { commandGroups } from './commands/index.js';

/** Builds the full `berth` program; exported so tests can parse argv without a subprocess. */
export function buildProgram(): Command {
  const program = new Command('berth')
    .description('Berth: Kubernetes as a Service that a platform team runs itself')
    .version('0.1.0')
    .showHelpAfterError();
  for (const register of commandGroups) register(program);
  return program;
}
