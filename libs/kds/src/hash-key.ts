import { hash } from 'node:crypto';
import { md5 } from 'js-md5';
import { MAX_HASH_KEY } from './hash-range';
import { KinesisError } from './kinesis-error';
import { md5ShortAscii } from './short-key-md5';

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

/**
 * The record's hash key as four 32-bit words, most significant first, written into
 * `words[at..at + 3]`: what routing compares (see ShardRouter.routeWords), with no BigInt made for
 * a partition key. The same number recordHashKey gives.
 */
export function writeRecordHashKey(record: { PartitionKey: string; ExplicitHashKey?: string }, words: Uint32Array, at: number): void {
  if (record.ExplicitHashKey === undefined) {
    // JavaScript rather than node:crypto here: a native hash call costs ~2 µs before it hashes a
    // byte, six times a whole short key in JavaScript, and PutRecords hashes every record's key.
    if (md5ShortAscii(record.PartitionKey, words, at)) return;
    const digest = md5.array(record.PartitionKey);
    for (let i = 0; i < 4; i++) {
      const b = 4 * i;
      words[at + i] = ((digest[b] << 24) | (digest[b + 1] << 16) | (digest[b + 2] << 8) | digest[b + 3]) >>> 0;
    }
    return;
  }
  const key = parseExplicitHashKey(record.ExplicitHashKey);
  for (let i = 0; i < 4; i++) words[at + i] = Number((key >> BigInt(96 - 32 * i)) & 0xffffffffn);
}

/** The hash key that four words (as writeRecordHashKey writes them) spell. */
export function hashKeyOfWords(words: Uint32Array, at: number): bigint {
  let key = 0n;
  for (let i = 0; i < 4; i++) key = (key << 32n) | BigInt(words[at + i]);
  return key;
}
