#!/usr/bin/env node
// Builds one app into dist/apps/<app>: compiles it with the libs it imports (tsc), rewrites the
// @spate/* aliases into relative paths (tsc-alias) and copies the .proto files the gRPC loaders read.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const app = process.argv[2];
if (!app) throw new Error('usage: build-app.js <app>');
const root = path.join(__dirname, '..');
const tsconfig = path.join(root, 'apps', app, 'tsconfig.app.json');
const out = path.join(root, 'dist', 'apps', app);
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

fs.rmSync(out, { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', tsconfig], { stdio: 'inherit', cwd: root });
execFileSync(bin('tsc-alias'), ['-p', tsconfig], { stdio: 'inherit', cwd: root });
fs.cpSync(path.join(root, 'libs', 'proto', 'proto'), path.join(out, 'libs', 'proto', 'proto'), { recursive: true });
