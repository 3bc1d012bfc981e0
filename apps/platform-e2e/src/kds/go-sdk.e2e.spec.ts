import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startAllInOne, tempDataDir, tlsEndpoint } from '@spate/testing';

/** Where Debian's golang-github-aws-aws-sdk-go-v2-dev puts the SDK, for a GOPATH-mode build. */
const GOPATH = '/usr/share/gocode';
const SDK_SOURCES = path.join(GOPATH, 'src/github.com/aws/aws-sdk-go-v2/service/kinesis');

interface Step {
  step: string;
  /** The Go program's JSON for that step, checked field by field below. */
  value: any;
}

/**
 * The AWS SDK for Go v2 (go/main.go): its JSON serializers and deserializers, the StreamExists
 * waiter, typed errors, and its event-stream reader, which waits for `initial-response` before
 * it hands out any event. Plain calls go over HTTP/1.1, the consumer's calls over TLS, where the
 * SDK's transport negotiates HTTP/2 by ALPN.
 */
describe('the AWS SDK for Go v2', () => {
  const data = tempDataDir();
  const program = path.join(data.dir, 'kinesis-go');
  let spate: Awaited<ReturnType<typeof startAllInOne>>;
  let steps: Map<string, Step['value']>;

  beforeAll(async () => {
    if (!existsSync(SDK_SOURCES)) throw new Error(`the AWS SDK for Go v2 is missing (${SDK_SOURCES}): apt-get install -y golang-go golang-github-aws-aws-sdk-go-v2-dev`);
    const built = spawnSync('go', ['build', '-o', program, '.'], {
      cwd: path.join(__dirname, 'go'),
      encoding: 'utf8',
      // No cgo: the program needs no C toolchain.
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '', CGO_ENABLED: '0', GOCACHE: process.env['GOCACHE'] ?? path.join(tmpdir(), 'spate-go-build') },
      timeout: 240_000,
    });
    if (built.status !== 0) throw new Error(`go build (apt-get install -y golang-go golang-github-aws-aws-sdk-go-v2-dev): ${built.error?.message ?? built.stderr}`);

    spate = await startAllInOne(data.dir);
    const secure = await tlsEndpoint(spate.server, data.dir);
    const run = spawnSync(program, [spate.endpoint, secure.endpoint], {
      encoding: 'utf8',
      env: { ...process.env, SSL_CERT_FILE: secure.certFile },
      timeout: 90_000,
    });
    if (run.status !== 0) throw new Error(`the Go client failed: ${run.error?.message ?? run.stderr}\n${run.stdout}`);
    steps = new Map(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Step)
        .map(({ step, value }) => [step, value]),
    );
  }, 300_000);

  afterAll(async () => {
    await spate?.stop();
    data.remove();
  });

  it('creates a stream and sees it ACTIVE through the StreamExists waiter', () => {
    expect(steps.get('described')).toMatchObject({ status: 'ACTIVE', shards: 2, retentionHours: 24, protocol: 'HTTP/1.1' });
    expect(steps.get('described').arn).toMatch(/^arn:aws:kinesis:eu-west-1:\d{12}:stream\/go-sdk$/);
    expect(Math.abs(steps.get('described').created - Date.now() / 1000)).toBeLessThan(120);
  });

  it('routes by ExplicitHashKey and orders by SequenceNumberForOrdering', () => {
    const put = steps.get('put');
    expect(put.failed).toBe(0);
    expect(put.shards).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000000']);
    const [first, second] = put.sequenceNumbers.map(BigInt);
    expect(second > first).toBe(true);
  });

  it('pages ListShards by NextToken', () => {
    expect(steps.get('listed')).toEqual({ pages: 2, shardIds: ['shardId-000000000000', 'shardId-000000000001'] });
  });

  it('reads binary data back with arrival timestamps the SDK parses', () => {
    const { records, millisBehindLatest, next } = steps.get('read');
    const put = steps.get('put');
    expect(records.map((r: { sequenceNumber: string; partitionKey: string; data: string }) => [r.sequenceNumber, r.partitionKey, Buffer.from(r.data, 'base64')])).toEqual([
      [put.sequenceNumbers[0], 'low', Buffer.from([0, 1, 2, 0xfe, 0xff])],
      [put.sequenceNumbers[1], 'low', Buffer.from('second')],
    ]);
    for (const record of records) expect(record.arrivedSecondsAgo).toBeGreaterThanOrEqual(0);
    for (const record of records) expect(record.arrivedSecondsAgo).toBeLessThan(60);
    expect([millisBehindLatest, next]).toEqual([0, true]);
  });

  it('turns error answers into the SDK\'s typed errors', () => {
    expect(steps.get('errors')).toEqual({
      notFound: 'typed:ResourceNotFoundException',
      garbageIterator: 'typed:InvalidArgumentException',
      // ValidationException is not in the Kinesis model, so the SDK reports it by code.
      badName: 'generic:ValidationException',
    });
  });

  it('subscribes over HTTP/2 on the TLS endpoint: stored records, then one pushed while subscribed', () => {
    const subscribed = steps.get('subscribed');
    const put = steps.get('put');
    expect(subscribed.protocol).toBe('HTTP/2.0');
    const records = subscribed.records.map((r: { sequenceNumber: string; data: string }) => [r.sequenceNumber, Buffer.from(r.data, 'base64').toString('latin1')]);
    expect(records.slice(0, 2)).toEqual([
      [put.sequenceNumbers[0], Buffer.from([0, 1, 2, 0xfe, 0xff]).toString('latin1')],
      [put.sequenceNumbers[1], 'second'],
    ]);
    expect(records[2][1]).toBe('pushed');
    expect(BigInt(records[2][0]) > BigInt(put.sequenceNumbers[1])).toBe(true);
    expect(subscribed.continuation).toBe(records[2][0]);
    expect(subscribed.second).toBe('typed:ResourceInUseException');
  });

  it('answers every other operation of the SDK\'s model in shapes its deserializers accept', () => {
    expect(steps.get('sweep')).toEqual({
      ListStreams: { names: ['go-sdk'], more: false },
      DescribeLimits: { shardLimit: expect.any(Number), openShards: 2 },
      DescribeStreamSummary: { consumers: 1, openShards: 2 },
      ListStreamConsumers: 1,
      AddTagsToStream: 'ok',
      RemoveTagsFromStream: 'ok',
      ListTagsForStream: ['team=go'],
      IncreaseStreamRetentionPeriod: 'ok',
      DecreaseStreamRetentionPeriod: 'ok',
      EnableEnhancedMonitoring: ['IncomingBytes'],
      DisableEnhancedMonitoring: [],
      StartStreamEncryption: 'ok',
      StopStreamEncryption: 'ok',
      SplitShard: 'ok',
      MergeShards: 'ok',
      UpdateShardCount: { current: 2, target: 4 },
      UpdateStreamMode: 'ok',
      // Split 0 into 2 and 3, merged 2 and 3 into 4, then 1 and 4 scaled out to 5–8.
      closedShard: { read: 3, children: ['shardId-000000000002', 'shardId-000000000003'], ended: true },
      DescribeStream: {
        shards: 9,
        closed: ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004'],
        retentionHours: 36,
        mode: 'ON_DEMAND',
        encryption: 'NONE',
        metrics: 1,
      },
    });
    expect(steps.get('done')).toBe(true);
  });
});
