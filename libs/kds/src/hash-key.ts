import { hash } from 'node:crypto';
import { MAX_HASH_KEY } from './hash-range';
import { KinesisError } from './kinesis-error';

/** The 128-bit hash key of a partition key: its UTF-8 bytes' MD5 read as a big-endian integer. */
export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt('0x' + hash('md5', partitionKey, 'hex'));
}

/**
 * An ExplicitHashKey as a number. The model's pattern already admits only decimal digits (up to 39
 * of them), so what is left to check is the upper bound.
 */
export function parseExplicitHashKey(value: string): bigint {
  const key = /^\d+$/.test(value) ? BigInt(value) : -1n;
  if (key < 0n || key > MAX_HASH_KEY) {
    throw new KinesisError(
      'InvalidArgumentException',
      `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${value}`,
    );
  }
  return key;
}

/** The hash key that routes a record: its ExplicitHashKey when given, else its partition key's. */
export function recordHashKey(record: { PartitionKey: string; ExplicitHashKey?: string }): bigint {
  return record.ExplicitHashKey === undefined
    ? partitionKeyHash(record.PartitionKey)
    : parseExplicitHashKey(record.ExplicitHashKey);
}
