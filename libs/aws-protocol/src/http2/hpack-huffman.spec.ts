import { huffmanDecode, huffmanEncode, HuffmanError, HUFFMAN_CODE_LENGTHS, HUFFMAN_CODES } from './hpack-huffman';

const scratch = Buffer.alloc(64);
const decode = (bytes: Buffer) => huffmanDecode(bytes, 0, bytes.length, scratch);

describe('HPACK Huffman code', () => {
  it('derives the codes of RFC 7541 Appendix B from their lengths', () => {
    // Spot checks against the table as printed: sym 48 '0', 97 'a', 32 ' ', 0, 10, 255, EOS.
    expect([HUFFMAN_CODES[48], HUFFMAN_CODE_LENGTHS[48]]).toEqual([0x0, 5]);
    expect([HUFFMAN_CODES[97], HUFFMAN_CODE_LENGTHS[97]]).toEqual([0x3, 5]);
    expect([HUFFMAN_CODES[32], HUFFMAN_CODE_LENGTHS[32]]).toEqual([0x14, 6]);
    expect([HUFFMAN_CODES[0], HUFFMAN_CODE_LENGTHS[0]]).toEqual([0x1ff8, 13]);
    expect([HUFFMAN_CODES[10], HUFFMAN_CODE_LENGTHS[10]]).toEqual([0x3ffffffc, 30]);
    expect([HUFFMAN_CODES[255], HUFFMAN_CODE_LENGTHS[255]]).toEqual([0x3ffffee, 26]);
    expect([HUFFMAN_CODES[256], HUFFMAN_CODE_LENGTHS[256]]).toEqual([0x3fffffff, 30]);
  });

  it('decodes the strings of RFC 7541 C.4 and C.6', () => {
    expect(decode(Buffer.from('f1e3c2e5f23a6ba0ab90f4ff', 'hex'))).toBe('www.example.com');
    expect(decode(Buffer.from('a8eb10649cbf', 'hex'))).toBe('no-cache');
    expect(decode(Buffer.from('25a849e95ba97d7f', 'hex'))).toBe('custom-key');
    expect(decode(Buffer.from('25a849e95bb8e8b4bf', 'hex'))).toBe('custom-value');
    expect(decode(Buffer.from('6402', 'hex'))).toBe('302');
    expect(decode(Buffer.from('aec3771a4b', 'hex'))).toBe('private');
    expect(decode(Buffer.from('d07abe941054d444a8200595040b8166e082a62d1bff', 'hex'))).toBe('Mon, 21 Oct 2013 20:13:21 GMT');
    expect(decode(Buffer.from('9d29ad171863c78f0b97c8e9ae82ae43d3', 'hex'))).toBe('https://www.example.com');
  });

  it('round-trips every octet value, alone and in runs', () => {
    for (let octet = 0; octet < 256; octet++) {
      const text = String.fromCharCode(octet);
      expect(decode(huffmanEncode(text))).toBe(text);
      expect(decode(huffmanEncode(text.repeat(9)))).toBe(text.repeat(9));
    }
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    expect(huffmanDecode(huffmanEncode(all), 0, huffmanEncode(all).length, Buffer.alloc(0))).toBe(all);
  });

  it('rejects padding of 8 bits or more, padding that is not all ones, and EOS in the string', () => {
    // 'a' is 00011 (5 bits): padded with 111 it is 0x1f; a further 0xff is 11 bits of padding.
    expect(decode(Buffer.from([0x1f]))).toBe('a');
    expect(() => decode(Buffer.from([0x1f, 0xff]))).toThrow(HuffmanError);
    // 00011 then 000: the padding is zeros, which is the start of another code.
    expect(() => decode(Buffer.from([0x18]))).toThrow(HuffmanError);
    // Thirty ones are EOS itself.
    expect(() => decode(Buffer.from([0xff, 0xff, 0xff, 0xfc]))).toThrow(HuffmanError);
  });
});
