/**
 * `node dist/bin/node-plugin.js --proto-file <csi.proto> --zone <zone>`: the node plugin as a
 * node's daemon. Its node id and device root come from the server's environment
 * (BERTH_SERVER_ID, BERTH_SERVER_ROOT, set by the local provider's agent); one JSON line per
 * event on stdout. SIGTERM stops it, removing its sockets, so kubelet unregisters the driver.
 */
import { parseArgs } from 'node:util';
import { ProcessRunner } from '@berth/exec';
import { startNodePlugin } from '../node-plugin.js';

const { values } = parseArgs({
  options: {
    'proto-file': { type: 'string' },
    zone: { type: 'string' },
    'kubelet-dir': { type: 'string', default: '/var/lib/kubelet' },
  },
});
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    process.stderr.write(`node-plugin: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
};
for (const flag of ['proto-file', 'zone'] as const) {
  if (values[flag] === undefined) {
    process.stderr.write(`node-plugin: --${flag} is required\n`);
    process.exit(2);
  }
}
const log = (event: string, fields: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);

const plugin = await startNodePlugin({
  protoFile: values['proto-file']!,
  nodeId: env('BERTH_SERVER_ID'),
  zone: values.zone!,
  deviceRoot: env('BERTH_SERVER_ROOT'),
  kubeletDir: values['kubelet-dir'],
  runner: new ProcessRunner(),
  version: '0.1.0',
  log,
});
log('csi.node-plugin-started', { csi: plugin.csiSocket, registration: plugin.registrationSocket });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    plugin.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
