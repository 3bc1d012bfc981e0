import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { sleep, startAllInOne, tempDataDir, tlsEndpoint } from '@spate/testing';
import { awsCborDecoder, awsCborEncoder } from './aws-cbor';

/** Debian's libnetty-java: the Netty 4.1 jars, one per module. */
const NETTY_JARS = ['common', 'buffer', 'transport', 'codec', 'codec-http', 'codec-http2', 'handler', 'resolver'].map((module) => `/usr/share/java/netty-${module}.jar`);
const CBOR_1_1 = 'application/x-amz-cbor-1.1';

/** Which lines belong together: answers to calls, PING acks, and the subscription's stream. */
type Channel = 'answer' | 'pong' | 'subscription';
const CHANNEL_OF: Record<string, Channel> = { answer: 'answer', pong: 'pong', status: 'subscription', event: 'subscription', closed: 'subscription' };

/**
 * java/KinesisOverNetty.java, driven line by line over its pipes. A subscription's events come
 * whenever the server sends them, so each kind of line is read from its own queue.
 */
class NettyKinesis {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Record<Channel, string[][]> = { answer: [], pong: [], subscription: [] };
  private wake?: () => void;
  private stderr = '';
  private exited = false;

  constructor(endpoint: string, certFile: string) {
    const source = path.join(__dirname, 'java', 'KinesisOverNetty.java');
    this.child = spawn('java', ['-cp', NETTY_JARS.join(':'), source, endpoint, certFile]);
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const fields = line.split('\t');
      const channel = CHANNEL_OF[fields[0]];
      if (!channel) throw new Error(`unexpected line from the Netty client: ${line}`);
      this.lines[channel].push(fields);
      this.wake?.();
    });
    this.child.on('exit', () => {
      this.exited = true;
      this.wake?.();
    });
  }

  /** The next line of `channel`, within `timeoutMs`. */
  async next(channel: Channel, timeoutMs = 20_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines[channel].length === 0) {
      if (this.exited) throw new Error(`the Netty client exited: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no ${channel} line from the Netty client in ${timeoutMs} ms: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.lines[channel].shift()!;
  }

  send(...fields: string[]): void {
    this.child.stdin.write(`${fields.join('\t')}\n`);
  }

  /** A CBOR call, as the Java SDK makes it by default; the decoded answer. */
  async cbor<T = Record<string, unknown>>(target: string, input: unknown): Promise<{ status: string; contentType: string; body: T }> {
    this.send('call', target, CBOR_1_1, Buffer.from(awsCborEncoder.encode(input)).toString('base64'));
    const [, status, contentType, body] = await this.next('answer');
    const bytes = Buffer.from(body, 'base64');
    return { status, contentType, body: (bytes.length > 0 ? awsCborDecoder.decode(bytes) : {}) as T };
  }

  close(): void {
    this.child.stdin.end();
  }
}

interface Event {
  messageType: string;
  type: string;
  contentType: string;
  payload: Buffer;
}

/**
 * Netty's HTTP/2 codec is the stack under the AWS SDK for Java v2's async client (and so under the
 * KCL's enhanced fan-out): ALPN over TLS, prior knowledge over cleartext, its own flow control and
 * PING health checks. The SDK itself needs Maven Central; Netty comes from Debian.
 */
describe('a client on Netty\'s HTTP/2 codec (the Java SDK v2 async client\'s stack)', () => {
  const data = tempDataDir();
  let spate: Awaited<ReturnType<typeof startAllInOne>>;
  let secure: Awaited<ReturnType<typeof tlsEndpoint>>;

  beforeAll(async () => {
    const missing = NETTY_JARS.filter((jar) => !existsSync(jar));
    if (missing.length > 0) throw new Error(`Netty is missing (${missing.join(', ')}): apt-get install -y libnetty-java`);
    spate = await startAllInOne(data.dir);
    secure = await tlsEndpoint(spate.server, data.dir);
  });

  afterAll(async () => {
    await spate?.stop();
    data.remove();
  });

  const nextEvent = async (netty: NettyKinesis): Promise<Event> => {
    const [kind, messageType, type, contentType, payload] = await netty.next('subscription');
    if (kind !== 'event') throw new Error(`expected an event, got ${[kind, messageType].join(' ')}`);
    return { messageType, type, contentType, payload: Buffer.from(payload, 'base64') };
  };

  /** Reads the subscription's lines (events may still be on their way) until it is closed; how. */
  const closed = async (netty: NettyKinesis): Promise<string> => {
    for (;;) {
      const [kind, how] = await netty.next('subscription');
      if (kind === 'closed') return how;
    }
  };

  it('subscribes over TLS with CBOR: initial-response first, records pushed, resources released on reset', async () => {
    const netty = new NettyKinesis(secure.endpoint, secure.certFile);
    try {
      netty.send('ping');
      expect(await netty.next('pong')).toEqual(['pong']);

      expect((await netty.cbor('CreateStream', { StreamName: 'netty', ShardCount: 1 })).status).toBe('200');
      let summary = await netty.cbor<{ StreamDescriptionSummary: { StreamStatus: string; StreamARN: string } }>('DescribeStreamSummary', { StreamName: 'netty' });
      for (let i = 0; i < 100 && summary.body.StreamDescriptionSummary.StreamStatus !== 'ACTIVE'; i++) {
        await sleep(50);
        summary = await netty.cbor('DescribeStreamSummary', { StreamName: 'netty' });
      }
      expect(summary.contentType).toBe(CBOR_1_1);
      const streamArn = summary.body.StreamDescriptionSummary.StreamARN;
      const consumer = (await netty.cbor<{ Consumer: { ConsumerARN: string } }>('RegisterStreamConsumer', { StreamARN: streamArn, ConsumerName: 'netty' })).body.Consumer;
      for (let i = 0; i < 100; i++) {
        const described = await netty.cbor<{ ConsumerDescription: { ConsumerStatus: string } }>('DescribeStreamConsumer', { ConsumerARN: consumer.ConsumerARN });
        if (described.body.ConsumerDescription.ConsumerStatus === 'ACTIVE') break;
        await sleep(50);
      }

      const stored = [Buffer.from([0, 0xff, 0x80]), Buffer.from('second')];
      const put = await netty.cbor<{ FailedRecordCount: number; Records: { SequenceNumber: string; ShardId: string }[] }>('PutRecords', {
        StreamName: 'netty',
        Records: stored.map((bytes, i) => ({ PartitionKey: `k${i}`, Data: bytes })),
      });
      expect(put.body.FailedRecordCount).toBe(0);
      const shardId = put.body.Records[0].ShardId;

      const subscribe = { ConsumerARN: consumer.ConsumerARN, ShardId: shardId, StartingPosition: { Type: 'TRIM_HORIZON' } };
      netty.send('subscribe', CBOR_1_1, Buffer.from(awsCborEncoder.encode(subscribe)).toString('base64'));
      expect(await netty.next('subscription')).toEqual(['status', '200', 'application/vnd.amazon.eventstream']);
      const initial = await nextEvent(netty);
      expect([initial.messageType, initial.type]).toEqual(['event', 'initial-response']);

      const received: { SequenceNumber: string; Data: Buffer; ApproximateArrivalTimestamp: Date }[] = [];
      let pushed = false;
      while (received.length < 3) {
        const event = await nextEvent(netty);
        expect([event.messageType, event.type, event.contentType]).toEqual(['event', 'SubscribeToShardEvent', CBOR_1_1]);
        const body = awsCborDecoder.decode(event.payload) as { Records: typeof received; ContinuationSequenceNumber: string; MillisBehindLatest: number };
        received.push(...body.Records);
        if (body.Records.length > 0) expect(body.ContinuationSequenceNumber).toBe(body.Records[body.Records.length - 1].SequenceNumber);
        if (received.length === 2 && !pushed) {
          pushed = true;
          expect((await netty.cbor('PutRecord', { StreamName: 'netty', PartitionKey: 'k0', Data: Buffer.from('pushed') })).status).toBe('200');
        }
      }
      expect(received.slice(0, 2).map((r) => [r.SequenceNumber, Buffer.from(r.Data)])).toEqual(put.body.Records.map((r, i) => [r.SequenceNumber, stored[i]]));
      expect(Buffer.from(received[2].Data).toString()).toBe('pushed');
      // CBOR timestamps are tag 1 with epoch milliseconds: a Date within the last minute.
      for (const record of received) expect(Math.abs(Date.now() - record.ApproximateArrivalTimestamp.getTime())).toBeLessThan(60_000);

      // A second subscription of the same consumer and shard is refused while the first is open...
      const second = await netty.cbor<{ __type?: string }>('SubscribeToShard', subscribe);
      expect([second.status, second.body.__type]).toEqual(['400', 'ResourceInUseException']);
      // ...and allowed once the first stream is reset, as a cancelled subscriber resets it.
      netty.send('cancel');
      expect(await closed(netty)).toBe('stream closed');
      let again: string[] = [];
      for (let i = 0; i < 50; i++) {
        netty.send('subscribe', CBOR_1_1, Buffer.from(awsCborEncoder.encode({ ...subscribe, StartingPosition: { Type: 'LATEST' } })).toString('base64'));
        again = await netty.next('subscription');
        if (again[1] === '200') break;
        await netty.next('subscription'); // the refused stream's end
        await sleep(20);
      }
      expect(again).toEqual(['status', '200', 'application/vnd.amazon.eventstream']);
      expect((await nextEvent(netty)).type).toBe('initial-response');
      netty.send('cancel');
      expect(await closed(netty)).toBe('stream closed');
    } finally {
      netty.close();
    }
  }, 90_000);

  it('speaks HTTP/2 with prior knowledge on the plain port, PINGs included', async () => {
    const netty = new NettyKinesis(spate.endpoint, '');
    try {
      netty.send('ping');
      expect(await netty.next('pong')).toEqual(['pong']);
      const listed = await netty.cbor<{ StreamNames: string[] }>('ListStreams', {});
      expect([listed.status, listed.contentType]).toEqual(['200', CBOR_1_1]);
      expect(listed.body.StreamNames).toContain('netty');
      const missing = await netty.cbor<{ __type: string }>('DescribeStreamSummary', { StreamName: 'no-such-stream' });
      expect([missing.status, missing.contentType, missing.body.__type]).toEqual(['400', CBOR_1_1, 'ResourceNotFoundException']);
    } finally {
      netty.close();
    }
  }, 60_000);
});
