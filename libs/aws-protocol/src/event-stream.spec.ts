import { encodeEventStreamMessage } from './event-stream';

describe('encodeEventStreamMessage', () => {
  it('frames an empty message as the 16-byte vector', () => {
    expect(encodeEventStreamMessage({}, Buffer.alloc(0)).toString('hex')).toBe('00000010' + '00000000' + '05c248eb' + '7d98c8ff');
  });

  it('frames the initial-response event byte for byte as botocore expects', () => {
    const frame = encodeEventStreamMessage(
      { ':event-type': 'initial-response', ':content-type': 'application/json', ':message-type': 'event' },
      Buffer.from('{}'),
    );
    const expected = [
      '00000068 00000056 4e681724',
      '0b 3a6576656e742d74797065 07 0010 696e697469616c2d726573706f6e7365',
      '0d 3a636f6e74656e742d74797065 07 0010 6170706c69636174696f6e2f6a736f6e',
      '0d 3a6d6573736167652d74797065 07 0005 6576656e74',
      '7b7d',
      'd591c62b',
    ].join('');
    expect(frame).toHaveLength(104);
    expect(frame.toString('hex')).toBe(expected.replace(/ /g, ''));
  });

  it('writes header values by their UTF-8 length', () => {
    const frame = encodeEventStreamMessage({ n: 'é' }, Buffer.from('x'));
    expect(frame.readUInt32BE(4)).toBe(1 + 1 + 1 + 2 + 2);
    expect(frame.subarray(12, 19).toString('hex')).toBe('016e070002c3a9');
    expect(frame.readUInt32BE(0)).toBe(frame.length);
  });

  it('refuses a header value that does not fit its 16-bit length', () => {
    expect(() => encodeEventStreamMessage({ big: 'x'.repeat(0x10000) }, Buffer.alloc(0))).toThrow(RangeError);
  });
});
