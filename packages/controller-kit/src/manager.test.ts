import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller } from './controller.js';
import { FakeClock, settle } from './fake-clock.js';
import { InMemoryLease, type LeaderElector } from './leader-election.js';
import { ControllerManager } from './manager.js';
import type { Reconciler } from './reconciler.js';
import { gatedReconciler } from './test-support.js';

function replica(clock: FakeClock, elector?: LeaderElector, reconcile?: Reconciler['reconcile']) {
  const calls: string[] = [];
  const controller = new Controller({
    name: 'cluster',
    clock,
    reconciler: {
      reconcile:
        reconcile ??
        (async (key) => {
          calls.push(key);
        }),
    },
  });
  const manager = new ControllerManager({
    controllers: [controller],
    clock,
    renewIntervalMs: 1_000,
    retryIntervalMs: 1_000,
    renewDeadlineMs: 2_500,
    ...(elector ? { elector } : {}),
  });
  const leadership: boolean[] = [];
  manager.onLeadershipChange((leading) => leadership.push(leading));
  return { controller, manager, calls, leadership };
}

/** An elector whose answers the test sets, standing in for a store that fails or loses it. */
function scriptedElector() {
  const script = { acquire: true as boolean, renew: true as boolean | Error, released: 0 };
  const elector: LeaderElector = {
    identity: 'scripted',
    acquire: async () => script.acquire,
    renew: async () => {
      if (script.renew instanceof Error) throw script.renew;
      return script.renew;
    },
    release: async () => {
      script.released++;
    },
  };
  return { elector, script };
}

test('without an elector the manager runs its controllers until stopped', async () => {
  const clock = new FakeClock();
  const gated = gatedReconciler();
  const { controller, manager, leadership } = replica(clock, undefined, gated.reconcile);
  await manager.start();
  assert.equal(controller.state, 'running');
  assert.equal(manager.isLeader, true);
  controller.enqueue('a');
  await settle();
  const stopping = manager.stop();
  await settle();
  assert.equal(controller.state, 'stopping', 'stop waits for the in-flight pass');
  gated.release('a');
  await stopping;
  assert.equal(controller.state, 'stopped');
  assert.deepEqual(leadership, [true, false]);
});

test('only the lease holder reconciles; a follower takes over when the leader stops', async () => {
  const clock = new FakeClock();
  const lease = new InMemoryLease({ durationMs: 3_000, clock });
  const a = replica(clock, lease.elector('a'));
  const b = replica(clock, lease.elector('b'));
  await a.manager.start();
  await b.manager.start();
  assert.deepEqual([a.manager.isLeader, b.manager.isLeader], [true, false]);
  a.controller.enqueue('c1');
  b.controller.enqueue('c1');
  await clock.advance(5_000); // several renewals: a keeps the lease
  assert.deepEqual(a.calls, ['c1']);
  assert.deepEqual(b.calls, [], 'the follower queues keys but never runs them');
  assert.equal(b.controller.state, 'stopped');

  await a.manager.stop();
  assert.equal(lease.holder(), undefined, 'a released the lease on stop');
  await clock.advance(1_000);
  assert.equal(lease.holder(), 'b');
  assert.deepEqual(b.leadership, [true]);
  assert.deepEqual(b.calls, ['c1'], 'the new leader runs what it had queued');
  await b.manager.stop();
});

test('a leader that stops renewing loses the lease to a follower after it expires', async () => {
  const clock = new FakeClock();
  const lease = new InMemoryLease({ durationMs: 3_000, clock });
  const hung = lease.elector('a');
  const a = replica(clock, { ...hung, renew: () => new Promise<boolean>(() => undefined) });
  const b = replica(clock, lease.elector('b'));
  await a.manager.start();
  await b.manager.start();
  await clock.advance(2_000);
  assert.equal(b.manager.isLeader, false);
  await clock.advance(1_000);
  assert.equal(b.manager.isLeader, true, 'b acquired the expired lease');
  await b.manager.stop();
});

test('losing the lease aborts in-flight passes and stops controllers; regaining restarts', async () => {
  const clock = new FakeClock();
  const { elector, script } = scriptedElector();
  const signals: AbortSignal[] = [];
  const calls: string[] = [];
  const r = replica(clock, elector, (key, signal) => {
    calls.push(key);
    signals.push(signal);
    return new Promise<void>((_resolve, reject) => signal.addEventListener('abort', reject));
  });
  await r.manager.start();
  r.controller.enqueue('c1');
  await settle();
  script.renew = false;
  await clock.advance(1_000);
  assert.equal(signals[0]?.aborted, true);
  assert.equal(r.controller.state, 'stopped');
  assert.deepEqual(r.leadership, [true, false]);

  script.acquire = false;
  await clock.advance(3_000);
  assert.equal(r.manager.isLeader, false, 'still campaigning');
  script.acquire = true;
  script.renew = true;
  await clock.advance(1_000);
  assert.deepEqual(r.leadership, [true, false, true]);
  assert.deepEqual(calls, ['c1', 'c1'], 'the aborted key runs again under the new lease');
  r.manager.stop().catch(() => undefined);
  await clock.advance(30_000);
  assert.equal(r.manager.state, 'stopped');
  assert.equal(script.released, 1);
});

test('renewal errors are tolerated until the renew deadline, then the leader steps down', async () => {
  const clock = new FakeClock();
  const { elector, script } = scriptedElector();
  const r = replica(clock, elector);
  await r.manager.start();
  script.renew = new Error('store unreachable');
  await clock.advance(2_000); // renewals at 1 s and 2 s fail; last success at 0 s
  assert.equal(r.manager.isLeader, true);
  script.renew = true;
  await clock.advance(1_000); // success at 3 s resets the deadline
  script.renew = new Error('store unreachable');
  await clock.advance(2_000);
  assert.equal(r.manager.isLeader, true, '2 s of failures < 2.5 s deadline');
  await clock.advance(1_000);
  assert.equal(r.manager.isLeader, false, '3 s without a successful renewal');
  assert.equal(r.controller.state, 'stopped');
  await r.manager.stop();
});
