import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BROKER_PROTO_FILE, PROTO_ROOT } from './index';

const libRoot = path.join(__dirname, '..');
const buf = path.join(libRoot, '../../node_modules/.bin/buf');

describe('generated code', () => {
  it('matches what buf generates from the .proto files (run `npm run proto:generate` when this fails)', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'spate-proto-'));
    try {
      const template = readFileSync(path.join(libRoot, 'buf.gen.yaml'), 'utf8')
        .replace('../../node_modules/.bin/protoc-gen-ts_proto', path.join(libRoot, '../../node_modules/.bin/protoc-gen-ts_proto'))
        .replace('out: src/generated', `out: ${out}`);
      const templateFile = path.join(out, 'buf.gen.yaml');
      writeFileSync(templateFile, template);
      execFileSync(buf, ['generate', '--template', templateFile], { cwd: libRoot });
      const fresh = readFileSync(path.join(out, 'spate/broker/v1/broker.ts'), 'utf8');
      const committed = readFileSync(path.join(libRoot, 'src/generated/spate/broker/v1/broker.ts'), 'utf8');
      expect(committed).toBe(fresh);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('passes buf lint', () => {
    expect(() => execFileSync(buf, ['lint'], { cwd: libRoot, stdio: 'pipe' })).not.toThrow();
  });

  it('exposes the proto sources where the gRPC loaders look for them', () => {
    expect(readFileSync(path.join(PROTO_ROOT, BROKER_PROTO_FILE), 'utf8')).toContain('service ShardBrokerService');
  });
});
