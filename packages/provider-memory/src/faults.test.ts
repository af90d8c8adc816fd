import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '@berth/errors';
import { signal, tags, world } from './test-world.js';

describe('fault injection', () => {
  it('fails the nth call of a method with the default retryable provider error', async () => {
    const { provider, server } = await world();
    const rule = provider.faults.fail({ method: 'servers.create', nth: 2 });
    await server('a');
    await assert.rejects(server('b'), { code: 'BERTH_ERR_PROVIDER', retryable: true });
    await server('c');
    assert.equal(rule.fired, 1);
    const names = (await provider.servers.list({ tags }, signal)).map((s) => s.name);
    assert.deepEqual(names, ['a', 'c'], 'a call failed before its effect left something behind');
  });

  it('fails `times` calls in a row, only those matching the predicate, with a chosen error', async () => {
    const { provider, server } = await world();
    const quota = new BerthError('BERTH_ERR_PROVIDER_QUOTA', 'no capacity');
    provider.faults.fail({
      method: 'servers.create',
      times: 2,
      when: (input) => (input as { name: string }).name.startsWith('worker'),
      error: quota,
    });
    await server('master-0');
    await assert.rejects(server('worker-0'), (err) => err === quota);
    await assert.rejects(server('worker-1'), (err) => err === quota);
    await server('worker-2');
  });

  it("phase 'after' applies the call and loses the reply; the repeated create adopts it", async () => {
    const { provider, server } = await world();
    provider.faults.fail({ method: 'servers.create', phase: 'after' });
    await assert.rejects(server('a'), { code: 'BERTH_ERR_PROVIDER' });
    const [made] = await provider.servers.list({ tags }, signal);
    assert.equal(made?.name, 'a');
    assert.equal((await server('a')).id, made.id);
    assert.equal((await provider.servers.list({ tags }, signal)).length, 1);
  });

  it("'*' matches every method; remove() and clear() stop rules", async () => {
    const { provider } = await world();
    const rule = provider.faults.fail({ method: '*', times: Infinity });
    await assert.rejects(provider.catalog.listZones({}, signal), { code: 'BERTH_ERR_PROVIDER' });
    await assert.rejects(provider.networks.list({}, signal), { code: 'BERTH_ERR_PROVIDER' });
    rule.remove();
    await provider.networks.list({}, signal);
    provider.faults.fail({ method: '*', times: Infinity });
    provider.faults.clear();
    await provider.networks.list({}, signal);
  });

  it('delays calls, and an abort during the delay rejects with the reason without effect', async () => {
    const { provider, server } = await world();
    provider.faults.delay({ method: 'servers.create', ms: 60 });
    const started = Date.now();
    await server('slow');
    assert.ok(Date.now() - started >= 50, 'delay not applied');
    const controller = new AbortController();
    const reason = new Error('deadline');
    const pending = provider.servers.create(
      { name: 'aborted', tags, flavor: 'std-2-4', zone: 'az1', ports: [{ networkId: 'x' }] },
      controller.signal,
    );
    setTimeout(() => controller.abort(reason), 5);
    await assert.rejects(pending, (err) => err === reason);
    assert.deepEqual(
      (await provider.servers.list({ tags }, signal)).map((s) => s.name),
      ['slow'],
    );
  });

  it('logs every call with its input and outcome', async () => {
    const { provider, server } = await world();
    provider.faults.fail({ method: 'servers.create', nth: 2 });
    await server('a');
    await assert.rejects(server('b'));
    const creates = provider.callsTo('servers.create');
    assert.deepEqual(
      creates.map((c) => [(c.input as { name: string }).name, c.outcome, c.error?.code]),
      [
        ['a', 'ok', undefined],
        ['b', 'error', 'BERTH_ERR_PROVIDER'],
      ],
    );
    const seqs = provider.calls.map((c) => c.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
    );
    assert.equal(provider.calls[0]?.method, 'networks.create');
  });
});
