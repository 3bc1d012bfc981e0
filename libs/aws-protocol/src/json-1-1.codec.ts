import type { WireCodec } from './wire-codec';

/**
 * AWS JSON 1.1: blobs are base64 strings and timestamps are epoch seconds, fractional when
 * the millisecond part is not zero. Members that are null or undefined are left out, as AWS
 * never sends nulls.
 */
export const json11Codec: WireCodec = {
  protocol: 'json',
  timestampUnitMs: 1000,
  decode: (body) => JSON.parse(body.toString('utf8')),
  encode: (value) => Buffer.from(stringify(value), 'utf8'),
};

/** JSON.stringify cannot be told how to write Buffers and Dates without a replacer walk per value, hence this writer. */
function stringify(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Uint8Array) return `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"`;
      if (value instanceof Date) return String(value.getTime() / 1000);
      if (Array.isArray(value)) return stringifyArray(value);
      return stringifyObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`A ${typeof value} cannot be written as JSON`);
  }
}

function stringifyArray(items: unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += stringify(items[i] ?? null);
  }
  return out + ']';
}

function stringifyObject(object: Record<string, unknown>): string {
  let out = '{';
  for (const key of Object.keys(object)) {
    const member = object[key];
    if (member === undefined || member === null) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(key) + ':' + stringify(member);
  }
  return out + '}';
}
