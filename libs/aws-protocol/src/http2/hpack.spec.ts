import { CompressionError, HpackDecoder, HpackEncoder } from './hpack';

const block = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

describe('HpackDecoder', () => {
  it('decodes the request sequence of RFC 7541 C.3 (no Huffman), keeping its dynamic table', () => {
    const decoder = new HpackDecoder();
    expect(decoder.decode(block('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(decoder.decode(block('8286 84be 5808 6e6f 2d63 6163 6865'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    expect(decoder.decode(block('8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ]);
  });

  it('decodes the request sequence of RFC 7541 C.4 (Huffman)', () => {
    const decoder = new HpackDecoder();
    decoder.decode(block('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'));
    decoder.decode(block('8286 84be 5886 a8eb 1064 9cbf'));
    expect(decoder.decode(block('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ]);
  });

  it('evicts the oldest entries as RFC 7541 C.5 does with a 256-octet table', () => {
    const decoder = new HpackDecoder(256);
    decoder.decode(
      block(
        '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
      ),
    );
    decoder.decode(block('4803 3330 37c1 c0bf'));
    // The third response refers to entries that survived two evictions.
    const third = decoder.decode(
      block(
        '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
      ),
    );
    expect(third).toEqual([
      [':status', '200'],
      ['cache-control', 'private'],
      ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
      ['location', 'https://www.example.com'],
      ['content-encoding', 'gzip'],
      ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
    ]);
  });

  it('applies a table size update at the start of a block and refuses one past the advertised size', () => {
    const decoder = new HpackDecoder();
    decoder.decode(block('4003 6162 6303 7879 7a')); // abc: xyz, indexed as 62
    expect(decoder.decode(block('be'))).toEqual([['abc', 'xyz']]);
    expect(() => decoder.decode(block('20 be'))).toThrow(CompressionError); // the update emptied the table
    expect(() => new HpackDecoder().decode(block('3fe21f'))).toThrow(CompressionError); // 4096 + 1
    expect(() => new HpackDecoder().decode(block('82 20'))).toThrow(CompressionError); // after a field
  });

  it('refuses what is malformed: index 0 or past the table, truncated integers and strings, oversized lists', () => {
    expect(() => new HpackDecoder().decode(block('80'))).toThrow(CompressionError);
    expect(() => new HpackDecoder().decode(block('be'))).toThrow(CompressionError);
    expect(() => new HpackDecoder().decode(block('ff'))).toThrow(CompressionError);
    expect(() => new HpackDecoder().decode(block('ffffffffffff7f'))).toThrow(CompressionError);
    expect(() => new HpackDecoder().decode(block('0003 6162'))).toThrow(CompressionError);
    expect(() => new HpackDecoder().decode(block('0081 ff 00'))).toThrow(CompressionError);
    const longValue = Buffer.concat([block('00 03 616263 7f 82 07'), Buffer.alloc(1025, 0x61)]);
    expect(() => new HpackDecoder(4096, 1024).decode(longValue)).toThrow(CompressionError);
  });
});

describe('HpackEncoder', () => {
  it('writes fields a decoder reads back, :status indexed when the static table has it', () => {
    const encoder = new HpackEncoder();
    const fields: Array<[string, string]> = [
      ['Content-Type', 'application/x-amz-json-1.1'],
      ['x-amzn-RequestId', 'a'.repeat(200)],
      ['content-length', '42'],
    ];
    const out = Buffer.alloc(HpackEncoder.boundOf(fields));
    const end = encoder.encodeInto(out, 0, 200, fields);
    expect(out[0]).toBe(0x88);
    expect(new HpackDecoder().decode(out.subarray(0, end))).toEqual([
      [':status', '200'],
      ['content-type', 'application/x-amz-json-1.1'],
      ['x-amzn-requestid', 'a'.repeat(200)],
      ['content-length', '42'],
    ]);
    const other = Buffer.alloc(16);
    const otherEnd = encoder.encodeInto(other, 0, 413, []);
    expect(new HpackDecoder().decode(other.subarray(0, otherEnd))).toEqual([[':status', '413']]);
  });
});
