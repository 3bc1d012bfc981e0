import { ConfigError, readConfig } from './config-schema';
import { booleanSetting, enumSetting, integerSetting, keyValueListSetting, stringSetting } from './setting-types';

const schema = {
  port: integerSetting({ env: 'T_PORT', description: 'port', default: 4566, min: 0, max: 65535 }),
  host: stringSetting({ env: 'T_HOST', description: 'host', default: '127.0.0.1' }),
  fsync: enumSetting({ env: 'T_FSYNC', description: 'fsync', default: 'group' as const, values: ['always', 'group', 'os'] as const }),
  verbose: booleanSetting({ env: 'T_VERBOSE', description: 'verbose', default: false }),
  credentials: keyValueListSetting({ env: 'T_CREDS', description: 'credentials', default: {} }),
  secret: stringSetting({ env: 'T_SECRET', description: 'a required secret' }),
};

describe('readConfig', () => {
  it('applies defaults and parses set values', () => {
    const config = readConfig(schema, { T_SECRET: 's', T_PORT: '5000', T_VERBOSE: 'yes', T_CREDS: 'AKID:one,OTHER:two' });
    expect(config).toEqual({
      port: 5000,
      host: '127.0.0.1',
      fsync: 'group',
      verbose: true,
      credentials: { AKID: 'one', OTHER: 'two' },
      secret: 's',
    });
  });

  it('names every bad value and every missing required variable at once', () => {
    let error: unknown;
    try {
      readConfig(schema, { T_PORT: '70000', T_FSYNC: 'sometimes', T_VERBOSE: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'T_PORT="70000" is invalid: must be at most 65535',
      'T_FSYNC="sometimes" is invalid: must be one of always, group, os',
      'T_VERBOSE="maybe" is invalid: expected true or false',
      'T_SECRET is required: a required secret',
    ]);
    expect((error as Error).message).toContain('T_PORT="70000"');
  });

  it('rejects numbers with trailing garbage and malformed pairs', () => {
    expect(() => readConfig(schema, { T_SECRET: 's', T_PORT: '12abc' })).toThrow('T_PORT="12abc" is invalid: expected a whole number');
    expect(() => readConfig(schema, { T_SECRET: 's', T_CREDS: 'nocolon' })).toThrow('expected KEY:VALUE pairs');
  });
});
