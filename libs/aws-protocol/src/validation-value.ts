import { shapeOf, targetOf, type ServiceModel } from './service-model';

/**
 * A member's value as AWS prints it in a ValidationException: the `toString()` of the Java
 * object the service deserialized. Blobs are ByteBuffers, lists `[a, b]`, maps `{k=v}`, and
 * structures the generated class name with a hash (`com.amazonaws.kinesis.v20131202.
 * PutRecordsRequestEntry@1f2e3d4c`; AWS's hash is an identity hash, ours is derived from the
 * content so messages are reproducible).
 */
export function renderValue(model: ServiceModel, shapeName: string, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Buffer.isBuffer(value)) return `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`;
  if (value instanceof Date) return javaDateString(value);
  if (typeof value !== 'object') return String(value);
  const shape = shapeOf(model, shapeName);
  if (Array.isArray(value)) {
    return `[${value.map((item) => renderValue(model, targetOf(shape.member), item)).join(', ')}]`;
  }
  const object = value as Record<string, unknown>;
  if (shape.type === 'map') {
    return `{${Object.keys(object).map((key) => `${key}=${renderValue(model, targetOf(shape.value), object[key])}`).join(', ')}}`;
  }
  const { apiVersion, endpointPrefix } = model.metadata;
  return `com.amazonaws.${endpointPrefix}.v${apiVersion.replace(/-/g, '')}.${shapeName}@${contentHash(object).toString(16)}`;
}

/** Java's `String.hashCode` folded over member names and scalar values; blobs count by length. */
function contentHash(value: unknown, hash = 0): number {
  if (value === null || value === undefined) return hash;
  if (Buffer.isBuffer(value)) return stringHash(String(value.length), hash);
  if (value instanceof Date) return stringHash(String(value.getTime()), hash);
  if (typeof value !== 'object') return stringHash(String(value), hash);
  for (const [key, member] of Object.entries(value)) hash = contentHash(member, stringHash(key, hash));
  return hash;
}

function stringHash(text: string, hash: number): number {
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) >>> 0;
  return hash;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `java.util.Date#toString()` in UTC: `Thu Jan 01 00:00:00 UTC 1970`. */
function javaDateString(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} ${time} UTC ${date.getUTCFullYear()}`;
}
