/**
 * The parts of a botocore `service-2.json` that the wire layer reads. Shapes keep botocore's
 * loose typing (`type` is a plain string) so a model imported from JSON fits without casts of
 * its inner objects.
 */
export interface ServiceModel {
  metadata: ServiceMetadata;
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

export interface ServiceMetadata {
  apiVersion: string;
  endpointPrefix: string;
  protocol: string;
  jsonVersion?: string;
  targetPrefix?: string;
  signingName?: string;
  serviceId?: string;
}

export interface OperationModel {
  name: string;
  http?: { method: string; requestUri: string };
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
}

export interface ShapeRef {
  shape: string;
}

/**
 * `type` is one of structure, list, map, string, blob, boolean, byte, short, integer, long,
 * float, double, timestamp (or document, which passes through unchecked).
 */
export interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}

export function shapeOf(model: ServiceModel, name: string): Shape {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`The service model has no shape ${name}`);
  return shape;
}

/** The shape a list's `member` or a map's `key`/`value` refers to. */
export function targetOf(ref: ShapeRef | undefined): string {
  if (!ref) throw new Error('The service model has a list or map without its member, key or value shape');
  return ref.shape;
}
