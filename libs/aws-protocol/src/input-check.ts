import { matchesPattern } from './model-pattern';
import { CompiledShapes } from './compiled-shapes';
import { targetOf, type ServiceModel, type Shape } from './service-model';

/** Whether a non-undefined value satisfies its shape (null never does). */
type CheckFn = (value: unknown) => boolean;

/**
 * Whether a shaped input breaks none of its model's constraints: exactly when validateInput's
 * walk (input-validator.ts) would report nothing, which a spec checks on the Kinesis model. It
 * answers yes or no and words nothing, so it is compiled per shape into closures, built on first
 * use and kept with the model (a model's shapes are a fixed, finite set).
 */
export function isValidInput(model: ServiceModel, shapeName: string, input: Record<string, unknown>): boolean {
  let compiler = compilers.get(model);
  if (!compiler) compilers.set(model, (compiler = new CheckCompiler(model)));
  return compiler.check(shapeName)(input);
}

const compilers = new WeakMap<ServiceModel, CheckCompiler>();
const NUMBER_TYPES = new Set(['byte', 'short', 'integer', 'long', 'float', 'double']);

class CheckCompiler {
  private readonly shapes: CompiledShapes<CheckFn>;

  constructor(private readonly model: ServiceModel) {
    this.shapes = new CompiledShapes(model, (shape) => this.build(shape));
  }

  check(shapeName: string): CheckFn {
    return this.shapes.get(shapeName);
  }

  private build(shape: Shape): CheckFn {
    const own = constraintsOf(shape);
    switch (shape.type) {
      case 'structure': {
        const members = Object.entries(shape.members ?? {}).map(([name, ref]) => ({
          name,
          required: shape.required?.includes(name) ?? false,
          check: this.check(ref.shape),
        }));
        return (value) => {
          if (value === null) return false;
          const object = value as Record<string, unknown>;
          for (let i = 0; i < members.length; i++) {
            const member = members[i];
            const memberValue = object[member.name];
            if (memberValue === undefined ? member.required : !member.check(memberValue)) return false;
          }
          return true;
        };
      }
      case 'list': {
        const item = this.check(targetOf(shape.member));
        return (value) => {
          if (value === null || !own(value)) return false;
          const items = value as unknown[];
          for (let i = 0; i < items.length; i++) if (!item(items[i])) return false;
          return true;
        };
      }
      case 'map': {
        const key = this.check(targetOf(shape.key));
        const entry = this.check(targetOf(shape.value));
        return (value) => {
          if (value === null || !own(value)) return false;
          const entries = value as Record<string, unknown>;
          for (const name of Object.keys(entries)) if (!key(name) || !entry(entries[name])) return false;
          return true;
        };
      }
      default:
        return (value) => value !== null && own(value);
    }
  }
}

/** A shape's own constraints on a non-null value (see failedConstraints in input-validator.ts). */
function constraintsOf(shape: Shape): CheckFn {
  const { min, max, pattern } = shape;
  const values = shape.enum === undefined ? undefined : new Set(shape.enum);
  if (NUMBER_TYPES.has(shape.type)) {
    if (min === undefined && max === undefined) return () => true;
    return (value) => !((min !== undefined && (value as number) < min) || (max !== undefined && (value as number) > max));
  }
  const lengthOf = lengthFunctionOf(shape.type);
  if (!lengthOf || (min === undefined && max === undefined && pattern === undefined && values === undefined)) return () => true;
  return (value) => {
    const length = lengthOf(value);
    if (min !== undefined && length < min) return false;
    if (max !== undefined && length > max) return false;
    if (values !== undefined && !values.has(value as string)) return false;
    return pattern === undefined || matchesPattern(pattern, value as string);
  };
}

function lengthFunctionOf(type: string): ((value: unknown) => number) | undefined {
  switch (type) {
    case 'string':
    case 'list':
    case 'blob':
      return (value) => (value as { length: number }).length;
    case 'map':
      return (value) => Object.keys(value as object).length;
    default:
      return undefined;
  }
}
