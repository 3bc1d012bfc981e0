import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidInput } from './input-check';
import { validationErrors } from './input-validator';
import type { ServiceModel, Shape } from './service-model';

const kinesis = JSON.parse(readFileSync(join(__dirname, '../../kds/src/model/kinesis-2013-12-02.json'), 'utf8')) as ServiceModel;

/** Shapes the Kinesis model lacks: maps with constrained keys and values, numbers, enums, recursion. */
const synthetic: ServiceModel = {
  metadata: { apiVersion: '2015-08-04', endpointPrefix: 'test', protocol: 'json' },
  operations: { Op: { name: 'Op', input: { shape: 'Input' } } },
  shapes: {
    Input: {
      type: 'structure',
      required: ['Name'],
      members: { Name: { shape: 'Name' }, Tags: { shape: 'Tags' }, Nested: { shape: 'Nested' }, Size: { shape: 'Size' }, Mode: { shape: 'Mode' }, Blob: { shape: 'Blob' } },
    },
    Name: { type: 'string', min: 1, max: 4, pattern: '[a-z]+' },
    Tags: { type: 'map', key: { shape: 'Name' }, value: { shape: 'Mode' }, max: 2 },
    Nested: { type: 'map', key: { shape: 'Name' }, value: { shape: 'NestedList' } },
    NestedList: { type: 'list', member: { shape: 'Input' }, max: 2 },
    Size: { type: 'integer', min: 1, max: 3 },
    Mode: { type: 'string', enum: ['ON', 'OFF'] },
    Blob: { type: 'blob', min: 1, max: 2 },
  },
};

/** A deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ['', 'a', 'ab', 'abcd', 'abcde', 'A1', '0', '7', '07', '123456789012', 'ON', 'OFF', 'x'.repeat(129), 'x'.repeat(257), 'x'.repeat(513), 'arn:aws:kinesis:us-east-1:123456789012:stream/s', 'arn:aws:kinesis:us-east-1:1234:stream/s', 'TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'KMS', 'a b', 'shardId-000000000000'];
const BIG_BLOB = Buffer.alloc(10 * 1024 * 1024 + 1);

/** Shaped values (what validateInput receives) near the shape's constraints, or null. */
function generate(model: ServiceModel, shape: Shape, next: () => number, depth: number): unknown {
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  if (next() < 0.05) return null;
  const { min = 0, max = 8 } = shape;
  switch (shape.type) {
    case 'structure': {
      const value: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const required = shape.required?.includes(name);
        if (next() < (required ? 0.95 : 0.4)) value[name] = generate(model, model.shapes[ref.shape], next, depth + 1);
      }
      return value;
    }
    case 'list': {
      const length = depth > 3 ? 0 : pick([0, 1, 2, Math.min(min, 3), max + 1 <= 12 ? max + 1 : 1]);
      return Array.from({ length }, () => generate(model, model.shapes[shape.member?.shape as string], next, depth + 1));
    }
    case 'map': {
      const length = depth > 3 ? 0 : pick([0, 1, 2, 3]);
      const value: Record<string, unknown> = {};
      for (let i = 0; i < length; i++) value[pick(STRINGS.slice(0, 12))] = generate(model, model.shapes[shape.value?.shape as string], next, depth + 1);
      return value;
    }
    case 'string':
      return pick([...STRINGS, ...(shape.enum ?? []), ...(shape.enum ?? [])]);
    case 'blob':
      return pick([Buffer.alloc(0), Buffer.alloc(1), Buffer.alloc(3), BIG_BLOB]);
    case 'boolean':
      return next() < 0.5;
    case 'timestamp':
      return new Date(Math.floor(next() * 2e12));
    default:
      return pick([min - 1, min, max, max + 1, 0, -1, 1, 10_000, 10_001, 2.5]);
  }
}

function expectAgreement(model: ServiceModel, runs: number, seed: number): { valid: number; invalid: number } {
  const next = random(seed);
  const counts = { valid: 0, invalid: 0 };
  for (const operation of Object.values(model.operations)) {
    const shapeName = operation.input?.shape;
    if (!shapeName) continue;
    for (let i = 0; i < runs; i++) {
      const input = generate(model, model.shapes[shapeName], next, 0) ?? {};
      const expected = validationErrors(model, shapeName, input as Record<string, unknown>).length === 0;
      if (isValidInput(model, shapeName, input as Record<string, unknown>) !== expected) {
        throw new Error(`${shapeName}: the compiled check says ${!expected} for ${JSON.stringify(input).slice(0, 500)}`);
      }
      counts[expected ? 'valid' : 'invalid']++;
    }
  }
  return counts;
}

describe('isValidInput', () => {
  it('agrees with the validator on generated inputs of every Kinesis operation', () => {
    const { valid, invalid } = expectAgreement(kinesis, 150, 1);
    // Both outcomes must be well represented, or the comparison says little.
    expect(valid).toBeGreaterThan(500);
    expect(invalid).toBeGreaterThan(500);
  });

  it('agrees with the validator on maps, enums, numbers, blobs and recursive shapes', () => {
    const { valid, invalid } = expectAgreement(synthetic, 3000, 2);
    expect(valid).toBeGreaterThan(40);
    expect(invalid).toBeGreaterThan(100);
  });

  it('accepts a valid PutRecords input and refuses a record without a partition key', () => {
    const records = [{ Data: Buffer.alloc(10), PartitionKey: 'pk' }];
    expect(isValidInput(kinesis, 'PutRecordsInput', { StreamName: 's', Records: records })).toBe(true);
    expect(isValidInput(kinesis, 'PutRecordsInput', { StreamName: 's', Records: [...records, { Data: Buffer.alloc(1) }] })).toBe(false);
  });
});
