import { encodeSequenceNumber } from './sequence-number';
import { SequenceNumberDigits } from './sequence-number-digits';

function digitsOf(encoder: SequenceNumberDigits, offset: number): string {
  const target = Buffer.alloc(SequenceNumberDigits.length + 4, 0x2a);
  encoder.write(offset, target, 2);
  expect(target.subarray(0, 2).toString('latin1')).toBe('**');
  expect(target.subarray(2 + SequenceNumberDigits.length).toString('latin1')).toBe('**');
  return target.subarray(2, 2 + SequenceNumberDigits.length).toString('latin1');
}

describe('SequenceNumberDigits', () => {
  it('writes exactly what encodeSequenceNumber gives, over consecutive offsets and carries', () => {
    for (const shardIndex of [0, 1, 7, 4095, 2 ** 31 - 1]) {
      const encoder = new SequenceNumberDigits(shardIndex);
      for (const start of [0, 99_999_990, 2 ** 40 - 3]) {
        for (let offset = start; offset < start + 40; offset++) {
          expect(digitsOf(encoder, offset)).toBe(encodeSequenceNumber(shardIndex, offset));
        }
      }
    }
  });

  it('starts again from the exact number after a jump backwards or forwards', () => {
    const encoder = new SequenceNumberDigits(3);
    let state = 12345;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const offset = random() % 2 ** 30;
      expect(digitsOf(encoder, offset)).toBe(encodeSequenceNumber(3, offset));
      expect(digitsOf(encoder, offset + 1)).toBe(encodeSequenceNumber(3, offset + 1));
    }
  });
});
