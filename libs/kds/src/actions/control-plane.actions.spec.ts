import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { controlPlaneActions } from './control-plane.actions';

describe('controlPlaneActions', () => {
  describe('functionality', () => {
    it('serves the 29 stream-metadata operations of the model, under their model names', () => {
      const model = JSON.parse(readFileSync(join(__dirname, '../model/kinesis-2013-12-02.json'), 'utf8'));
      const dataPlane = [
        'DescribeStream',
        'GetRecords',
        'GetShardIterator',
        'ListShards',
        'MergeShards',
        'PutRecord',
        'PutRecords',
        'SplitShard',
        'SubscribeToShard',
        'UpdateShardCount',
      ];
      const expected = Object.keys(model.operations).filter((op) => !dataPlane.includes(op));
      expect(Object.keys(controlPlaneActions).sort()).toEqual(expected.sort());
      expect(expected).toHaveLength(29);
      for (const action of Object.values(controlPlaneActions)) expect(action).toEqual(expect.any(Function));
    });
  });
});
