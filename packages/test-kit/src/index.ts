/**
 * @berth/test-kit — the helpers every package's tests share, in one copy: a free loopback port,
 * polling until a condition holds, and golden-file comparison. It depends on nothing of Berth's,
 * so any package may take it as a devDependency; production code never imports it.
 */
export { freePort } from './free-port.js';
export { until, StopWaiting, type UntilOptions } from './until.js';
export { assertGolden } from './golden.js';
export { e2eRequired, skipUnless } from './prerequisites.js';
export { requestText, spkiPin, type SimpleResponse } from './https-client.js';
