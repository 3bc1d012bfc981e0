import { json11Codec } from './json-1-1.codec';

const encoded = (value: unknown) => json11Codec.encode(value).toString('utf8');

describe('json11Codec', () => {
  it('writes blobs as base64 and timestamps as fractional epoch seconds', () => {
    const body = encoded({
      Records: [{ Data: Buffer.from('hello'), ApproximateArrivalTimestamp: new Date(1700000000123), SequenceNumber: '1' }],
      MillisBehindLatest: 0,
    });
    expect(body).toBe('{"Records":[{"Data":"aGVsbG8=","ApproximateArrivalTimestamp":1700000000.123,"SequenceNumber":"1"}],"MillisBehindLatest":0}');
  });

  it('writes whole-second timestamps as integers and Uint8Array views by their own bytes', () => {
    const backing = Buffer.from('xxabcxx');
    expect(encoded({ T: new Date(1700000000000), D: new Uint8Array(backing.buffer, backing.byteOffset + 2, 3) })).toBe('{"T":1700000000,"D":"YWJj"}');
  });

  it('leaves out null and undefined members but keeps falsy values', () => {
    expect(encoded({ a: null, b: undefined, c: false, d: 0, e: '', f: [] })).toBe('{"c":false,"d":0,"e":"","f":[]}');
  });

  it('escapes strings and keys', () => {
    expect(JSON.parse(encoded({ 'k"\n': 'v\u2028"\\' }))).toEqual({ 'k"\n': 'v\u2028"\\' });
  });

  it('writes non-ASCII text, control characters and lone surrogates as valid JSON', () => {
    const text = 'é😀\u0001\u007f\ud800 "q"';
    const body = json11Codec.encode({ [text]: text });
    expect(JSON.parse(body.toString('utf8'))).toEqual({ [text]: text });
    expect(body.toString('utf8')).toContain('\\ud800');
  });

  it('writes strings of every length, plain or needing escapes anywhere, as JSON.stringify does', () => {
    for (const length of [0, 1, 2, 56, 127, 128, 129, 300]) {
      const plain = 'a~ '.repeat(length).slice(0, length);
      expect(encoded([plain])).toBe(JSON.stringify([plain]));
      for (const special of ['"', '\\', '\n', '\u001f', '\u007f', 'é', '\u2028']) {
        for (const at of [0, Math.floor(length / 2), length]) {
          const text = plain.slice(0, at) + special + plain.slice(at);
          expect(JSON.parse(encoded({ [text]: [text] }))).toEqual({ [text]: [text] });
        }
      }
    }
  });

  it('grows its output past the initial buffer without losing bytes', () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ Data: Buffer.alloc(100, i), PartitionKey: `k${i}` }));
    const decoded = json11Codec.decode(json11Codec.encode({ Records: records })) as { Records: Array<{ Data: string; PartitionKey: string }> };
    expect(decoded.Records.map((r) => Buffer.from(r.Data, 'base64'))).toEqual(records.map((r) => r.Data));
    expect(decoded.Records[199].PartitionKey).toBe('k199');
  });

  it('writes nulls inside lists as null', () => {
    expect(encoded([1, null, undefined, 'x'])).toBe('[1,null,null,"x"]');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => json11Codec.encode({ n: 1n })).toThrow(TypeError);
  });

  it('round-trips through JSON.parse', () => {
    const output = { StreamNames: ['a', 'b'], HasMoreStreams: true, Nested: { Deep: [{ X: 1.5 }] } };
    expect(json11Codec.decode(json11Codec.encode(output))).toEqual(output);
  });

  it('decodes numeric timestamps as the seconds clients send', () => {
    expect(json11Codec.timestampUnitMs).toBe(1000);
    expect(json11Codec.decode(Buffer.from('{"Timestamp":1700000000.5}'))).toEqual({ Timestamp: 1700000000.5 });
  });

  it('throws on malformed bodies', () => {
    expect(() => json11Codec.decode(Buffer.from('{"a":'))).toThrow();
  });
});
