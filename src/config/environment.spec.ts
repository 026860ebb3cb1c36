import { ConfigurationError, validateEnvironment } from './environment.js';

describe('validateEnvironment', () => {
  it('gives the documented defaults for an empty environment', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({
      APP_ROLE: 'all',
      PORT: 3000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/relief_hub',
      DATABASE_POOL_SIZE: 10,
      REDIS_URL: 'redis://127.0.0.1:6379',
      DEFAULT_HUB: 'TMZ',
      RATE_LIMIT_PER_SECOND: 100,
      RATE_LIMIT_BURST: 300,
      GRID_EMISSION_FACTOR_KG_PER_KWH: 0.558,
      EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR: 1414,
    });
    expect(env.ADMIN_API_KEY).toBeUndefined();
  });

  it('reads numbers and treats empty variables as unset', () => {
    expect(
      validateEnvironment({ PORT: '8080', ADMIN_API_KEY: '', APP_ROLE: 'worker' }),
    ).toMatchObject({
      PORT: 8080,
      ADMIN_API_KEY: undefined,
      APP_ROLE: 'worker',
    });
  });

  it('takes a DATABASE_POOL_SIZE of 2 to 1000 connections', () => {
    expect(validateEnvironment({ DATABASE_POOL_SIZE: '4' }).DATABASE_POOL_SIZE).toBe(4);
    for (const size of ['1', '1001', '2.5', 'ten']) {
      expect(() => validateEnvironment({ DATABASE_POOL_SIZE: size })).toThrow(/DATABASE_POOL_SIZE/);
    }
  });

  it('takes an ADMIN_PASSWORD of 10 to 200 characters', () => {
    expect(validateEnvironment({}).ADMIN_PASSWORD).toBeUndefined();
    for (const password of ['ten chars!', 'x'.repeat(200)]) {
      expect(validateEnvironment({ ADMIN_PASSWORD: password }).ADMIN_PASSWORD).toBe(password);
    }
  });

  it('takes embedded as DATABASE_URL and REDIS_URL, a DATA_DIR, and hides METRICS_TOKEN in errors', () => {
    expect(validateEnvironment({})).toMatchObject({ DATA_DIR: './data', METRICS_TOKEN: undefined });
    expect(
      validateEnvironment({ DATABASE_URL: 'embedded', REDIS_URL: 'embedded', DATA_DIR: '/srv/rh' }),
    ).toMatchObject({ DATABASE_URL: 'embedded', REDIS_URL: 'embedded', DATA_DIR: '/srv/rh' });
    expect(() => validateEnvironment({ DATABASE_URL: 'embedded-ish' })).toThrow(
      /DATABASE_URL must be a postgres:\/\/ URL naming a database, or embedded/,
    );
    expect(() => validateEnvironment({ METRICS_TOKEN: 'short-secret' })).toThrow(
      'Invalid configuration: METRICS_TOKEN must be longer than or equal to 16 characters (got (hidden))',
    );
  });

  it('reads decimal factors', () => {
    expect(
      validateEnvironment({
        GRID_EMISSION_FACTOR_KG_PER_KWH: '0.5',
        EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR: '1350.25',
      }),
    ).toMatchObject({
      GRID_EMISSION_FACTOR_KG_PER_KWH: 0.5,
      EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR: 1350.25,
    });
    expect(validateEnvironment({ GRID_EMISSION_FACTOR_KG_PER_KWH: '0' })).toMatchObject({
      GRID_EMISSION_FACTOR_KG_PER_KWH: 0,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be an integer number \(got "abc"\)$/],
    [{ PORT: '70000' }, /^Invalid configuration: PORT must not be greater than 65535/],
    [
      { APP_ROLE: 'both' },
      /^Invalid configuration: APP_ROLE must be one of the following values: all, api, worker/,
    ],
    [
      { DATABASE_URL: 'mysql://x/y' },
      /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/,
    ],
    [{ REDIS_URL: 'localhost:6379' }, /^Invalid configuration: REDIS_URL must be a redis:\/\/ URL/],
    [
      { GRID_EMISSION_FACTOR_KG_PER_KWH: 'high' },
      /^Invalid configuration: GRID_EMISSION_FACTOR_KG_PER_KWH must be a number .*\(got "high"\)$/,
    ],
    [
      { GRID_EMISSION_FACTOR_KG_PER_KWH: '-0.1' },
      /^Invalid configuration: GRID_EMISSION_FACTOR_KG_PER_KWH must not be less than 0/,
    ],
    [
      { GRID_EMISSION_FACTOR_KG_PER_KWH: '0.1234567' },
      /^Invalid configuration: GRID_EMISSION_FACTOR_KG_PER_KWH must be a number/,
    ],
    [
      { EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR: '0' },
      /^Invalid configuration: EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR must not be less than 1/,
    ],
    [
      { EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR: '1e3' },
      /^Invalid configuration: EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR must be a number/,
    ],
    [
      { ADMIN_API_KEY: 'short' },
      /^Invalid configuration: ADMIN_API_KEY must be longer.*\(got \(hidden\)\)$/,
    ],
    [
      { ADMIN_PASSWORD: 'nine char' },
      /^Invalid configuration: ADMIN_PASSWORD must be longer than or equal to 10 characters \(got \(hidden\)\)$/,
    ],
    [
      { ADMIN_PASSWORD: 'x'.repeat(201) },
      /^Invalid configuration: ADMIN_PASSWORD must be shorter than or equal to 200 characters \(got \(hidden\)\)$/,
    ],
    // 0.0000001 is read as the number 1e-7, whose text has no "."; class-validator's
    // maxDecimalPlaces threw a TypeError on it, which ended the start with a stack trace.
    ...['0.0000001', '0.00000015', '1e-7', '1.5e-7', '5e-7', '1e400'].map(
      (value): [Record<string, string>, RegExp] => [
        { GRID_EMISSION_FACTOR_KG_PER_KWH: value },
        new RegExp(
          `^Invalid configuration: GRID_EMISSION_FACTOR_KG_PER_KWH must be a number with at most 6 decimals \\(got "${value}"\\)$`,
        ),
      ],
    ),
    [
      { EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR: '1414.0000001' },
      /^Invalid configuration: EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR must be a number with at most 6 decimals \(got "1414.0000001"\)$/,
    ],
  ])('names the bad variable in one line: %j', (raw, message) => {
    expect(() => validateEnvironment(raw)).toThrow(ConfigurationError);
    expect(() => validateEnvironment(raw)).toThrow(message);
  });
});
