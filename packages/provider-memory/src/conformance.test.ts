import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProviderConformance } from '@berth/provider-api/conformance';
import { MemoryProvider } from './memory-provider.js';

runProviderConformance('memory', async () => ({
  provider: new MemoryProvider(),
  cleanup: async () => {},
}));

// The same contract with persistence on and statuses that settle only after a few reads, so
// the suite's waiting paths and the state file are exercised too.
runProviderConformance(
  'memory (state file, slow settling)',
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-memory-'));
    return {
      provider: new MemoryProvider({ stateFile: path.join(dir, 'state.json'), settleReads: 2 }),
      cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  },
  { pollIntervalMs: 1 },
);
