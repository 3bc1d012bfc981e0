import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { allSchemas } from '@spate/edge';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const SETTINGS = new Map(allSchemas.flatMap(({ schema }) => Object.values(schema).map((s) => [s.env, s] as const)));

/**
 * Every SPATE_* variable a deployment file sets must be a real setting, with a value the process
 * accepts: a typo would be ignored silently, a bad value would stop the process at start-up.
 * Variables taken from elsewhere (valueFrom in Kubernetes) come as undefined and are only named.
 */
function expectKnownSettings(env: Record<string, unknown>, where: string): void {
  for (const [name, value] of Object.entries(env).filter(([n]) => n.startsWith('SPATE_'))) {
    const setting = SETTINGS.get(name);
    if (!setting) throw new Error(`${where} sets ${name}, which is not a Spate setting`);
    if (value === undefined) continue;
    try {
      setting.parse(String(value));
    } catch (error) {
      throw new Error(`${where} sets ${name}=${JSON.stringify(value)}, which it refuses: ${(error as Error).message}`);
    }
  }
}

/** A setting as the process will see it: the value it is given, else its default. */
function settingValue(env: Record<string, unknown>, name: string): unknown {
  const setting = SETTINGS.get(name)!;
  return env[name] === undefined ? setting.default : setting.parse(String(env[name]));
}

/** A Docker duration (`45s`, `1m30s`) in milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...String(text).matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  expect(parts.map((p) => p[0]).join('')).toBe(String(text));
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

describe('docker-compose.yml', () => {
  const text = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
  // Docker Compose resolves `<<:` merge keys (YAML 1.1); the broker services are built from them.
  const compose = parse(text, { merge: true });
  const services = compose.services;
  const brokerNames = Object.keys(services).filter((name) => name.startsWith('shard-broker'));

  it('passes docker-compose config', () => {
    const probe = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
    if (probe.status !== 0) throw new Error('docker-compose is needed to check the compose file: apt-get install -y docker-compose');
    const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', '--profile', 'all-in-one', 'config', '-q'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs Redis, three shard brokers and a gateway on 4566 (and HTTPS on 4567), and the all-in-one profile', () => {
    expect(Object.keys(services).sort()).toEqual(['gateway', 'redis', 'shard-broker-0', 'shard-broker-1', 'shard-broker-2', 'spate']);
    expect(services.gateway.ports).toEqual(['127.0.0.1:4566:4566', '127.0.0.1:4567:4567']);
    expect(services.spate.profiles).toEqual(['all-in-one']);
    for (const [name, service] of Object.entries<any>(services)) {
      expect({ name, healthcheck: !!service.healthcheck?.test }).toEqual({ name, healthcheck: true });
      expectKnownSettings(service.environment ?? {}, `service ${name}`);
    }
    expect(text).not.toMatch(/SPATE_BROKER_URL/);
  });

  it('gives each broker its own id, hostname, advertised URL and volume, and a health check on its http port', () => {
    const seen = { ids: new Set(), hosts: new Set(), urls: new Set(), volumes: new Set() };
    for (const name of brokerNames) {
      const broker = services[name];
      const env = broker.environment;
      expect({ name, command: broker.command }).toEqual({ name, command: ['shard-broker'] });
      expect(broker.depends_on.redis.condition).toBe('service_healthy');
      expect(env.SPATE_COORDINATION).toBe('redis');
      expect(env.SPATE_BROKER_ID).toBe(name);
      expect(broker.hostname).toBe(name);
      expect(env.SPATE_BROKER_ADVERTISED_URL).toBe(`${broker.hostname}:${settingValue(env, 'SPATE_BROKER_PORT')}`);
      expect(broker.volumes).toHaveLength(1);
      const [volume, mountPath] = broker.volumes[0].split(':');
      expect(mountPath).toBe('/data');
      expect(Object.keys(compose.volumes)).toContain(volume);
      expect(broker.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${settingValue(env, 'SPATE_BROKER_HTTP_PORT')}/health`);
      seen.ids.add(env.SPATE_BROKER_ID);
      seen.hosts.add(broker.hostname);
      seen.urls.add(env.SPATE_BROKER_ADVERTISED_URL);
      seen.volumes.add(volume);
    }
    expect(Object.values(seen).map((s) => s.size)).toEqual([3, 3, 3, 3]);
  });

  it('gives a stopping broker time to hand its shards over before Docker kills it', () => {
    for (const name of brokerNames) {
      const broker = services[name];
      const drainMs = settingValue(broker.environment, 'SPATE_DRAIN_TIMEOUT_MS') as number;
      expect({ name, drainShorterThanGrace: drainMs < durationMs(broker.stop_grace_period ?? '10s') }).toEqual({ name, drainShorterThanGrace: true });
    }
  });

  it('lets the gateway find brokers through Redis, without waiting for them', () => {
    expect(Object.keys(services.gateway.depends_on)).toEqual(['redis']);
    expect(services.gateway.depends_on.redis.condition).toBe('service_healthy');
    expect(services.gateway.environment).toMatchObject({ SPATE_COORDINATION: 'redis', SPATE_REDIS_URL: services[brokerNames[0]].environment.SPATE_REDIS_URL });
  });

  it('runs Redis with the append-only file fsynced on every write', () => {
    const command = services.redis.command.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--appendfsync always');
  });
});

describe('k8s manifests', () => {
  const dir = path.join(ROOT, 'k8s');
  const kustomization = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
  const texts = (kustomization.resources as string[]).map((file) => ({ file, text: readFileSync(path.join(dir, file), 'utf8') }));
  const docs = texts.flatMap(({ file, text }) => parseAllDocuments(text).map((d) => ({ file, doc: d.toJS() as any })));
  const byKind = (kind: string) => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);
  const named = (kind: string, name: string) => byKind(kind).find((d) => d.metadata.name === name);
  const envOf = (container: any): Record<string, any> => Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value]));

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
        expectKnownSettings(envOf(container), `${name}`);
      }
    }
    for (const { file, text } of texts) expect({ file, brokerUrl: /SPATE_BROKER_URL/.test(text) }).toEqual({ file, brokerUrl: false });
  });

  it('points every Service and disruption budget at pods that exist, Services on ports they open', () => {
    const pods = [...byKind('StatefulSet'), ...byKind('Deployment')].map((w) => w.spec.template);
    for (const service of byKind('Service')) {
      const target = pods.find((p) => Object.entries(service.spec.selector).every(([k, v]) => p.metadata.labels[k] === v));
      expect({ service: service.metadata.name, found: !!target }).toEqual({ service: service.metadata.name, found: true });
      const ports = target!.spec.containers.flatMap((c: any) => c.ports.map((p: any) => p.containerPort));
      for (const port of service.spec.ports) expect(ports).toContain(port.targetPort);
    }
    for (const budget of byKind('PodDisruptionBudget')) {
      const found = pods.some((p) => Object.entries(budget.spec.selector.matchLabels).every(([k, v]) => p.metadata.labels[k] === v));
      expect({ budget: budget.metadata.name, found }).toEqual({ budget: budget.metadata.name, found: true });
    }
  });

  describe('the broker StatefulSet', () => {
    const set = named('StatefulSet', 'shard-broker');
    const pod = set.spec.template.spec;
    const container = pod.containers[0];
    const env = envOf(container);
    const portNamed = (port: string | number) => (typeof port === 'number' ? port : container.ports.find((p: any) => p.name === port)?.containerPort);

    it('runs three brokers behind a headless Service that names each pod', () => {
      expect(set.spec.replicas).toBe(3);
      const service = named('Service', set.spec.serviceName);
      expect(service.spec.clusterIP).toBe('None');
      expect(service.spec.selector).toEqual(set.spec.selector.matchLabels);
    });

    it('names each broker after its pod and advertises the pod\'s stable DNS name', () => {
      const fromPodName = (name: string) => container.env.find((e: any) => e.name === name)?.valueFrom?.fieldRef?.fieldPath;
      expect(fromPodName('SPATE_BROKER_ID')).toBe('metadata.name');
      expect(fromPodName('POD_NAME')).toBe('metadata.name');
      // $(VAR) only expands variables defined earlier in the list.
      const names = container.env.map((e: any) => e.name);
      expect(names.indexOf('POD_NAME')).toBeLessThan(names.indexOf('SPATE_BROKER_ADVERTISED_URL'));
      const namespace = kustomization.namespace;
      const port = settingValue(env, 'SPATE_BROKER_PORT');
      expect([`$(POD_NAME).${set.spec.serviceName}:${port}`, `$(POD_NAME).${set.spec.serviceName}.${namespace}.svc.cluster.local:${port}`]).toContain(
        env.SPATE_BROKER_ADVERTISED_URL,
      );
      expect(portNamed('grpc')).toBe(port);
    });

    it('probes /health on the broker\'s http port', () => {
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        expect(probe.httpGet.path).toBe('/health');
        expect(portNamed(probe.httpGet.port)).toBe(settingValue(env, 'SPATE_BROKER_HTTP_PORT'));
      }
    });

    it('lets a stopping broker hand its shards over before Kubernetes kills it', () => {
      const drainMs = settingValue(env, 'SPATE_DRAIN_TIMEOUT_MS') as number;
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs);
    });
  });

  it('lets the gateway find brokers through Redis', () => {
    const gateway = envOf(named('Deployment', 'gateway').spec.template.spec.containers[0]);
    const broker = envOf(named('StatefulSet', 'shard-broker').spec.template.spec.containers[0]);
    expect(gateway).toMatchObject({ SPATE_COORDINATION: 'redis', SPATE_REDIS_URL: broker.SPATE_REDIS_URL });
  });

  it('runs Redis with the append-only file fsynced on every write', () => {
    const args = named('StatefulSet', 'redis').spec.template.spec.containers[0].args.join(' ');
    expect(args).toContain('--appendonly yes');
    expect(args).toContain('--appendfsync always');
  });
});
