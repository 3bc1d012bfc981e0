import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..', '..');

function start(app: string, env: Record<string, string>) {
  const main = path.join(ROOT, `dist/apps/${app}/apps/${app}/src/main.js`);
  return spawnSync(process.execPath, [main], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
}

describe('start-up with a bad configuration', () => {
  it.each([
    ['spate', { SPATE_PORT: 'not-a-port' }, 'SPATE_PORT="not-a-port" is invalid: expected a whole number'],
    ['spate', { SPATE_FSYNC: 'sometimes' }, 'SPATE_FSYNC="sometimes" is invalid: must be one of always, group, os'],
    ['spate', { SPATE_DEFAULT_ACCOUNT: '12' }, 'SPATE_DEFAULT_ACCOUNT="12" is invalid'],
    ['gateway', { SPATE_SHARD_LIMIT: '0' }, 'SPATE_SHARD_LIMIT="0" is invalid: must be at least 1'],
    ['shard-broker', { SPATE_BROKER_PORT: '70000' }, 'SPATE_BROKER_PORT="70000" is invalid: must be at most 65535'],
    ['gateway', { SPATE_COORDINATION: 'local' }, 'SPATE_COORDINATION=local cannot work for the gateway'],
  ])('%s stops with a message naming the variable (%j)', (app, env, message) => {
    const result = start(app, env);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('refuses Redis coordination without a Redis URL', () => {
    const result = start('spate', { SPATE_COORDINATION: 'redis', SPATE_REDIS_URL: '' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('SPATE_REDIS_URL is required when SPATE_COORDINATION=redis');
  });
});
