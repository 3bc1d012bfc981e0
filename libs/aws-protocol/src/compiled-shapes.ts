import { shapeOf, type ServiceModel, type Shape } from './service-model';

/**
 * One compiled function per model shape, built on first use and kept: a model's shapes are a
 * fixed, finite set. A recursive shape reaches itself while it is being built, so it is first
 * given a stand-in that calls through to the finished function.
 */
export class CompiledShapes<F extends (...args: never[]) => unknown> {
  private readonly compiled = new Map<string, F>();

  constructor(
    private readonly model: ServiceModel,
    private readonly build: (shape: Shape) => F,
  ) {}

  get(shapeName: string): F {
    const existing = this.compiled.get(shapeName);
    if (existing) return existing;
    let built: F | undefined;
    this.compiled.set(shapeName, ((...args: Parameters<F>) => (built as F)(...args)) as F);
    try {
      built = this.build(shapeOf(this.model, shapeName));
    } catch (error) {
      this.compiled.delete(shapeName);
      throw error;
    }
    this.compiled.set(shapeName, built);
    return built;
  }
}
