import { encode as referenceEncode } from 'cbor-x';
import { CborDecodeError, decodeCbor } from './cbor-decoder';

const decodeHex = (hex: string) => decodeCbor(Buffer.from(hex.replace(/ /g, ''), 'hex'));

describe('decodeCbor', () => {
  it('reads tag 1 as epoch milliseconds, integer or float', () => {
    expect(decodeHex('c1 1b 0000018bcfe5687b')).toEqual(new Date(1700000000123));
    expect(decodeHex('c1 fb 4278bcfe5687b000')).toEqual(new Date(1700000000123));
  });

  it('reads byte strings as Buffers that share the body', () => {
    const body = Buffer.from('a1 6444617461 43 010203'.replace(/ /g, ''), 'hex');
    const decoded = decodeCbor(body) as { Data: Buffer };
    expect(Buffer.isBuffer(decoded.Data)).toBe(true);
    expect(decoded.Data.toString('hex')).toBe('010203');
    expect(decoded.Data.buffer).toBe(body.buffer);
  });

  it('reads the indefinite-length maps, arrays and strings Jackson writes', () => {
    expect(decodeHex('bf 6a53747265616d4e616d65 7f 6161 6162 ff 65546167734b 9f 01 02 ff ff')).toEqual({ StreamName: 'ab', TagsK: [1, 2] });
    expect(decodeHex('5f 41 01 42 0203 ff')).toEqual(Buffer.from([1, 2, 3]));
  });

  it('reads every number width, negatives, half/single/double floats and bignums', () => {
    expect(decodeHex('82 18 ff 19 0100')).toEqual([255, 256]);
    expect(decodeHex('83 1a 00010000 1b 0000000100000000 3901f3')).toEqual([65536, 2 ** 32, -500]);
    expect(decodeHex('83 f9 3e00 fa 3fc00000 fb 3ff8000000000000')).toEqual([1.5, 1.5, 1.5]);
    expect(decodeHex('82 c2 42 0100 c3 41 00')).toEqual([256, -1]);
  });

  it('reads simple values, undefined as null', () => {
    expect(decodeHex('84 f4 f5 f6 f7')).toEqual([false, true, null, null]);
  });

  it('keeps "__proto__" as a plain key', () => {
    const decoded = decodeHex('a1 69 5f5f70726f746f5f5f a0') as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__']);
  });

  it('agrees with an independent encoder', () => {
    const value = { Records: [{ PartitionKey: 'pk', Data: Buffer.from('x') }], StreamName: 's', Limit: 10000 };
    const decoded = decodeCbor(referenceEncode(value)) as typeof value;
    expect(decoded.StreamName).toBe('s');
    expect(decoded.Limit).toBe(10000);
    expect(decoded.Records[0].PartitionKey).toBe('pk');
    expect(Buffer.from(decoded.Records[0].Data).toString()).toBe('x');
  });

  it.each([
    ['truncated input', 'a1 61'],
    ['a length beyond the body', '5a ffffffff 00'],
    ['a count beyond the body', '9b 00000000ffffffff'],
    ['trailing bytes', 'a0 00'],
    ['a non-text map key', 'a1 01 02'],
    ['a stray break', 'ff'],
    ['a reserved argument', '1c'],
    ['a tag 1 around text', 'c1 6161'],
    ['an unsupported simple value', 'f8 20'],
    ['a malformed indefinite string', '5f 61 61 ff'],
    ['empty input', ''],
  ])('rejects %s', (_, hex) => {
    expect(() => decodeHex(hex)).toThrow(CborDecodeError);
  });

  it('rejects nesting deeper than it will recurse', () => {
    expect(() => decodeCbor(Buffer.alloc(100, 0x81))).toThrow(CborDecodeError);
  });
});
