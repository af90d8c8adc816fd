#!/usr/bin/env node
/**
 * Entry point of the `berth` command. Each command group lives in `commands/<group>.ts` and
 * registers itself on the program; this file only wires them together.
 */
import { buildProgram } from './program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`berth: ${message}\n`);
    process.exitCode = process.exitCode || 1;
  });
