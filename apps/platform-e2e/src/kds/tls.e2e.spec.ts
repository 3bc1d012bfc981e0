import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import * as tls from 'node:tls';
import { runToExit, sleep, startAllInOne, tempDataDir, tlsEndpoint } from '@spate/testing';
import { awsCborDecoder } from './aws-cbor';

const JSON_1_1 = 'application/x-amz-json-1.1';
const CBOR_1_1 = 'application/x-amz-cbor-1.1';

interface JavaAnswer {
  version: string;
  status: number;
  contentType: string;
  body: Buffer;
}

/**
 * A JVM running java/KinesisOverTls.java (the JDK's HTTP client, launched from source) with the
 * trust store the README tells Java users to make; calls go one at a time over its pipes.
 */
class JavaKinesis {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (answer: JavaAnswer) => void; reject: (error: Error) => void }[] = [];
  private stderr = '';

  constructor(trustStore: string, endpoint: string) {
    const source = path.join(__dirname, 'java', 'KinesisOverTls.java');
    this.child = spawn('java', [`-Djavax.net.ssl.trustStore=${trustStore}`, '-Djavax.net.ssl.trustStorePassword=changeit', source, endpoint]);
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const [version, status, contentType, body] = line.split('\t');
      this.waiting.shift()?.resolve({ version, status: Number(status), contentType, body: Buffer.from(body, 'base64') });
    });
    const fail = (error: Error) => this.waiting.splice(0).forEach((call) => call.reject(error));
    this.child.on('error', (error) => fail(new Error(`cannot run java (the JDK is needed: apt-get install -y openjdk-17-jdk-headless): ${error.message}`)));
    this.child.on('exit', (code) => fail(new Error(`java exited with ${code}: ${this.stderr}`)));
  }

  call(target: string, contentType: string, body: Buffer): Promise<JavaAnswer> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${target}\t${contentType}\t${body.toString('base64')}\n`);
    });
  }

  async json<T>(target: string, input: unknown): Promise<T> {
    const answer = await this.call(target, JSON_1_1, Buffer.from(JSON.stringify(input)));
    if (answer.status !== 200) throw new Error(`${target}: HTTP ${answer.status} ${answer.body.toString()}`);
    // Operations without output (CreateStream) answer with an empty body.
    return (answer.body.length > 0 ? JSON.parse(answer.body.toString()) : {}) as T;
  }

  close(): void {
    this.child.stdin.end();
  }
}

/**
 * The HTTPS endpoint beside the plain one, for clients that only speak TLS: ALPN offers h2 and
 * http/1.1, and a self-signed certificate for localhost is generated at first start, which clients
 * trust the way the README says (NODE_EXTRA_CA_CERTS, AWS_CA_BUNDLE).
 */
describe('the TLS endpoint', () => {
  const data = tempDataDir();
  let spate: Awaited<ReturnType<typeof startAllInOne>>;
  let endpoint: string;
  let port: number;
  let certFile: string;

  beforeAll(async () => {
    spate = await startAllInOne(data.dir);
    ({ endpoint, port, certFile } = await tlsEndpoint(spate.server, data.dir));
  });

  afterAll(async () => {
    await spate?.stop();
    data.remove();
  });

  const alpn = (protocols: string[]) =>
    new Promise<string | false>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ALPNProtocols: protocols, ca: readFileSync(certFile) }, () => {
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
    const result = spawnSync(process.execPath, ['-e', script, endpoint], {
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
    const result = spawnSync('aws', ['--endpoint-url', endpoint, '--output', 'json', 'kinesis', 'list-streams'], {
      encoding: 'utf8',
      env: { ...process.env, AWS_CA_BUNDLE: certFile, AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's', AWS_DEFAULT_REGION: 'us-east-1' },
      timeout: 30_000,
    });
    if (result.status !== 0) throw new Error(`aws kinesis list-streams over HTTPS: ${result.stderr}`);
    expect(JSON.parse(result.stdout).StreamNames).toContain('secure');
  });

  it('serves a Java client (the JDK\'s HTTP/2 client, ALPN over TLS) that trusts the certificate through a keytool trust store', async () => {
    const trustStore = path.join(data.dir, 'spate-truststore.jks');
    const imported = spawnSync('keytool', ['-importcert', '-noprompt', '-alias', 'spate', '-file', certFile, '-keystore', trustStore, '-storepass', 'changeit'], { encoding: 'utf8' });
    if (imported.status !== 0) throw new Error(`keytool -importcert: ${imported.error?.message ?? imported.stderr}`);
    const java = new JavaKinesis(trustStore, `${endpoint}/`);
    try {
      // CBOR is what the Java SDK sends by default; an empty map is an empty ListStreams input.
      const listed = await java.call('ListStreams', CBOR_1_1, Buffer.from([0xa0]));
      expect([listed.version, listed.status, listed.contentType]).toEqual(['HTTP_2', 200, CBOR_1_1]);
      expect(awsCborDecoder.decode(listed.body).StreamNames).toContain('secure');

      await java.json('CreateStream', { StreamName: 'java', ShardCount: 1 });
      const status = async () => (await java.json<{ StreamDescriptionSummary: { StreamStatus: string } }>('DescribeStreamSummary', { StreamName: 'java' })).StreamDescriptionSummary.StreamStatus;
      for (let i = 0; i < 100 && (await status()) !== 'ACTIVE'; i++) await sleep(50);
      const put = await java.json<{ ShardId: string; SequenceNumber: string }>('PutRecord', { StreamName: 'java', PartitionKey: 'k', Data: Buffer.from('from java').toString('base64') });
      const { ShardIterator } = await java.json<{ ShardIterator: string }>('GetShardIterator', {
        StreamName: 'java',
        ShardId: put.ShardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: put.SequenceNumber,
      });
      const { Records } = await java.json<{ Records: { SequenceNumber: string; Data: string }[] }>('GetRecords', { ShardIterator });
      expect(Records.map((r) => [r.SequenceNumber, Buffer.from(r.Data, 'base64').toString()])).toEqual([[put.SequenceNumber, 'from java']]);
    } finally {
      java.close();
    }
  }, 60_000);

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
