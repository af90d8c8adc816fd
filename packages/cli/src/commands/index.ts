import type { Command } from 'commander';

/** Every command group of the CLI; each entry adds its subcommands to the program. */
export const commandGroups: Array<(program: Command) => void> = [];
