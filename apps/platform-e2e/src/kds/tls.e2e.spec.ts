import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { runToExit, sleep, startAllInOne, tempDataDir, type RunningSpate } from '@spate/testing';

const HTTPS_LISTENING = /AWS endpoint listening on https:\/\/[^:]+:(\d+)/;

/**
 * The HTTPS endpoint beside the plain one, for clients that only speak TLS: ALPN offers h2 and
 * http/1.1, and a self-signed certificate for localhost is generated at first start, which clients
 * trust the way the README says (NODE_EXTRA_CA_CERTS, AWS_CA_BUNDLE).
 */
describe('the TLS endpoint', () => {
  const data = tempDataDir();
  let spate: RunningSpate & { server: { logs: string } };
  let port: string;
  let certFile: string;

  beforeAll(async () => {
    spate = await startAllInOne(data.dir);
    for (let i = 0; i < 100 && !HTTPS_LISTENING.test(spate.server.logs); i++) await sleep(50);
    port = spate.server.logs.match(HTTPS_LISTENING)![1];
    certFile = path.join(data.dir, 'tls', 'cert.pem');
  });

  afterAll(async () => {
    await spate?.stop();
    data.remove();
  });

  const alpn = (protocols: string[]) =>
    new Promise<string | false>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ALPNProtocols: protocols, ca: readFileSync(certFile) }, () => {
        resolve(socket.alpnProtocol ?? false);
        socket.end();
      });
      socket.on('error', reject);
    });

  it('offers h2 and http/1.1 by ALPN, with a certificate valid for localhost', async () => {
    expect(await alpn(['h2', 'http/1.1'])).toBe('h2');
    expect(await alpn(['http/1.1'])).toBe('http/1.1');
  });

  it('serves the AWS SDK for JavaScript\'s default client (HTTP/2 over TLS), SubscribeToShard included', () => {
    const script = `
const { KinesisClient, CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordCommand, RegisterStreamConsumerCommand, SubscribeToShardCommand } = require('@aws-sdk/client-kinesis');
(async () => {
  const k = new KinesisClient({ endpoint: process.argv[1], region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
  await k.send(new CreateStreamCommand({ StreamName: 'secure', ShardCount: 1 }));
  const arn = (await k.send(new DescribeStreamSummaryCommand({ StreamName: 'secure' }))).StreamDescriptionSummary.StreamARN;
  const consumer = (await k.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'tls' }))).Consumer;
  const put = await k.send(new PutRecordCommand({ StreamName: 'secure', PartitionKey: 'k', Data: Buffer.from('over tls') }));
  const out = await k.send(new SubscribeToShardCommand({ ConsumerARN: consumer.ConsumerARN, ShardId: put.ShardId, StartingPosition: { Type: 'TRIM_HORIZON' } }));
  for await (const event of out.EventStream) {
    const records = event.SubscribeToShardEvent?.Records ?? [];
    if (records.length) {
      console.log(JSON.stringify({ sequenceNumber: records[0].SequenceNumber, data: Buffer.from(records[0].Data).toString(), put: put.SequenceNumber }));
      process.exit(0);
    }
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;
    const result = spawnSync(process.execPath, ['-e', script, `https://localhost:${port}`], {
      encoding: 'utf8',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile },
      cwd: path.join(__dirname, '..', '..', '..', '..'),
      timeout: 30_000,
    });
    if (result.status !== 0) throw new Error(result.stderr);
    const out = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(out).toEqual({ sequenceNumber: out.put, data: 'over tls', put: out.put });
  });

  it('serves the AWS CLI over HTTPS with the certificate in AWS_CA_BUNDLE', () => {
    const result = spawnSync('aws', ['--endpoint-url', `https://localhost:${port}`, '--output', 'json', 'kinesis', 'list-streams'], {
      encoding: 'utf8',
      env: { ...process.env, AWS_CA_BUNDLE: certFile, AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's', AWS_DEFAULT_REGION: 'us-east-1' },
      timeout: 30_000,
    });
    if (result.status !== 0) throw new Error(`aws kinesis list-streams over HTTPS: ${result.stderr}`);
    expect(JSON.parse(result.stdout).StreamNames).toContain('secure');
  });

  it('keeps its generated certificate across restarts', async () => {
    const before = readFileSync(certFile);
    await spate.stop();
    spate = await startAllInOne(data.dir);
    expect(readFileSync(certFile)).toEqual(before);
  });

  it('uses the certificate it is given, and refuses half a configuration at start-up', () => {
    const given = path.join(data.dir, 'given.pem');
    writeFileSync(given, readFileSync(certFile));
    const result = runToExit('spate', { SPATE_PORT: '0', SPATE_TLS_PORT: '0', SPATE_DATA_DIR: data.dir, SPATE_TLS_CERT_FILE: given });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('SPATE_TLS_CERT_FILE and SPATE_TLS_KEY_FILE must be set together');
  });
});
