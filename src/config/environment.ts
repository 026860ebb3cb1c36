import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { IsDecimal } from '../common/validation/numbers.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-length.js';

export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppRole = (typeof APP_ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;

/**
 * Every setting the process reads from its environment, with its default. Validated once at
 * start: a bad value stops the process with one line naming the variable.
 */
export class Environment {
  @IsIn(APP_ROLES)
  APP_ROLE: AppRole = 'all';

  @Transform(toInt)
  @Max(65535)
  @Min(0)
  @IsInt()
  PORT = 3000;

  /**
   * `embedded`: an embedded PostgreSQL under DATA_DIR (src/embedded), as when it is unset and
   * nothing answers on 127.0.0.1:5432.
   */
  @Matches(/^(embedded|postgres(ql)?:\/\/[^/]+\/[A-Za-z0-9_-]+(\?.*)?)$/, {
    message: 'must be a postgres:// URL naming a database, or embedded',
  })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/relief_hub';

  /**
   * Connections the app's pool may hold to PostgreSQL (per process). Requests past it wait their
   * turn in the app, in order; connections beyond what PostgreSQL's cores can run only contend
   * there. On the bench's two cores, 32 clients dispatching through 4, 6 or 10 connections
   * cost PostgreSQL 2.0-2.9 ms of CPU a dispatch, through 20 connections 3.5-3.9 ms (README,
   * Performance, *Third pass*).
   */
  @Transform(toInt)
  @Max(1000)
  @Min(2)
  @IsInt()
  DATABASE_POOL_SIZE = 10;

  /** `embedded`: a Redis under DATA_DIR, as when it is unset and nothing answers on 6379. */
  @Matches(/^(embedded|rediss?:\/\/.+)$/, { message: 'must be a redis:// URL, or embedded' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Where embedded PostgreSQL and Redis keep their data (postgres/, redis/). */
  @MinLength(1)
  @IsString()
  DATA_DIR = './data';

  /** Key prefix of every BullMQ key, so several deployments (or test runs) share one Redis. */
  @Matches(/^[A-Za-z0-9_:.-]{1,64}$/, { message: 'must be 1-64 letters, digits or _:.-' })
  REDIS_PREFIX = 'relief-hub';

  @IsOptional()
  @MaxLength(255)
  @MinLength(16)
  @IsString()
  ADMIN_API_KEY?: string;

  /**
   * The web app password the admin holding ADMIN_API_KEY (without it, the first admin) is given
   * at start when it has none, so whoever installs relief-hub can sign in at /app.
   */
  @IsOptional()
  @MaxLength(MAX_PASSWORD_LENGTH)
  @MinLength(MIN_PASSWORD_LENGTH)
  @IsString()
  ADMIN_PASSWORD?: string;

  @Matches(/^[A-Z0-9_-]{1,64}$/, { message: 'must be a hub code (A-Z, 0-9, _ or -)' })
  DEFAULT_HUB = 'TMZ';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Sustained requests a second served per API key; bursts of three times as many pass. */
  @Transform(toInt)
  @Min(1)
  @IsInt()
  RATE_LIMIT_PER_SECOND = 100;

  @Transform(toInt)
  @Min(1)
  @IsInt()
  RATE_LIMIT_BURST = 300;

  /** How often the outbox relay looks for new events, ms. */
  @Transform(toInt)
  @Max(60_000)
  @Min(10)
  @IsInt()
  OUTBOX_POLL_MS = 100;

  /**
   * How often a worker registers every repeating job again (each hub's weekly report, the hourly
   * purge), ms: a hub added since, a start while Redis was down or a Redis that lost its data
   * gets its schedulers back within this time.
   */
  @Transform(toInt)
  @Min(100)
  @IsInt()
  SCHEDULES_SYNC_MS = 300_000;

  /** An event still pending this long after it was queued is queued again (Redis lost it), ms. */
  @Transform(toInt)
  @Min(500)
  @IsInt()
  OUTBOX_REPUBLISH_AFTER_MS = 30_000;

  /** Where each new weekly report is POSTed as JSON; none when unset. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  REPORT_WEBHOOK_URL?: string;
  /**
   * kg CO2 a kWh of solar generation keeps off the grid. Uzbekistan's combined margin for solar,
   * IFI Harmonised Default Grid Factors 2021 v3.1.
   */
  @Transform(toNumber)
  @Max(5)
  @Min(0)
  @IsDecimal(6)
  GRID_EMISSION_FACTOR_KG_PER_KWH = 0.558;

  /** What a kWp of PV should make in a year at the hub: TMZ-PV-1's 989,993 kWh over 700 kWp. */
  @Transform(toNumber)
  @Max(5000)
  @Min(1)
  @IsDecimal(6)
  EXPECTED_SPECIFIC_YIELD_KWH_PER_KWP_YEAR = 1414;

  /**
   * kg CO2e a litre of diesel emits, well-to-wheel (EN 16258 basis, as GLEC v3 uses): the
   * fuel-based method of a dispatch whose carrier reported its litres.
   */
  @Transform(toNumber)
  @Max(10)
  @Min(0)
  @IsDecimal(6)
  DIESEL_CO2E_KG_PER_L = 3.17;

  /**
   * kg CO2e a tonne-km by road emits, well-to-wheel, when the carrier gave no fuel figure: an
   * estimate for an articulated truck of 34-40 t at average load (GLEC v3; 0.022 of it
   * well-to-tank). Set it from the carrier's data.
   */
  @Transform(toNumber)
  @Max(5)
  @Min(0)
  @IsDecimal(6)
  ROAD_CO2E_KG_PER_TKM = 0.081;

  /**
   * The bearer token Prometheus sends to GET /metrics; unset, only an admin's API key reads it.
   */
  @IsOptional()
  @MaxLength(255)
  @MinLength(16)
  @IsString()
  METRICS_TOKEN?: string;
}

export class ConfigurationError extends Error {}

/** Parses and validates the environment; throws a ConfigurationError naming the first bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  // An empty variable means "not set": it falls back to the default rather than failing.
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== '' && value !== undefined),
  );
  const env = plainToInstance(Environment, present, { exposeDefaultValues: true });
  // Decorators run bottom-up: each property's type check sits nearest to it, so it is reported first.
  const errors = validateSync(env, { stopAtFirstError: true });
  if (errors.length > 0) {
    const first = errors[0];
    const reason = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    const secret = /_(KEY|PASSWORD|TOKEN)$/.test(first.property);
    // as it was written: 0.0000001, not the 1e-7 it was read as
    const shown = secret ? '(hidden)' : JSON.stringify(present[first.property] ?? first.value);
    throw new ConfigurationError(
      `Invalid configuration: ${first.property} ${reason.replace(`${first.property} `, '')} (got ${shown})`,
    );
  }
  return env;
}
