import { hash, randomInt } from 'node:crypto';
import { md5ShortAscii } from './short-key-md5';

describe('md5ShortAscii', () => {
  it('writes the MD5 of keys of up to 55 ASCII characters as big-endian words', () => {
    const words = new Uint32Array(6);
    for (let round = 0; round < 2000; round++) {
      const key = Array.from({ length: round < 56 ? round : randomInt(0, 56) }, () => String.fromCharCode(randomInt(0, 0x80))).join('');
      expect(md5ShortAscii(key, words, 1)).toBe(true);
      expect(Buffer.from(words.slice(1, 5).buffer).swap32().toString('hex')).toBe(hash('md5', key, 'hex'));
    }
  });

  it('leaves longer and non-ASCII keys to the general hash, writing nothing', () => {
    const words = new Uint32Array(4);
    for (const key of ['x'.repeat(56), 'ключ', 'a\u0080', 'é'.repeat(10)]) {
      expect(md5ShortAscii(key, words, 0)).toBe(false);
      expect([...words]).toEqual([0, 0, 0, 0]);
    }
  });
});
