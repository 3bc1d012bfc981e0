import { expiredSegmentCount } from './retention';

describe('expiredSegmentCount', () => {
  const segments = [{ lastArrivalMs: 100 }, { lastArrivalMs: 200 }, { lastArrivalMs: 300 }, { lastArrivalMs: undefined }];

  it('counts the leading segments whose newest record arrived before the cutoff', () => {
    expect([50, 100, 101, 200, 250, 301].map((cutoff) => expiredSegmentCount(segments, cutoff))).toEqual([0, 0, 1, 1, 2, 3]);
  });

  it('never counts past an empty segment', () => {
    expect(expiredSegmentCount(segments, 10_000)).toBe(3);
  });

  it('counts every segment when all have expired', () => {
    expect(expiredSegmentCount(segments.slice(0, 3), 10_000)).toBe(3);
  });
});
