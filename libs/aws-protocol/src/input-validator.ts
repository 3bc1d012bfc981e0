import { isValidInput } from './input-check';
import { matchesPattern } from './model-pattern';
import { ServiceError } from './service-error';
import { shapeOf, targetOf, type ServiceModel, type Shape } from './service-model';
import { renderValue } from './validation-value';

/**
 * Checks a shaped input against its model's constraints (required, min/max length of strings,
 * blobs, lists and maps, min/max of numbers, pattern, enum) and throws AWS's ValidationException:
 * `N validation errors detected: Value 'x' at 'path' failed to satisfy constraint: ...; ...`,
 * at most ten reported, as AWS reports.
 *
 * Order: members in model order, each member's own constraints before its contents; a string's
 * pattern before its length, as AWS prints them. AWS's member order is its Java field hash order,
 * which no model records; SDKs and the tools built on them never depend on it.
 *
 * Paths are lowerCamelCase (`records.1.member.partitionKey`). Elements of lists and maps of
 * scalars are not reported one by one: the container fails as a whole with the element shape's
 * constraints listed (`Member must satisfy constraint: [...]`, `Map keys ...`, `Map value ...`),
 * as AWS does. A null element is reported at its own path.
 */
export function validateInput(model: ServiceModel, shapeName: string, input: Record<string, unknown>): void {
  // Most inputs are valid: a compiled check says so cheaply, and only a failing input is walked
  // again here to word its errors.
  if (isValidInput(model, shapeName, input)) return;
  const errors = validationErrors(model, shapeName, input);
  if (errors.length > 0) {
    throw new ServiceError('ValidationException', `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`);
  }
}

/** The generic walk behind validateInput's messages (at most ten), without the compiled shortcut. */
export function validationErrors(model: ServiceModel, shapeName: string, input: Record<string, unknown>): string[] {
  const validator = new InputValidator(model);
  validator.structure(shapeName, input, '');
  return validator.errors;
}

const MAX_REPORTED = 10;
const NOT_NULL = 'Member must not be null';

class InputValidator {
  readonly errors: string[] = [];

  constructor(private readonly model: ServiceModel) {}

  structure(shapeName: string, value: Record<string, unknown>, path: string): void {
    const shape = shapeOf(this.model, shapeName);
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const memberPath = (path ? `${path}.` : '') + name.charAt(0).toLowerCase() + name.slice(1);
      const member = value[name];
      if (member !== undefined) this.value(ref.shape, member, memberPath);
      else if (shape.required?.includes(name)) this.report(ref.shape, null, memberPath, NOT_NULL);
    }
  }

  private value(shapeName: string, value: unknown, path: string): void {
    if (this.errors.length >= MAX_REPORTED) return;
    if (value === null) return this.report(shapeName, null, path, NOT_NULL);
    const shape = shapeOf(this.model, shapeName);
    for (const failure of failedConstraints(shape, value)) this.report(shapeName, value, path, failure);
    if (shape.type === 'structure') this.structure(shapeName, value as Record<string, unknown>, path);
    else if (shape.type === 'list') this.list(shapeName, shape, value as unknown[], path);
    else if (shape.type === 'map') this.map(shapeName, shape, value as Record<string, unknown>, path);
  }

  private list(shapeName: string, shape: Shape, items: unknown[], path: string): void {
    const memberName = targetOf(shape.member);
    const member = shapeOf(this.model, memberName);
    if (isContainer(member)) {
      items.forEach((item, i) => this.value(memberName, item, `${path}.${i + 1}.member`));
      return;
    }
    items.forEach((item, i) => {
      if (item === null) this.report(memberName, null, `${path}.${i + 1}.member`, NOT_NULL);
    });
    if (items.some((item) => item !== null && failedConstraints(member, item).length > 0)) {
      this.report(shapeName, items, path, `Member must satisfy constraint: [${describeConstraints(member)}]`);
    }
  }

  private map(shapeName: string, shape: Shape, entries: Record<string, unknown>, path: string): void {
    const keyShape = shapeOf(this.model, targetOf(shape.key));
    const valueName = targetOf(shape.value);
    const valueShape = shapeOf(this.model, valueName);
    const keys = Object.keys(entries);
    if (keys.some((key) => failedConstraints(keyShape, key).length > 0)) {
      this.report(shapeName, entries, path, `Map keys must satisfy constraint: [${describeConstraints(keyShape)}]`);
    }
    if (isContainer(valueShape)) {
      for (const key of keys) this.value(valueName, entries[key], `${path}.${key}.member`);
      return;
    }
    for (const key of keys) {
      if (entries[key] === null) this.report(valueName, null, `${path}.${key}.member`, NOT_NULL);
    }
    if (keys.some((key) => entries[key] !== null && failedConstraints(valueShape, entries[key]).length > 0)) {
      this.report(shapeName, entries, path, `Map value must satisfy constraint: [${describeConstraints(valueShape)}]`);
    }
  }

  private report(shapeName: string, value: unknown, path: string, constraint: string): void {
    if (this.errors.length >= MAX_REPORTED) return;
    const rendered = value === null ? 'null' : `'${renderValue(this.model, shapeName, value)}'`;
    this.errors.push(`Value ${rendered} at '${path}' failed to satisfy constraint: ${constraint}`);
  }
}

function isContainer(shape: Shape): boolean {
  return shape.type === 'structure' || shape.type === 'list' || shape.type === 'map';
}

const NUMBER_TYPES = new Set(['byte', 'short', 'integer', 'long', 'float', 'double']);

/** The constraints `value` breaks, in the order AWS prints them. */
function failedConstraints(shape: Shape, value: unknown): string[] {
  const failures: string[] = [];
  const { min, max } = shape;
  if (NUMBER_TYPES.has(shape.type)) {
    if (min !== undefined && (value as number) < min) failures.push(valueAtLeast(min));
    if (max !== undefined && (value as number) > max) failures.push(valueAtMost(max));
    return failures;
  }
  const length = lengthOf(shape, value);
  if (length === undefined) return failures;
  if (shape.pattern !== undefined && !matchesPattern(shape.pattern, value as string)) failures.push(patternConstraint(shape.pattern));
  if (min !== undefined && length < min) failures.push(lengthAtLeast(min));
  if (max !== undefined && length > max) failures.push(lengthAtMost(max));
  if (shape.enum && !shape.enum.includes(value as string)) failures.push(enumConstraint(shape.enum));
  return failures;
}

/** A shape's constraints as AWS lists them for the elements of a list or map: upper bounds first. */
function describeConstraints(shape: Shape): string {
  const { min, max } = shape;
  if (NUMBER_TYPES.has(shape.type)) {
    return [max !== undefined && valueAtMost(max), min !== undefined && valueAtLeast(min)].filter(Boolean).join(', ');
  }
  return [
    max !== undefined && lengthAtMost(max),
    min !== undefined && lengthAtLeast(min),
    shape.pattern !== undefined && patternConstraint(shape.pattern),
    shape.enum && enumConstraint(shape.enum),
  ]
    .filter(Boolean)
    .join(', ');
}

function lengthOf(shape: Shape, value: unknown): number | undefined {
  switch (shape.type) {
    case 'string':
    case 'list':
      return (value as string | unknown[]).length;
    case 'blob':
      return (value as Buffer).length;
    case 'map':
      return Object.keys(value as object).length;
    default:
      return undefined;
  }
}

const valueAtLeast = (min: number) => `Member must have value greater than or equal to ${min}`;
const valueAtMost = (max: number) => `Member must have value less than or equal to ${max}`;
const lengthAtLeast = (min: number) => `Member must have length greater than or equal to ${min}`;
const lengthAtMost = (max: number) => `Member must have length less than or equal to ${max}`;
const patternConstraint = (pattern: string) => `Member must satisfy regular expression pattern: ${pattern}`;
const enumConstraint = (values: string[]) => `Member must satisfy enum value set: [${values.join(', ')}]`;
