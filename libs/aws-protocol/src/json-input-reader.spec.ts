import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shapeInput } from './input-shaper';
import { readJsonInput } from './json-input-reader';
import { ServiceError } from './service-error';
import type { ServiceModel } from './service-model';

const kinesis = JSON.parse(readFileSync(join(__dirname, '../../kds/src/model/kinesis-2013-12-02.json'), 'utf8')) as ServiceModel;

/** What the generic way makes of a body: the shaped input, or the error it answers. */
function generic(shapeName: string, body: Buffer): unknown {
  let decoded: unknown;
  try {
    decoded = JSON.parse(body.toString('utf8'));
  } catch {
    return 'SerializationException';
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return 'SerializationException';
  try {
    return shapeInput(kinesis, shapeName, decoded as Record<string, unknown>, 1000);
  } catch (error) {
    if (error instanceof ServiceError) return `${error.type}: ${error.message}`;
    throw error;
  }
}

/** Values with their member order and Buffers spelled out, so that equal means built alike. */
function canonical(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return `<${value.toString('hex')}>`;
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([k, v]) => [k, canonical(v)]);
  return value;
}

/** Holds the direct reader to the generic way on one body; says whether it read the body. */
function check(shapeName: string, body: Buffer): boolean {
  const direct = readJsonInput(kinesis, shapeName, body);
  if (direct === undefined) return false;
  expect({ body: body.toString('latin1'), input: canonical(direct) }).toEqual({
    body: body.toString('latin1'),
    input: canonical(generic(shapeName, body)),
  });
  return true;
}

/** A deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(20131202);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));

const HOSTILE_TEXT = ['', 'pk', 'pk-1', 'é', '\u0000', '\\', '"', '\n', 'a b', 'ü-ñ', '\u2028', 'x'.repeat(300)];
const HOSTILE_BLOBS = ['', '=', 'QQ', 'QQ=', 'QQ==', 'QR==', 'QUE=', 'QUF=', 'QUFB', 'Q===', '====', 'QQ==QUFB', 'QU-B', 'QU_B', 'QU B', 'QU\nB', 'QUé=', '+/+/', 'QUFB\\'];
/** Bytes a mutation inserts: JSON's structure, whitespace, base64's alphabet and its look-alikes, non-ASCII. */
const MUTATIONS = '{}[],:"\\ \t\n\r0123456789.eE-+/=_nulltruefalseAQZaz\u00e9\u0000';

function randomEntry(): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  const members: [string, () => unknown][] = [
    ['PartitionKey', () => (next() < 0.8 ? `pk-${Math.floor(next() * 1e6)}` : pick(HOSTILE_TEXT))],
    ['Data', () => (next() < 0.7 ? bytes(Math.floor(next() * 40)).toString('base64') : pick(HOSTILE_BLOBS))],
    ['ExplicitHashKey', () => String(Math.floor(next() * 1e15))],
    ['Unmodelled', () => 1],
  ];
  for (const [name, value] of members.sort(() => next() - 0.5)) {
    if (name === 'Unmodelled' ? next() < 0.05 : next() < 0.95) entry[name] = next() < 0.03 ? null : value();
  }
  return entry;
}

function randomBody(): string {
  const body: Record<string, unknown> = { StreamName: next() < 0.9 ? 'stream-1' : pick(HOSTILE_TEXT) };
  if (next() < 0.1) body.StreamARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';
  body.Records = Array.from({ length: Math.floor(next() * 5) }, randomEntry);
  const text = JSON.stringify(body);
  // Sometimes spaced out the way other serializers write it.
  return next() < 0.2 ? JSON.stringify(body, null, pick([1, '\t', ' \r\n'])) : text;
}

function mutate(text: string): string {
  const at = Math.floor(next() * (text.length + 1));
  switch (Math.floor(next() * 4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + pick([...MUTATIONS]) + text.slice(at + 1);
    default:
      return text.slice(0, at) + pick([...MUTATIONS]) + text.slice(at);
  }
}

describe('readJsonInput', () => {
  it('reads a plain PutRecords body as the shaper does, member order included', () => {
    const body = Buffer.from(JSON.stringify({ Records: [{ PartitionKey: 'pk-1', Data: 'aGk=' }, { Data: '', PartitionKey: 'p', ExplicitHashKey: '12' }], StreamName: 's' }));
    expect(check('PutRecordsInput', body)).toBe(true);
    expect(Object.keys(readJsonInput(kinesis, 'PutRecordsInput', body) as object)).toEqual(['Records', 'StreamName']);
  });

  it.each([
    ['an empty object', '{}'],
    ['whitespace around every token', ' \t{ "StreamARN" :\n"s" ,\r"Limit": 0 }\n'],
    ['small integers', '{"ShardIterator":"AAA/+=","Limit":10000}'],
    ['nine digits', '{"ShardIterator":"a","Limit":999999999}'],
  ])('reads %s', (_, text) => expect(check('GetRecordsInput', Buffer.from(text)) || check('PutRecordsInput', Buffer.from(text))).toBe(true));

  it.each([
    ['null', '{"StreamName":null}'],
    ['an unknown member', '{"StreamName":"s","Other":"x"}'],
    ['a repeated member', '{"StreamName":"s","StreamName":"t"}'],
    ['an escape', '{"StreamName":"a\\u0041"}'],
    ['non-ASCII', '{"StreamName":"é"}'],
    ['URL-safe base64', '{"Records":[{"PartitionKey":"p","Data":"QU-_"}]}'],
    ['stray bits in base64', '{"Records":[{"PartitionKey":"p","Data":"QR=="}]}'],
    ['padding inside base64', '{"Records":[{"PartitionKey":"p","Data":"QQ==QUFB"}]}'],
    ['whitespace inside base64', '{"Records":[{"PartitionKey":"p","Data":"QU B"}]}'],
    ['a string for a list', '{"Records":"x"}'],
    ['a number for a string', '{"StreamName":1}'],
    ['a fraction', '{"ShardIterator":"a","Limit":1.5}'],
    ['an exponent', '{"ShardIterator":"a","Limit":1e3}'],
    ['a leading zero', '{"ShardIterator":"a","Limit":01}'],
    ['a negative number', '{"ShardIterator":"a","Limit":-1}'],
    ['ten digits', '{"ShardIterator":"a","Limit":1234567890}'],
    ['a byte order mark', '\ufeff{}'],
    ['trailing bytes', '{} x'],
    ['a trailing comma', '{"StreamName":"s",}'],
    ['a top-level list', '[]'],
    ['a truncated body', '{"StreamName":"s"'],
  ])('leaves %s to the generic way', (_, text) => {
    expect(readJsonInput(kinesis, 'GetRecordsInput', Buffer.from(text))).toBeUndefined();
    expect(readJsonInput(kinesis, 'PutRecordsInput', Buffer.from(text))).toBeUndefined();
  });

  it('agrees with the generic way on random and mutated PutRecords bodies', () => {
    let read = 0;
    for (let i = 0; i < 4000; i++) {
      let text = randomBody();
      for (let n = next() < 0.5 ? 0 : 1 + Math.floor(next() * 3); n > 0; n--) text = mutate(text);
      if (check('PutRecordsInput', Buffer.from(text, next() < 0.9 ? 'utf8' : 'latin1'))) read++;
    }
    // The comparison must not be vacuous: plenty of bodies take the direct way.
    expect(read).toBeGreaterThan(800);
  });

  it('agrees with the generic way on every body of random bytes around blobs', () => {
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: Math.floor(next() * 9) }, () => pick([...'AQZaz09+/=-_ \\"é'])).join('');
      check('PutRecordsInput', Buffer.from(`{"Records":[{"PartitionKey":"p","Data":"${text}"}],"StreamName":"s"}`));
    }
  });

  it('reads models whose member names need no escaping only', () => {
    const model: ServiceModel = {
      metadata: { apiVersion: '1', endpointPrefix: 'x', protocol: 'json' },
      operations: {},
      shapes: { In: { type: 'structure', members: { 'a"b': { shape: 'S' } } }, S: { type: 'string' } },
    };
    expect(readJsonInput(model, 'In', Buffer.from('{}'))).toBeUndefined();
  });
});
