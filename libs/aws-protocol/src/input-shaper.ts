import { decodeBase64Blob } from './base64-blob';
import { CompiledShapes } from './compiled-shapes';
import { ServiceError } from './service-error';
import { targetOf, type ServiceModel, type Shape } from './service-model';

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
  return compiledShaper(model, timestampUnitMs).shaper(shapeName)(body) as Record<string, unknown>;
}

const LIST_FOUND = 'Start of list found where not expected';
const MAP_FOUND = 'Start of structure or map found where not expected.';
const JAVA_NUMBER_TYPES: Record<string, string> = { byte: 'Byte', short: 'Short', integer: 'Integer', long: 'Long', float: 'Float', double: 'Double' };
const INTEGER_RANGES: Record<string, [number, number]> = { byte: [-128, 127], short: [-32768, 32767], integer: [-2147483648, 2147483647] };

type Kind = 'string' | 'number' | 'boolean' | 'list' | 'map' | 'bytes' | 'date';
/** Shapes one non-null value; undefined never comes back. */
type ShapeFn = (value: unknown) => unknown;

/**
 * One shaping function per shape, built on first use and kept with the model (a model has a
 * fixed, finite set of shapes, so the cache is bounded): the per-value work is then the type test
 * and the conversion, with no model lookups. Built per timestamp unit, the one setting that
 * varies by body format.
 */
const compilers = new WeakMap<ServiceModel, Map<number, ShaperCompiler>>();

function compiledShaper(model: ServiceModel, timestampUnitMs: number): ShaperCompiler {
  let byUnit = compilers.get(model);
  if (!byUnit) compilers.set(model, (byUnit = new Map()));
  let compiler = byUnit.get(timestampUnitMs);
  if (!compiler) byUnit.set(timestampUnitMs, (compiler = new ShaperCompiler(model, timestampUnitMs)));
  return compiler;
}

class ShaperCompiler {
  private readonly shapes: CompiledShapes<ShapeFn>;

  constructor(
    private readonly model: ServiceModel,
    private readonly timestampUnitMs: number,
  ) {
    this.shapes = new CompiledShapes(model, (shape) => this.build(shape));
  }

  shaper(shapeName: string): ShapeFn {
    return this.shapes.get(shapeName);
  }

  private build(shape: Shape): ShapeFn {
    switch (shape.type) {
      case 'structure':
        return this.buildStructure(shape);
      case 'list': {
        const member = this.shaper(targetOf(shape.member));
        return (value) => {
          const kind = kindOf(value);
          if (kind !== 'list') throw serializationError(kind === 'map' ? MAP_FOUND : 'Expected list or null');
          const items = value as unknown[];
          const shaped = new Array<unknown>(items.length);
          for (let i = 0; i < items.length; i++) {
            const item = items[i];
            shaped[i] = item === null || item === undefined ? null : member(item);
          }
          return shaped;
        };
      }
      case 'map': {
        const member = this.shaper(targetOf(shape.value));
        return (value) => {
          const kind = kindOf(value);
          if (kind !== 'map') throw serializationError(kind === 'list' ? LIST_FOUND : 'Expected map or null');
          return shapeMap(value as Record<string, unknown>, member);
        };
      }
      case 'string':
        return (value) => {
          if (typeof value === 'string') return value;
          throw conversionError(kindOf(value), value, 'an String');
        };
      case 'blob':
        return (value) => {
          if (typeof value === 'string') return decodeBase64Blob(value);
          const kind = kindOf(value);
          if (kind === 'bytes') return value;
          throw conversionError(kind, value, 'a Blob');
        };
      case 'timestamp': {
        const unitMs = this.timestampUnitMs;
        return (value) => {
          const kind = kindOf(value);
          if (kind === 'date') return value;
          if (kind === 'number') return new Date((value as number) * unitMs);
          throw conversionError(kind, value, 'milliseconds since epoch');
        };
      }
      case 'boolean':
        return (value) => booleanOf(kindOf(value), value);
      case 'byte':
      case 'short':
      case 'integer':
      case 'long':
      case 'float':
      case 'double': {
        const type = shape.type;
        return (value) => {
          if (typeof value === 'number' && Number.isFinite(value)) return numberOf(type, value);
          throw conversionError(kindOf(value), value, `an ${JAVA_NUMBER_TYPES[type]}`);
        };
      }
      default:
        return (value) => value;
    }
  }

  private buildStructure(shape: Shape): ShapeFn {
    const members = Object.entries(shape.members ?? {}).map(([name, ref]) => ({ name, shape: this.shaper(ref.shape) }));
    return (value) => {
      const kind = kindOf(value);
      if (kind !== 'map') throw serializationError(kind === 'list' ? LIST_FOUND : 'Expected null');
      const object = value as Record<string, unknown>;
      const shaped: Record<string, unknown> = {};
      for (let i = 0; i < members.length; i++) {
        const { name, shape: member } = members[i];
        if (!Object.prototype.hasOwnProperty.call(object, name)) continue;
        const memberValue = object[name];
        if (memberValue === null || memberValue === undefined) continue;
        const result = member(memberValue);
        if (result !== undefined) shaped[name] = result;
      }
      return shaped;
    };
  }
}

function shapeMap(entries: Record<string, unknown>, member: ShapeFn): Record<string, unknown> {
  const shaped: Record<string, unknown> = {};
  for (const key of Object.keys(entries)) {
    const entry = entries[key];
    const value = entry === null || entry === undefined ? null : member(entry);
    // Assigning "__proto__" would set the prototype rather than add an entry.
    if (key === '__proto__') Object.defineProperty(shaped, key, { value, enumerable: true, writable: true, configurable: true });
    else shaped[key] = value;
  }
  return shaped;
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
