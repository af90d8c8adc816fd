import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError, errors } from '@berth/errors';
import { isTerminal, terminal, TerminalError, toError } from './reconciler.js';

test('terminal errors: TerminalError, terminal(), and non-retryable BerthErrors', () => {
  assert.equal(isTerminal(new TerminalError('spec cannot be satisfied')), true);
  assert.equal(isTerminal(terminal(new Error('boom'))), true);
  assert.equal(isTerminal(errors.invalid('spec.version', 'unknown')), true);
  assert.equal(isTerminal(new BerthError('BERTH_ERR_PROVIDER', 'x', { retryable: false })), true);
  assert.equal(isTerminal(new BerthError('BERTH_ERR_PROVIDER', 'flaky')), false);
  assert.equal(isTerminal(new Error('plain')), false);
  assert.equal(isTerminal('a string'), false);
});

test('terminal() keeps the code and message of its cause', () => {
  const cause = new BerthError('BERTH_ERR_QUOTA_EXCEEDED', 'no more floating IPs');
  const err = terminal(cause);
  assert.equal(err.code, 'BERTH_ERR_QUOTA_EXCEEDED');
  assert.equal(err.message, 'no more floating IPs');
  assert.equal(err.cause, cause);
  assert.equal(err.retryable, false);
  assert.equal(terminal('gone', 'server vanished').message, 'server vanished');
  assert.equal(terminal(undefined).code, 'BERTH_ERR_TERMINAL');
});

test('toError wraps values that are not Errors and keeps them as cause', () => {
  const original = new Error('x');
  assert.equal(toError(original), original);
  assert.match(toError('boom').message, /non-Error thrown: boom/);
  assert.match(toError({ code: 7 }).message, /\{"code":7\}/);
  assert.match(toError(undefined).message, /undefined/);
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.equal(toError(circular).cause, circular);
});
