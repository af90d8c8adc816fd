// The public API of @berth/controller-kit. The reconcile contract is documented on `Reconciler`
// (reconciler.ts) and in docs/contracts/reconcile.md.
export {
  TerminalError,
  isTerminal,
  reconcileOutcomes,
  terminal,
  toError,
  type ReconcileOutcome,
  type Reconciler,
  type Result,
  type TerminalErrorOptions,
} from './reconciler.js';
export { Controller } from './controller.js';
export type {
  ControllerOptions,
  ControllerState,
  ReconcileEvent,
  ReconcileListener,
  StopOptions,
  StopReport,
} from './controller-api.js';
export {
  ControllerManager,
  type ControllerManagerOptions,
  type LeadershipListener,
  type ManagedController,
  type ManagerState,
} from './manager.js';
export { InMemoryLease, type InMemoryLeaseOptions, type LeaderElector } from './leader-election.js';
export { WorkQueue } from './work-queue.js';
export { KeyedBackoff, backoffCeiling, defaultBackoff, type BackoffOptions } from './backoff.js';
export {
  createReconcileMetrics,
  type LongestRunningProbe,
  type ReconcileMetrics,
} from './metrics.js';
export { realClock, settlesWithin, type Clock, type Timer } from './clock.js';
export { FakeClock, settle } from './fake-clock.js';
export { silentLogger, type LogFields, type Logger } from './logger.js';
