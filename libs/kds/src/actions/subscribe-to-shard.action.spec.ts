import type { StartingPosition } from '../model/kinesis-shapes';
import { aStream } from '../testing/data-plane-fixtures';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { registerStreamConsumer } from './register-stream-consumer.action';
import { deregisterStreamConsumer } from './deregister-stream-consumer.action';
import { putRecords } from './put-records.action';
import { splitShard } from './split-shard.action';
import { subscribeToShard } from './subscribe-to-shard.action';

describe('SubscribeToShard', () => {
  let kds: TestKds;
  let consumerArn: string;
  beforeEach(async () => {
    kds = await openTestKds({ consumerDelayMs: 1000 });
    const meta = await aStream(kds);
    consumerArn = (await registerStreamConsumer(kds.ctx(), { StreamARN: meta.arn, ConsumerName: 'app' })).Consumer.ConsumerARN;
  });
  afterEach(() => kds.close());

  const subscribe = (StartingPosition: StartingPosition = { Type: 'LATEST' }, ShardId = 'shardId-000000000000', ConsumerARN = consumerArn) =>
    subscribeToShard(kds.ctx(), { ConsumerARN, ShardId, StartingPosition });

  describe('functionality', () => {
    it('refuses a consumer that is not ACTIVE yet', async () => {
      expect(await failureOf(subscribe())).toEqual(
        kinesisFailure('ResourceInUseException', `Consumer ${consumerArn} under account 123456789012 is not ACTIVE, instead in state CREATING.`),
      );
    });

    it('checks the shard and the starting position as GetShardIterator does', async () => {
      kds.advance(1000);
      expect(await failureOf(subscribe({ Type: 'LATEST' }, 'shardId-000000000003'))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Shard shardId-000000000003 in stream orders under account 123456789012 does not exist'),
      );
      expect(await failureOf(subscribe({ Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: '42' }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'StartingSequenceNumber 42 used in SubscribeToShard on shard shardId-000000000000 in stream orders under account 123456789012 is invalid.',
        ),
      );
    });

    it('refuses a consumer ARN no registration has', async () => {
      kds.advance(1000);
      const unknown = consumerArn.replace('/consumer/app:', '/consumer/other:');
      expect(await failureOf(subscribe({ Type: 'LATEST' }, 'shardId-000000000000', unknown))).toEqual(
        kinesisFailure('ResourceNotFoundException', `Consumer ${unknown}, account 123456789012 not found.`),
      );
    });

    it('pushes records as they are appended, each event with the sequence number to continue from', async () => {
      kds.advance(1000);
      const output = await subscribe({ Type: 'LATEST' });
      const events = output.events[Symbol.asyncIterator]();
      await putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'a', ExplicitHashKey: '0', Data: Buffer.from('one') }] });
      const first = (await events.next()).value as { kind: string; eventType: string; payload: { Records: Iterable<{ Data: Buffer; SequenceNumber: string }>; ContinuationSequenceNumber: string } };
      expect(first.kind).toBe('event');
      expect(first.eventType).toBe('SubscribeToShardEvent');
      const records = [...first.payload.Records];
      expect(records.map((r) => r.Data.toString())).toEqual(['one']);
      expect(first.payload.ContinuationSequenceNumber).toBe(records[0].SequenceNumber);
      await putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'b', ExplicitHashKey: '0', Data: Buffer.from('two') }] });
      const second = (await events.next()).value as typeof first;
      expect([...second.payload.Records].map((r) => r.Data.toString())).toEqual(['two']);
      output.events.destroy();
    });

    it('starts where the starting position says, and continues after a ContinuationSequenceNumber', async () => {
      kds.advance(1000);
      await putRecords(kds.ctx(), { StreamName: 'orders', Records: ['a', 'b', 'c'].map((t) => ({ PartitionKey: t, ExplicitHashKey: '0', Data: Buffer.from(t) })) });
      const all = await subscribe({ Type: 'TRIM_HORIZON' });
      const event = (await all.events[Symbol.asyncIterator]().next()).value as { payload: { Records: Iterable<{ Data: Buffer; SequenceNumber: string }> } };
      const records = [...event.payload.Records];
      expect(records.map((r) => r.Data.toString())).toEqual(['a', 'b', 'c']);
      all.events.destroy();
      await new Promise((resolve) => setImmediate(resolve));
      const after = await subscribe({ Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: records[0].SequenceNumber });
      const rest = (await after.events[Symbol.asyncIterator]().next()).value as typeof event;
      expect([...rest.payload.Records].map((r) => r.Data.toString())).toEqual(['b', 'c']);
      after.events.destroy();
    });

    it('allows one active subscription per consumer and shard, and frees it when the client goes away', async () => {
      kds.advance(1000);
      const first = await subscribe();
      expect(await failureOf(subscribe())).toEqual(
        kinesisFailure('ResourceInUseException', `Another active subscription exists for consumer ${consumerArn} on shard shardId-000000000000 under account 123456789012.`),
      );
      first.events.destroy();
      await new Promise((resolve) => first.events.once('close', resolve));
      const again = await subscribe();
      again.events.destroy();
    });

    it('ends a closed shard with an event listing its children', async () => {
      kds.advance(1000);
      await putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'a', ExplicitHashKey: '0', Data: Buffer.from('last') }] });
      await splitShard(kds.ctx(), { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' });
      kds.advance(1);
      const output = await subscribe({ Type: 'TRIM_HORIZON' });
      const items: { payload: { Records: Iterable<{ Data: Buffer }>; ChildShards?: { ShardId: string }[] } }[] = [];
      for await (const item of output.events) items.push(item);
      expect(items).toHaveLength(1);
      expect([...items[0].payload.Records].map((r) => r.Data.toString())).toEqual(['last']);
      expect(items[0].payload.ChildShards!.map((c) => c.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    });

    it('ends with ResourceNotFoundException once its consumer is deregistered', async () => {
      kds.advance(1000);
      const output = await subscribe({ Type: 'LATEST' });
      const events = output.events[Symbol.asyncIterator]();
      expect(((await events.next()).value as { kind: string }).kind).toBe('event');
      await deregisterStreamConsumer(kds.ctx(), { ConsumerARN: consumerArn });
      await putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'a', ExplicitHashKey: '0', Data: Buffer.from('x') }] });
      const items: { kind: string; exceptionType?: string }[] = [];
      for (let next = await events.next(); !next.done; next = await events.next()) items.push(next.value as { kind: string });
      expect(items.map((i) => i.kind)).toEqual(['event', 'exception']);
      expect(items[1]).toMatchObject({ exceptionType: 'ResourceNotFoundException', message: `Consumer ${consumerArn}, account 123456789012 not found.` });
    });
  });
});
