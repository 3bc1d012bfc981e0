import { kinesisActions, kinesisModel } from './kinesis-api';

describe('the Kinesis API table', () => {
  it('has an action for every operation of the service model, and nothing else', () => {
    const operations = Object.keys((kinesisModel as { operations: Record<string, unknown> }).operations).sort();
    expect(operations).toHaveLength(39);
    expect(Object.keys(kinesisActions).sort()).toEqual(operations);
  });
});
