import { randomBytes } from 'node:crypto';
import { crc32c as nativeCrc32c } from '@node-rs/crc32';
import { crc32c } from './crc32c';

describe('crc32c', () => {
  it('gives the CRC-32C check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('agrees with the native implementation on ranges of every length around the switch-over', () => {
    const bytes = randomBytes(1200);
    for (let length = 0; length <= 600; length += 7) {
      const start = length % 13;
      expect(crc32c(bytes, start, start + length)).toBe(nativeCrc32c(bytes.subarray(start, start + length)));
    }
  });

  it('continues from a previous result, in either implementation', () => {
    const bytes = randomBytes(1000);
    for (const split of [0, 10, 255, 300, 700, 1000]) {
      expect(crc32c(bytes, split, 1000, crc32c(bytes, 0, split))).toBe(nativeCrc32c(bytes));
    }
  });
});
