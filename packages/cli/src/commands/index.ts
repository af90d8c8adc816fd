import type { Command } from 'commander';
import { registerComponents } from './components.js';
import { registerDoctor } from './doctor.js';

/** Every command group of the CLI; each entry adds its subcommands to the program. */
export const commandGroups: Array<(program: Command) => void> = [
  (program) => registerComponents(program),
  (program) => registerDoctor(program),
];
