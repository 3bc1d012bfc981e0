import { runToExit } from '@spate/testing';

describe('the gateway', () => {
  it.each([
    [{ SPATE_COORDINATION: 'local' }, 'SPATE_COORDINATION=local cannot work for the gateway'],
    [{ SPATE_COORDINATION: 'redis', SPATE_SHARD_LIMIT: '0' }, 'SPATE_SHARD_LIMIT="0" is invalid: must be at least 1'],
    [{ SPATE_COORDINATION: 'redis', SPATE_CREDENTIALS: 'no-secret' }, 'SPATE_CREDENTIALS="no-secret" is invalid: expected KEY:VALUE pairs'],
  ])('stops with exit code 2 and a message naming the variable (%j)', (env, message) => {
    const result = runToExit('gateway', env);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
