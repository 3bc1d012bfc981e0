import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shapeInput } from './input-shaper';
import { ServiceError } from './service-error';
import type { ServiceModel } from './service-model';

const model = JSON.parse(readFileSync(join(__dirname, '../../kds/src/model/kinesis-2013-12-02.json'), 'utf8')) as ServiceModel;
const json = (shape: string, body: Record<string, unknown>) => shapeInput(model, shape, body, 1000);

function serializationMessage(shape: string, body: Record<string, unknown>): string {
  try {
    json(shape, body);
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).type).toBe('SerializationException');
    expect((error as ServiceError).messageField).toBe('Message');
    return (error as ServiceError).message;
  }
  throw new Error('the body was accepted');
}

describe('shapeInput', () => {
  describe('functionality', () => {
    it('keeps modelled members only, decoding blobs and dropping nulls', () => {
      const input = json('PutRecordsInput', {
        StreamName: 's',
        Unknown: 'ignored',
        StreamARN: null,
        Records: [{ Data: 'aGk=', PartitionKey: 'pk', Extra: 1 }],
      });
      expect(input).toEqual({ StreamName: 's', Records: [{ Data: Buffer.from('hi'), PartitionKey: 'pk' }] });
    });

    it('reads numeric timestamps in the codec unit', () => {
      expect(json('GetShardIteratorInput', { Timestamp: 1700000000.5 })).toEqual({ Timestamp: new Date(1700000000500) });
      expect(shapeInput(model, 'GetShardIteratorInput', { Timestamp: 1700000000500 }, 1)).toEqual({ Timestamp: new Date(1700000000500) });
    });

    it('passes through the Buffers and Dates a CBOR body already carries', () => {
      const data = Buffer.from([1, 2]);
      const when = new Date(5);
      expect(shapeInput(model, 'PutRecordInput', { Data: data }, 1).Data).toBe(data);
      expect(shapeInput(model, 'ListShardsInput', { ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: when } }, 1)).toEqual({
        ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: when },
      });
    });

    it('truncates integers as Java does and clamps them to 32 bits', () => {
      expect(json('CreateStreamInput', { ShardCount: 2.9 }).ShardCount).toBe(2);
      expect(json('CreateStreamInput', { ShardCount: -2.9 }).ShardCount).toBe(-2);
      expect(json('CreateStreamInput', { ShardCount: 100000000000 }).ShardCount).toBe(2147483647);
    });

    it('reads map entries, keeping "__proto__" as an entry', () => {
      const tags = JSON.parse('{"a":"1","__proto__":"2"}');
      const input = json('AddTagsToStreamInput', { Tags: tags });
      expect(Object.getPrototypeOf(input.Tags)).toBe(Object.prototype);
      expect(Object.entries(input.Tags as object)).toEqual([
        ['a', '1'],
        ['__proto__', '2'],
      ]);
    });

    it('keeps null list elements for the validator to report', () => {
      expect(json('RemoveTagsFromStreamInput', { TagKeys: ['a', null] })).toEqual({ TagKeys: ['a', null] });
    });

    it('accepts "true"/"false" strings and fractional numbers for booleans', () => {
      expect(json('DeleteStreamInput', { EnforceConsumerDeletion: 'TRUE' }).EnforceConsumerDeletion).toBe(true);
      expect(json('DeleteStreamInput', { EnforceConsumerDeletion: 'false' }).EnforceConsumerDeletion).toBe(false);
      expect(json('DeleteStreamInput', { EnforceConsumerDeletion: 0.5 }).EnforceConsumerDeletion).toBe(true);
    });
  });

  describe('serializations', () => {
    it.each([
      [true, 'class java.lang.Boolean can not be converted to an String'],
      [23, 'class java.lang.Short can not be converted to an String'],
      [-2147483648, 'class java.lang.Integer can not be converted to an String'],
      [2147483648, 'class java.lang.Long can not be converted to an String'],
      [34.56, 'class java.lang.Double can not be converted to an String'],
      [[], 'Start of list found where not expected'],
      [{}, 'Start of structure or map found where not expected.'],
    ])('rejects %j for a String', (value, message) => {
      expect(serializationMessage('PutRecordInput', { StreamName: value })).toBe(message);
    });

    it.each([
      ['23', 'class java.lang.String can not be converted to an Integer'],
      [true, 'class java.lang.Boolean can not be converted to an Integer'],
      [[], 'Start of list found where not expected'],
      [{}, 'Start of structure or map found where not expected.'],
    ])('rejects %j for an Integer', (value, message) => {
      expect(serializationMessage('CreateStreamInput', { ShardCount: value })).toBe(message);
    });

    it.each([
      [true, 'class java.lang.Boolean can not be converted to a Blob'],
      [23, 'class java.lang.Short can not be converted to a Blob'],
      ['23456', "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5"],
      [{}, 'Start of structure or map found where not expected.'],
    ])('rejects %j for a Blob inside a list', (value, message) => {
      expect(serializationMessage('PutRecordsInput', { Records: [{ Data: value }] })).toBe(message);
    });

    it.each([
      [true, 'class java.lang.Boolean can not be converted to milliseconds since epoch'],
      ['2024-01-01', 'class java.lang.String can not be converted to milliseconds since epoch'],
      [[], 'Start of list found where not expected'],
    ])('rejects %j for a Timestamp', (value, message) => {
      expect(serializationMessage('GetShardIteratorInput', { Timestamp: value })).toBe(message);
    });

    it.each([
      [23, 'class java.lang.Short can not be converted to an Boolean'],
      ['yes', "'YES' can not be converted to an Boolean"],
      [{}, 'Start of structure or map found where not expected.'],
    ])('rejects %j for a Boolean', (value, message) => {
      expect(serializationMessage('DeleteStreamInput', { EnforceConsumerDeletion: value })).toBe(message);
    });

    it.each([
      [true, 'Expected list or null'],
      [34.56, 'Expected list or null'],
      [{}, 'Start of structure or map found where not expected.'],
    ])('rejects %j for a List', (value, message) => {
      expect(serializationMessage('PutRecordsInput', { Records: value })).toBe(message);
    });

    it.each([
      ['x', 'Expected map or null'],
      [[], 'Start of list found where not expected'],
    ])('rejects %j for a Map', (value, message) => {
      expect(serializationMessage('AddTagsToStreamInput', { Tags: value })).toBe(message);
    });

    it.each([
      [23, 'Expected null'],
      [[], 'Start of list found where not expected'],
    ])('rejects %j for a Structure', (value, message) => {
      expect(serializationMessage('PutRecordsInput', { Records: [value] })).toBe(message);
    });

    it('names the Java class a CBOR byte string would be read as', () => {
      expect(serializationMessage('PutRecordInput', { PartitionKey: Buffer.from('x') })).toBe('class [B can not be converted to an String');
    });
  });
});
