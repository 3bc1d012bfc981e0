import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { allSchemas } from '@spate/edge';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const KNOWN_SETTINGS = new Set(allSchemas.flatMap(({ schema }) => Object.values(schema).map((s) => s.env)));

/** Every SPATE_* variable a deployment file sets must be a real setting: a typo would be ignored silently. */
function expectKnownSettings(env: Record<string, unknown>, where: string): void {
  for (const name of Object.keys(env).filter((n) => n.startsWith('SPATE_'))) {
    if (!KNOWN_SETTINGS.has(name)) throw new Error(`${where} sets ${name}, which is not a Spate setting`);
  }
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'));

  it('passes docker-compose config', () => {
    const probe = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
    if (probe.status !== 0) throw new Error('docker-compose is needed to check the compose file: apt-get install -y docker-compose');
    const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', '--profile', 'all-in-one', 'config', '-q'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs Redis, a shard broker and a gateway on 4566, and the all-in-one profile', () => {
    const services = compose.services;
    expect(Object.keys(services).sort()).toEqual(['gateway', 'redis', 'shard-broker', 'spate']);
    expect(services.gateway.ports).toEqual(['127.0.0.1:4566:4566']);
    expect(services.spate.profiles).toEqual(['all-in-one']);
    expect(services.gateway.depends_on['shard-broker'].condition).toBe('service_healthy');
    expect(services['shard-broker'].depends_on.redis.condition).toBe('service_healthy');
    expect(services['shard-broker'].volumes[0]).toMatch(/:\/data$/);
    expect(services.redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    for (const [name, service] of Object.entries<any>(services)) {
      expect(service.healthcheck?.test).toBeDefined();
      expectKnownSettings(service.environment ?? {}, `service ${name}`);
    }
    expect(services.gateway.environment.SPATE_BROKER_URL).toBe(`shard-broker:${services['shard-broker'].environment.SPATE_BROKER_PORT}`);
  });
});

describe('k8s manifests', () => {
  const dir = path.join(ROOT, 'k8s');
  const kustomization = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
  const docs = (kustomization.resources as string[]).flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(dir, file), 'utf8')).map((d) => ({ file, doc: d.toJS() as any })),
  );
  const byKind = (kind: string) => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);

  it('lists every manifest in the kustomization', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    for (const { file, doc } of docs) {
      expect({ file, apiVersion: typeof doc.apiVersion, kind: typeof doc.kind, name: typeof doc.metadata?.name }).toEqual({ file, apiVersion: 'string', kind: 'string', name: 'string' });
    }
  });

  it('keeps brokers and Redis in StatefulSets with volumes, gateways in a Deployment', () => {
    const statefulSets = byKind('StatefulSet');
    expect(statefulSets.map((s) => s.metadata.name).sort()).toEqual(['redis', 'shard-broker']);
    for (const set of statefulSets) {
      expect(set.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBeDefined();
      expect(set.spec.template.spec.containers[0].volumeMounts[0].mountPath).toBe('/data');
    }
    expect(byKind('Deployment').map((d) => d.metadata.name)).toEqual(['gateway']);
  });

  it('gives every container probes, resource requests and only real settings', () => {
    for (const workload of [...byKind('StatefulSet'), ...byKind('Deployment')]) {
      const name = workload.metadata.name;
      expect(workload.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': name });
      expect(workload.spec.template.metadata.labels).toMatchObject(workload.spec.selector.matchLabels);
      for (const container of workload.spec.template.spec.containers) {
        expect({ name, readiness: !!container.readinessProbe, liveness: !!container.livenessProbe }).toEqual({ name, readiness: true, liveness: true });
        expect(container.resources.requests.cpu).toBeDefined();
        expect(container.resources.requests.memory).toBeDefined();
        expectKnownSettings(Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value])), `${name}`);
      }
    }
  });

  it('points every Service at pods that exist, on ports they open', () => {
    const pods = [...byKind('StatefulSet'), ...byKind('Deployment')].map((w) => w.spec.template);
    for (const service of byKind('Service')) {
      const target = pods.find((p) => Object.entries(service.spec.selector).every(([k, v]) => p.metadata.labels[k] === v));
      expect({ service: service.metadata.name, found: !!target }).toEqual({ service: service.metadata.name, found: true });
      const ports = target!.spec.containers.flatMap((c: any) => c.ports.map((p: any) => p.containerPort));
      for (const port of service.spec.ports) expect(ports).toContain(port.targetPort);
    }
  });

  it('sends the gateway to the broker service', () => {
    const gateway = byKind('Deployment')[0].spec.template.spec.containers[0];
    const brokerUrl = gateway.env.find((e: any) => e.name === 'SPATE_BROKER_URL').value;
    expect(brokerUrl).toBe('shard-broker-0.shard-broker:4600');
  });
});
