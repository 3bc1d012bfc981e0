import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateInput } from './input-validator';
import { ServiceError } from './service-error';
import type { ServiceModel } from './service-model';

const model = JSON.parse(readFileSync(join(__dirname, '../../kds/src/model/kinesis-2013-12-02.json'), 'utf8')) as ServiceModel;

function validationMessage(shape: string, input: Record<string, unknown>, serviceModel = model): string {
  try {
    validateInput(serviceModel, shape, input);
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).type).toBe('ValidationException');
    expect((error as ServiceError).statusCode).toBe(400);
    return (error as ServiceError).message;
  }
  throw new Error('the input was valid');
}

const STREAM_NAME_PATTERN = "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";
const STREAM_NAME_MIN = "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1";

describe('validateInput', () => {
  it('accepts valid input', () => {
    expect(() =>
      validateInput(model, 'PutRecordsInput', { StreamName: 'a.b-c_1', Records: [{ Data: Buffer.alloc(10), PartitionKey: 'pk', ExplicitHashKey: '0' }] }),
    ).not.toThrow();
  });

  it('reports a missing required member as null', () => {
    expect(validationMessage('PutRecordsInput', {})).toBe(
      "1 validation error detected: Value null at 'records' failed to satisfy constraint: Member must not be null",
    );
  });

  it('reports a string pattern before its length, after the list length (PutRecords)', () => {
    expect(validationMessage('PutRecordsInput', { StreamName: '', Records: [] })).toBe(
      `3 validation errors detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1; ${STREAM_NAME_PATTERN}; ${STREAM_NAME_MIN}`,
    );
  });

  it('numbers list members from 1 under `member` (PutRecords entries)', () => {
    expect(validationMessage('PutRecordsInput', { Records: [{ Data: Buffer.alloc(0), PartitionKey: '', ExplicitHashKey: 'x' }, { Data: Buffer.alloc(0) }] })).toBe(
      '3 validation errors detected: ' +
        "Value 'x' at 'records.1.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
        "Value '' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value null at 'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null",
    );
  });

  it('prints blobs as Java ByteBuffers (PutRecord)', () => {
    expect(validationMessage('PutRecordInput', { Data: Buffer.alloc(10485761), PartitionKey: 'a'.repeat(257) })).toBe(
      '2 validation errors detected: ' +
        "Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 10485760; " +
        `Value '${'a'.repeat(257)}' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
  });

  it('reports numbers against their bounds (CreateStream, GetRecords)', () => {
    expect(validationMessage('CreateStreamInput', { StreamName: '', ShardCount: 0 })).toBe(
      `3 validation errors detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; ${STREAM_NAME_PATTERN}; ${STREAM_NAME_MIN}`,
    );
    expect(validationMessage('GetRecordsInput', { ShardIterator: 'i', Limit: 10001 })).toBe(
      "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
    );
  });

  it('lists enum values in model order (GetShardIterator)', () => {
    expect(validationMessage('GetShardIteratorInput', { StreamName: 'a'.repeat(129), ShardId: 'shardId-0', ShardIteratorType: 'NEWEST' })).toBe(
      '2 validation errors detected: ' +
        "Value 'NEWEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]; " +
        `Value '${'a'.repeat(129)}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
  });

  it('joins nested structure paths (ListShards)', () => {
    expect(validationMessage('ListShardsInput', { ShardFilter: {} })).toBe(
      "1 validation error detected: Value null at 'shardFilter.type' failed to satisfy constraint: Member must not be null",
    );
  });

  it('reports map keys and values as constraints on the whole map (AddTagsToStream)', () => {
    const longKey = 'k'.repeat(129);
    expect(validationMessage('AddTagsToStreamInput', { Tags: { a: '1', [longKey]: '2', b: 'v'.repeat(257) } })).toBe(
      '2 validation errors detected: ' +
        `Value '{a=1, ${longKey}=2, b=${'v'.repeat(257)}}' at 'tags' failed to satisfy constraint: ` +
        'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]; ' +
        `Value '{a=1, ${longKey}=2, b=${'v'.repeat(257)}}' at 'tags' failed to satisfy constraint: ` +
        'Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]',
    );
    expect(validationMessage('AddTagsToStreamInput', { Tags: {} })).toBe(
      "1 validation error detected: Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('reports scalar list members as a constraint on the whole list (RemoveTagsFromStream)', () => {
    const long = 'a'.repeat(129);
    expect(validationMessage('RemoveTagsFromStreamInput', { TagKeys: ['a', long, 'b'] })).toBe(
      `1 validation error detected: Value '[a, ${long}, b]' at 'tagKeys' failed to satisfy constraint: ` +
        'Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]',
    );
    expect(validationMessage('EnableEnhancedMonitoringInput', { ShardLevelMetrics: ['ALL', 'Bogus'] })).toBe(
      "1 validation error detected: Value '[ALL, Bogus]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: " +
        '[Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ' +
        'ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]]',
    );
  });

  it('reports a null list element at its own path', () => {
    expect(validationMessage('RemoveTagsFromStreamInput', { TagKeys: ['a', null] })).toBe(
      "1 validation error detected: Value null at 'tagKeys.2.member' failed to satisfy constraint: Member must not be null",
    );
  });

  it('reports at most ten errors, printing lists of structures by class name', () => {
    const records = Array.from({ length: 501 }, () => ({ Data: Buffer.alloc(0), PartitionKey: '' }));
    const message = validationMessage('PutRecordsInput', { StreamName: '', Records: records });
    const errors = message.replace(/^10 validation errors detected: /, '').split('; ');
    expect(errors).toHaveLength(10);
    expect(errors[0]).toMatch(
      /^Value '\[(com\.amazonaws\.kinesis\.v20131202\.PutRecordsRequestEntry@[0-9a-f]+, ){500}com\.amazonaws\.kinesis\.v20131202\.PutRecordsRequestEntry@[0-9a-f]+\]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500$/,
    );
    expect(errors.slice(1)).toEqual(
      Array.from({ length: 9 }, (_, i) => `Value '' at 'records.${i + 1}.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1`),
    );
  });

  it('matches Java patterns against the whole value, with Unicode classes, and skips patterns JavaScript cannot compile', () => {
    const synthetic: ServiceModel = {
      metadata: { apiVersion: '2015-08-04', endpointPrefix: 'test', protocol: 'json' },
      operations: {},
      shapes: {
        Input: { type: 'structure', members: { Letters: { shape: 'Letters' }, Digits: { shape: 'Digits' }, Odd: { shape: 'Odd' } } },
        Letters: { type: 'string', pattern: '[\\p{L}]+' },
        Digits: { type: 'string', pattern: '0|[1-9]' },
        Odd: { type: 'string', pattern: 'a++' },
      },
    };
    expect(() => validateInput(synthetic, 'Input', { Letters: 'héllo', Digits: '7', Odd: 'anything' })).not.toThrow();
    expect(validationMessage('Input', { Letters: 'a1', Digits: '07' }, synthetic)).toBe(
      '2 validation errors detected: ' +
        "Value 'a1' at 'letters' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}]+; " +
        "Value '07' at 'digits' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|[1-9]",
    );
  });
});
