/**
 * Configuration comes from environment variables, each declared once with its parser, default and
 * description. Reading validates every variable first and reports all bad values together, each
 * named, so a mistyped deployment stops at start-up instead of misbehaving later.
 */
export interface Setting<T> {
  env: string;
  description: string;
  /** The value when the variable is unset; settings without one are required. */
  default?: T;
  /** How the default reads in documentation, when it is computed. */
  defaultText?: string;
  parse(raw: string): T;
}

export type ConfigSchema = Record<string, Setting<unknown>>;
export type ConfigOf<S extends ConfigSchema> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function readConfig<S extends ConfigSchema>(schema: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(schema)) {
    const raw = env[setting.env];
    if (raw === undefined || raw === '') {
      if (setting.default === undefined) problems.push(`${setting.env} is required: ${setting.description}`);
      else config[key] = setting.default;
      continue;
    }
    try {
      config[key] = setting.parse(raw);
    } catch (error) {
      problems.push(`${setting.env}=${JSON.stringify(raw)} is invalid: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}
