#!/usr/bin/env node
// `npm test`: lint and every test of every project (unit specs, then the end-to-end suites that
// start real processes), through Nx so unchanged projects come from its cache outside CI.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const nx = path.join(root, 'node_modules', '.bin', 'nx');
// In CI every task runs for real: a cache hit would replay another checkout's results.
const cache = process.env.CI ? ['--skip-nx-cache'] : [];
const args = ['run-many', '-t', 'lint', 'test', '--output-style=stream', ...cache, ...process.argv.slice(2)];
const result = spawnSync(nx, args, { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
