import { LocalCoordinationStore } from '@spate/coordination';
import type { StreamMeta } from './ports/stream-meta';
import { CoordinationStoreStreamRepository, STREAMS_CHANGED_CHANNEL, streamStoreKey } from './stream-repository';
import { failureOf, kinesisFailure } from './testing/kinesis-failure';
import { aConsumerMeta, aStreamMeta } from './testing/stream-meta.fixture';

describe('CoordinationStoreStreamRepository', () => {
  const caller = { account: '123456789012', region: 'us-east-1' };
  const key = { ...caller, name: 'orders' };
  let store: LocalCoordinationStore;
  let repository: CoordinationStoreStreamRepository;
  let nowMs: number;
  let gone: StreamMeta[];

  beforeEach(async () => {
    store = await LocalCoordinationStore.open();
    nowMs = 10_000;
    gone = [];
    repository = new CoordinationStoreStreamRepository(store, {
      now: () => nowMs,
      onStreamGone: async (meta) => {
        gone.push(meta);
      },
    });
  });

  afterEach(() => store.close());

  const stored = async (): Promise<StreamMeta | undefined> => {
    const value = await store.get(streamStoreKey(key));
    return value && JSON.parse(value.value);
  };

  describe('documents', () => {
    it('keeps one JSON document per stream under kds/streams/<account>/<region>/<name>', async () => {
      await repository.create(aStreamMeta());
      expect(streamStoreKey(key)).toBe('kds/streams/123456789012/us-east-1/orders');
      expect(await stored()).toEqual(aStreamMeta());
      expect(await repository.get(key)).toEqual(aStreamMeta());
    });

    it('refuses a second stream of the same name with AWS message', async () => {
      await repository.create(aStreamMeta());
      expect(await failureOf(repository.create(aStreamMeta({ streamId: 'other' })))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 already exists.'),
      );
    });

    it('lists only the streams of one account and region, and all of them with listAll', async () => {
      await repository.create(aStreamMeta({ name: 'b' }));
      await repository.create(aStreamMeta({ name: 'a' }));
      await repository.create(aStreamMeta({ name: 'c', region: 'eu-west-1' }));
      await repository.create(aStreamMeta({ name: 'd', account: '210987654321' }));
      expect((await repository.list(caller.account, caller.region)).map((m) => m.name)).toEqual(['a', 'b']);
      expect((await repository.listAll()).map((m) => `${m.account}/${m.region}/${m.name}`).sort()).toEqual([
        '123456789012/eu-west-1/c',
        '123456789012/us-east-1/a',
        '123456789012/us-east-1/b',
        '210987654321/us-east-1/d',
      ]);
    });

    it('does not mistake a region for another that starts the same', async () => {
      await repository.create(aStreamMeta({ region: 'us-east-10' }));
      expect(await repository.list(caller.account, 'us-east-1')).toEqual([]);
    });
  });

  describe('update', () => {
    it('writes what mutate returns and gives it back', async () => {
      await repository.create(aStreamMeta());
      const updated = await repository.update(key, (meta) => ({ ...meta, retentionHours: 48 }));
      expect(updated.retentionHours).toBe(48);
      expect((await stored())?.retentionHours).toBe(48);
    });

    it('loses neither of two concurrent updates', async () => {
      await repository.create(aStreamMeta());
      await Promise.all([
        repository.update(key, (meta) => ({ ...meta, tags: { ...meta.tags, first: '1' } })),
        repository.update(key, (meta) => ({ ...meta, tags: { ...meta.tags, second: '2' } })),
      ]);
      expect((await stored())?.tags).toEqual({ first: '1', second: '2' });
    });

    it('lets what mutate throws through and writes nothing', async () => {
      await repository.create(aStreamMeta());
      const refusal = new Error('refused');
      await expect(
        repository.update(key, () => {
          throw refusal;
        }),
      ).rejects.toBe(refusal);
      expect(await stored()).toEqual(aStreamMeta());
    });

    it('reports a stream that does not exist with AWS message', async () => {
      expect(await failureOf(repository.update(key, (meta) => meta))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream orders under account 123456789012 not found.'),
      );
    });
  });

  describe('due transitions', () => {
    it('turns CREATING into ACTIVE when a read finds the time has come, and writes that back', async () => {
      await repository.create(aStreamMeta({ status: 'CREATING', pendingStatus: 'ACTIVE', statusChangeAtMs: 10_500 }));
      expect((await repository.get(key))?.status).toBe('CREATING');
      nowMs = 10_500;
      expect((await repository.get(key))?.status).toBe('ACTIVE');
      expect(await stored()).toEqual(aStreamMeta());
    });

    it('settles consumers on read too', async () => {
      const stream = aStreamMeta();
      const consumer = aConsumerMeta(stream, 'reader', { status: 'CREATING', statusChangeAtMs: 10_500 });
      await repository.create({ ...stream, consumers: [consumer] });
      nowMs = 11_000;
      expect((await repository.list(caller.account, caller.region))[0].consumers[0].status).toBe('ACTIVE');
    });

    it('removes a stream whose deletion is due and calls onStreamGone once, however many read it', async () => {
      await repository.create(aStreamMeta({ status: 'DELETING', statusChangeAtMs: 10_500 }));
      expect(await repository.get(key)).toBeDefined();
      nowMs = 10_500;
      const reads = await Promise.all([repository.get(key), repository.get(key), repository.list(caller.account, caller.region)]);
      expect(reads).toEqual([undefined, undefined, []]);
      expect(await store.get(streamStoreKey(key))).toBeUndefined();
      expect(gone.map((meta) => meta.streamId)).toEqual(['orders-1']);
    });

    it('frees the name of a stream whose deletion is due for a new stream', async () => {
      await repository.create(aStreamMeta({ status: 'DELETING', statusChangeAtMs: 10_500 }));
      nowMs = 10_500;
      await repository.create(aStreamMeta({ streamId: 'orders-2' }));
      expect(gone.map((meta) => meta.streamId)).toEqual(['orders-1']);
      expect((await repository.get(key))?.streamId).toBe('orders-2');
    });

    it('applies due transitions before update hands the document to mutate', async () => {
      await repository.create(aStreamMeta({ status: 'UPDATING', statusChangeAtMs: 10_500 }));
      nowMs = 10_500;
      const seen: string[] = [];
      await repository.update(key, (meta) => {
        seen.push(meta.status);
        return meta;
      });
      expect(seen).toEqual(['ACTIVE']);
    });
  });

  describe('remove', () => {
    it('deletes the document and calls onStreamGone with it', async () => {
      await repository.create(aStreamMeta());
      await repository.remove(key);
      expect(await repository.get(key)).toBeUndefined();
      expect(gone).toEqual([aStreamMeta()]);
    });
  });

  describe('change notification', () => {
    it('publishes the key on kds.streams.changed after every write', async () => {
      const messages: string[] = [];
      await store.subscribe(STREAMS_CHANGED_CHANNEL, (message) => messages.push(message));
      await repository.create(aStreamMeta({ status: 'CREATING', statusChangeAtMs: 10_500 }));
      await repository.update(key, (meta) => ({ ...meta, retentionHours: 48 }));
      nowMs = 10_500;
      await repository.get(key);
      await repository.get(key);
      await repository.remove(key);
      await Promise.resolve();
      const storeKey = 'kds/streams/123456789012/us-east-1/orders';
      // create, update, the CREATING → ACTIVE settle (once: the second read finds nothing due), remove
      expect(messages).toEqual([storeKey, storeKey, storeKey, storeKey]);
    });
  });

  describe('resolve', () => {
    const arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';

    beforeEach(() => repository.create(aStreamMeta()));

    it.each([
      ['StreamName', { StreamName: 'orders' }],
      ['StreamARN', { StreamARN: arn }],
      ['both, agreeing', { StreamName: 'orders', StreamARN: arn }],
    ])('finds the caller stream by %s', async (_, ref) => {
      expect((await repository.resolve(caller, ref)).streamId).toBe('orders-1');
    });

    it.each([
      [
        'neither member',
        {},
        kinesisFailure('InvalidArgumentException', 'Either StreamName or StreamARN should be provided.'),
      ],
      [
        'a malformed StreamARN',
        { StreamARN: `${arn}/consumer/reader:1` },
        kinesisFailure(
          'InvalidArgumentException',
          `StreamARN ${arn}/consumer/reader:1 is not a valid stream ARN.`,
        ),
      ],
      [
        'members that disagree',
        { StreamName: 'invoices', StreamARN: arn },
        kinesisFailure(
          'InvalidArgumentException',
          `StreamARN ${arn} and StreamName invoices do not refer to the same stream.`,
        ),
      ],
      [
        'an ARN of another account',
        { StreamARN: 'arn:aws:kinesis:us-east-1:210987654321:stream/orders' },
        kinesisFailure(
          'AccessDeniedException',
          'User: arn:aws:iam::123456789012:root is not authorized to access resource: ' +
            'arn:aws:kinesis:us-east-1:210987654321:stream/orders because no resource-based policy allows the access.',
        ),
      ],
      [
        'an ARN of another region',
        { StreamARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders' },
        kinesisFailure('ResourceNotFoundException', 'Stream orders under account 123456789012 not found.'),
      ],
      [
        'a name nobody created',
        { StreamName: 'invoices' },
        kinesisFailure('ResourceNotFoundException', 'Stream invoices under account 123456789012 not found.'),
      ],
    ])('refuses %s', async (_, ref, failure) => {
      expect(await failureOf(repository.resolve(caller, ref))).toEqual(failure);
    });

    it('never finds a stream of another account or region by name', async () => {
      expect(await failureOf(repository.resolve({ ...caller, account: '210987654321' }, { StreamName: 'orders' }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream orders under account 210987654321 not found.'),
      );
      expect(await failureOf(repository.resolve({ ...caller, region: 'eu-west-1' }, { StreamName: 'orders' }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream orders under account 123456789012 not found.'),
      );
    });
  });
});
