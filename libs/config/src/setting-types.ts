import type { Setting } from './config-schema';

type Common<T> = { env: string; description: string; default?: T; defaultText?: string };

export function integerSetting(options: Common<number> & { min?: number; max?: number }): Setting<number> {
  return {
    ...options,
    parse(raw) {
      if (!/^-?\d+$/.test(raw.trim())) throw new Error('expected a whole number');
      const value = Number(raw);
      if (options.min !== undefined && value < options.min) throw new Error(`must be at least ${options.min}`);
      if (options.max !== undefined && value > options.max) throw new Error(`must be at most ${options.max}`);
      return value;
    },
  };
}

export function stringSetting(options: Common<string> & { pattern?: RegExp }): Setting<string> {
  return {
    ...options,
    parse(raw) {
      if (options.pattern && !options.pattern.test(raw)) throw new Error(`must match ${options.pattern}`);
      return raw;
    },
  };
}

export function enumSetting<T extends string>(options: Common<T> & { values: readonly T[] }): Setting<T> {
  return {
    ...options,
    parse(raw) {
      if (!(options.values as readonly string[]).includes(raw)) throw new Error(`must be one of ${options.values.join(', ')}`);
      return raw as T;
    },
  };
}

export function booleanSetting(options: Common<boolean>): Setting<boolean> {
  return {
    ...options,
    parse(raw) {
      const value = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      throw new Error('expected true or false');
    },
  };
}

/** `KEY:SECRET` pairs separated by commas, e.g. access key ids and their secrets. */
export function keyValueListSetting(options: Common<Record<string, string>>): Setting<Record<string, string>> {
  return {
    ...options,
    parse(raw) {
      const entries: Record<string, string> = {};
      for (const item of raw.split(',')) {
        const at = item.indexOf(':');
        if (at <= 0 || at === item.length - 1) throw new Error(`expected KEY:VALUE pairs separated by commas, got "${item}"`);
        entries[item.slice(0, at).trim()] = item.slice(at + 1).trim();
      }
      return entries;
    },
  };
}
