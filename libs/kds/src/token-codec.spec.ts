import { TokenReader, TokenWriter } from './token-codec';

describe('token codec', () => {
  it('reads back what was written, in order', () => {
    const bytes = new TokenWriter()
      .uint(Number.MAX_SAFE_INTEGER)
      .optionalUint(undefined)
      .optionalUint(0)
      .string('ストリーム')
      .string('')
      .toBuffer();
    const reader = new TokenReader(bytes);
    expect([reader.uint(), reader.optionalUint(), reader.optionalUint(), reader.string(), reader.string()]).toEqual([
      Number.MAX_SAFE_INTEGER,
      undefined,
      0,
      'ストリーム',
      '',
    ]);
    expect(reader.complete()).toBe(true);
  });

  it('is incomplete when bytes are missing or left over', () => {
    const bytes = new TokenWriter().uint(1).string('abc').toBuffer();
    const short = new TokenReader(bytes.subarray(0, bytes.length - 1));
    short.uint();
    short.string();
    expect(short.complete()).toBe(false);
    const long = new TokenReader(Buffer.concat([bytes, Buffer.of(0)]));
    long.uint();
    long.string();
    expect(long.complete()).toBe(false);
  });

  it('is incomplete when an integer exceeds what a number holds exactly', () => {
    const bytes = Buffer.alloc(8, 0xff);
    const reader = new TokenReader(bytes);
    reader.uint();
    expect(reader.complete()).toBe(false);
  });
});
