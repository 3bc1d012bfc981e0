import { decodeBase64Blob } from './base64-blob';
import { ServiceError } from './service-error';
import { shapeOf, targetOf, type ServiceModel, type Shape } from './service-model';

/**
 * Turns a decoded request body into an operation's input, driven by the model: only modelled
 * members are kept (unknown ones are ignored; null means absent), blobs become Buffers,
 * timestamps Dates, and integer types are truncated as Java truncates them. A value of the wrong
 * type is a SerializationException worded the way AWS's deserializer words it, naming the Java
 * class it read the JSON value as. `timestampUnitMs` is what one unit of a numeric timestamp is
 * worth in this body format. Null list elements and map values are kept for the validator to
 * report.
 */
export function shapeInput(model: ServiceModel, shapeName: string, body: Record<string, unknown>, timestampUnitMs: number): Record<string, unknown> {
  return new InputShaper(model, timestampUnitMs).structure(shapeOf(model, shapeName), body);
}

const LIST_FOUND = 'Start of list found where not expected';
const MAP_FOUND = 'Start of structure or map found where not expected.';
const JAVA_NUMBER_TYPES: Record<string, string> = { byte: 'Byte', short: 'Short', integer: 'Integer', long: 'Long', float: 'Float', double: 'Double' };
const INTEGER_RANGES: Record<string, [number, number]> = { byte: [-128, 127], short: [-32768, 32767], integer: [-2147483648, 2147483647] };

type Kind = 'string' | 'number' | 'boolean' | 'list' | 'map' | 'bytes' | 'date';

class InputShaper {
  constructor(
    private readonly model: ServiceModel,
    private readonly timestampUnitMs: number,
  ) {}

  structure(shape: Shape, value: Record<string, unknown>): Record<string, unknown> {
    const shaped: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      if (!Object.prototype.hasOwnProperty.call(value, name)) continue;
      const member = this.value(shapeOf(this.model, ref.shape), value[name]);
      if (member !== undefined) shaped[name] = member;
    }
    return shaped;
  }

  private value(shape: Shape, value: unknown): unknown {
    if (value === null || value === undefined) return undefined;
    const kind = kindOf(value);
    switch (shape.type) {
      case 'structure':
        if (kind === 'map') return this.structure(shape, value as Record<string, unknown>);
        throw serializationError(kind === 'list' ? LIST_FOUND : 'Expected null');
      case 'list':
        if (kind === 'list') return this.list(shape, value as unknown[]);
        throw serializationError(kind === 'map' ? MAP_FOUND : 'Expected list or null');
      case 'map':
        if (kind === 'map') return this.map(shape, value as Record<string, unknown>);
        throw serializationError(kind === 'list' ? LIST_FOUND : 'Expected map or null');
      case 'string':
        if (kind === 'string') return value;
        throw conversionError(kind, value, 'an String');
      case 'blob':
        if (kind === 'bytes') return value;
        if (kind === 'string') return decodeBase64Blob(value as string);
        throw conversionError(kind, value, 'a Blob');
      case 'timestamp':
        if (kind === 'date') return value;
        if (kind === 'number') return new Date((value as number) * this.timestampUnitMs);
        throw conversionError(kind, value, 'milliseconds since epoch');
      case 'boolean':
        return booleanOf(kind, value);
      case 'byte':
      case 'short':
      case 'integer':
      case 'long':
      case 'float':
      case 'double':
        if (kind === 'number' && Number.isFinite(value)) return numberOf(shape.type, value as number);
        throw conversionError(kind, value, `an ${JAVA_NUMBER_TYPES[shape.type]}`);
      default:
        return value;
    }
  }

  private list(shape: Shape, items: unknown[]): unknown[] {
    const member = shapeOf(this.model, targetOf(shape.member));
    return items.map((item) => this.value(member, item) ?? null);
  }

  private map(shape: Shape, entries: Record<string, unknown>): Record<string, unknown> {
    const valueShape = shapeOf(this.model, targetOf(shape.value));
    const shaped: Record<string, unknown> = {};
    for (const key of Object.keys(entries)) {
      const value = this.value(valueShape, entries[key]) ?? null;
      // Assigning "__proto__" would set the prototype rather than add an entry.
      if (key === '__proto__') Object.defineProperty(shaped, key, { value, enumerable: true, writable: true, configurable: true });
      else shaped[key] = value;
    }
    return shaped;
  }
}

function kindOf(value: unknown): Kind {
  if (Array.isArray(value)) return 'list';
  if (Buffer.isBuffer(value)) return 'bytes';
  if (value instanceof Date) return 'date';
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return type;
  return 'map';
}

/** Lists and objects get the parser's position messages; scalars name the Java class they were read as. */
function conversionError(kind: Kind, value: unknown, target: string): ServiceError {
  if (kind === 'list') return serializationError(LIST_FOUND);
  if (kind === 'map') return serializationError(MAP_FOUND);
  return serializationError(`class ${javaClassOf(value)} can not be converted to ${target}`);
}

/** AWS reads small JSON integers as Short, larger ones as Integer or Long, and fractions as Double. */
function javaClassOf(value: unknown): string {
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'string') return 'java.lang.String';
  if (Buffer.isBuffer(value)) return '[B';
  if (value instanceof Date) return 'java.util.Date';
  const number = value as number;
  if (!Number.isInteger(number)) return 'java.lang.Double';
  if (number >= -32768 && number <= 32767) return 'java.lang.Short';
  if (number >= -2147483648 && number <= 2147483647) return 'java.lang.Integer';
  return 'java.lang.Long';
}

/**
 * AWS accepts "true"/"false" strings and, oddly, fractional numbers for booleans; integers and
 * other strings are errors (the string upper-cased in the message, as AWS prints it).
 */
function booleanOf(kind: Kind, value: unknown): boolean {
  if (kind === 'boolean') return value as boolean;
  if (kind === 'string') {
    const upper = (value as string).toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return upper === 'TRUE';
    throw serializationError(`'${upper}' can not be converted to an Boolean`);
  }
  if (kind === 'number' && !Number.isInteger(value)) return value !== 0;
  throw conversionError(kind, value, 'an Boolean');
}

function numberOf(type: string, value: number): number {
  if (type === 'float' || type === 'double') return value;
  const truncated = Math.trunc(value);
  const range = INTEGER_RANGES[type];
  return range ? Math.min(Math.max(truncated, range[0]), range[1]) : truncated;
}

function serializationError(message: string): ServiceError {
  return new ServiceError('SerializationException', message, 400, 'Message');
}
