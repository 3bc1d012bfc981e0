import { NEXT_TOKEN_TTL_MS } from '../next-token';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { listStreams } from './list-streams.action';

describe('ListStreams', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  const create = async (names: string[], caller = TEST_CALLER) => {
    for (const name of names) await createStream(kds.ctx(caller), { StreamName: name, ShardCount: 1 });
  };

  describe('functionality', () => {
    it('lists the caller streams by name, with their summaries', async () => {
      await create(['b', 'a']);
      kds.advance(1_000);
      await createStream(kds.ctx(), { StreamName: 'c' });
      expect(await listStreams(kds.ctx(), {})).toEqual({
        StreamNames: ['a', 'b', 'c'],
        HasMoreStreams: false,
        StreamSummaries: [
          {
            StreamName: 'a',
            StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/a',
            StreamStatus: 'ACTIVE',
            StreamModeDetails: { StreamMode: 'PROVISIONED' },
            StreamCreationTimestamp: new Date(kds.nowMs - 1_000),
          },
          expect.objectContaining({ StreamName: 'b' }),
          {
            StreamName: 'c',
            StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/c',
            StreamStatus: 'ACTIVE',
            StreamModeDetails: { StreamMode: 'ON_DEMAND' },
            StreamCreationTimestamp: new Date(kds.nowMs),
          },
        ],
      });
    });

    it('lists nothing of other accounts or regions', async () => {
      await create(['mine']);
      await create(['theirs'], { account: '210987654321', region: 'us-east-1' });
      await create(['elsewhere'], { ...TEST_CALLER, region: 'eu-west-1' });
      expect((await listStreams(kds.ctx(), {})).StreamNames).toEqual(['mine']);
    });

    it('pages with Limit and ExclusiveStartStreamName', async () => {
      await create(['a', 'b', 'c', 'd']);
      const first = await listStreams(kds.ctx(), { Limit: 2 });
      expect([first.StreamNames, first.HasMoreStreams]).toEqual([['a', 'b'], true]);
      const rest = await listStreams(kds.ctx(), { Limit: 2, ExclusiveStartStreamName: 'b' });
      expect([rest.StreamNames, rest.HasMoreStreams, rest.NextToken]).toEqual([['c', 'd'], false, undefined]);
      expect((await listStreams(kds.ctx(), { ExclusiveStartStreamName: 'bb' })).StreamNames).toEqual(['c', 'd']);
    });

    it('pages with NextToken, which expires after 300 seconds', async () => {
      await create(['a', 'b', 'c']);
      const first = await listStreams(kds.ctx(), { Limit: 1 });
      const second = await listStreams(kds.ctx(), { Limit: 1, NextToken: first.NextToken });
      expect(second.StreamNames).toEqual(['b']);
      kds.advance(NEXT_TOKEN_TTL_MS + 1);
      expect(await failureOf(listStreams(kds.ctx(), { NextToken: second.NextToken }))).toEqual(
        kinesisFailure('ExpiredNextTokenException', 'The NextToken has expired.'),
      );
    });

    it('returns at most 100 names, whatever the Limit', async () => {
      await create(Array.from({ length: 101 }, (_, i) => `s${String(i).padStart(3, '0')}`));
      const page = await listStreams(kds.ctx(), { Limit: 10_000 });
      expect(page.StreamNames).toHaveLength(100);
      expect(page.HasMoreStreams).toBe(true);
      expect((await listStreams(kds.ctx(), { NextToken: page.NextToken })).StreamNames).toEqual(['s100']);
    });
  });
});
