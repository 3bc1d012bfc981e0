#!/usr/bin/env node
// `npm start`: builds the all-in-one server (Nx caches the build) and runs it in the foreground,
// with its data in ./data and the AWS endpoint on 127.0.0.1:4566 unless SPATE_* variables say otherwise.
const { spawnSync, spawn } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const build = spawnSync(path.join(root, 'node_modules', '.bin', 'nx'), ['run', 'spate:build', '--output-style=stream'], { cwd: root, env, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const server = spawn(process.execPath, [path.join(root, 'dist/apps/spate/apps/spate/src/main.js')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
