import { decode as referenceDecode } from 'cbor-x';
import { encodeCbor } from './cbor-encoder';

const hex = (value: unknown) => encodeCbor(value).toString('hex');

describe('encodeCbor', () => {
  it('writes Dates as tag 1 with integer epoch milliseconds', () => {
    expect(hex(new Date(1700000000123))).toBe('c11b0000018bcfe5687b');
    expect(hex(new Date(0))).toBe('c100');
  });

  it('writes Buffers as byte strings and strings as UTF-8 text', () => {
    expect(hex(Buffer.from('hi'))).toBe('426869');
    expect(hex('hé')).toBe('6368c3a9');
    expect(hex(Buffer.alloc(0))).toBe('40');
  });

  it('writes integers in their shortest form and other numbers as doubles', () => {
    expect(hex(0)).toBe('00');
    expect(hex(23)).toBe('17');
    expect(hex(24)).toBe('1818');
    expect(hex(256)).toBe('190100');
    expect(hex(65536)).toBe('1a00010000');
    expect(hex(2 ** 32)).toBe('1b0000000100000000');
    expect(hex(-1)).toBe('20');
    expect(hex(-500)).toBe('3901f3');
    expect(hex(1.5)).toBe('fb3ff8000000000000');
  });

  it('writes objects as definite maps without their null members, and lists with nulls kept', () => {
    expect(hex({ a: 1, gone: null, skipped: undefined, b: [true, false, null] })).toBe('a2' + '6161' + '01' + '6162' + '83f5f4f6');
  });

  it('grows past its initial buffer without losing bytes', () => {
    const records = Array.from({ length: 300 }, (_, i) => ({ Data: Buffer.alloc(100, i), PartitionKey: `key-${i}`, ApproximateArrivalTimestamp: new Date(i) }));
    const decoded = referenceDecode(encodeCbor({ Records: records })) as { Records: Array<{ Data: Uint8Array; PartitionKey: string }> };
    expect(decoded.Records).toHaveLength(300);
    expect(Buffer.from(decoded.Records[299].Data)).toEqual(Buffer.alloc(100, 299));
    expect(decoded.Records[299].PartitionKey).toBe('key-299');
  });

  it('is readable by an independent CBOR implementation', () => {
    const decoded = referenceDecode(encodeCbor({ StreamName: 's', ShardCount: 3, Ratio: 0.25, Tags: { k: 'v' } }));
    expect(decoded).toEqual({ StreamName: 's', ShardCount: 3, Ratio: 0.25, Tags: { k: 'v' } });
  });

  it('refuses values CBOR output cannot carry', () => {
    expect(() => encodeCbor(() => 1)).toThrow(TypeError);
    expect(() => encodeCbor(new Date(NaN))).toThrow(TypeError);
  });
});
