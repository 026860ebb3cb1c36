import { readdir } from 'node:fs/promises';
import { DataSourceOptions, MigrationInterface } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

// src/database and dist/src/database both sit two levels below their migrations folder.
const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

/** The app's entities: listed by the composition root (src/entities.ts), not here. */
export type Entities = DataSourceOptions['entities'];

/**
 * Every connection the app opens runs with PostgreSQL's JIT compiler off. JIT compiles a plan's
 * expressions afresh on each run once its estimated cost passes `jit_above_cost` (100,000), which
 * pays only in queries that run for seconds. The statistics folds passed it once `dispatch` held
 * tens of thousands of rows without statistics (autovacuum off, or before its first ANALYZE: the
 * guessed cost of looking dispatches up by import grows with the table), and each batch's fold
 * then took 25 ms of PostgreSQL's CPU instead of 3, half a core under load (README, Performance:
 * *Sixth pass*).
 */
const SESSION_OPTIONS = '-c jit=off';

/** `poolSize`: DATABASE_POOL_SIZE for the app's pool; pg's default (10) for the rest. */
export function dataSourceOptions(
  databaseUrl: string,
  entities: Entities,
  poolSize?: number,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities,
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    namingStrategy: new SnakeNamingStrategy(),
    extra: { options: SESSION_OPTIONS, ...(poolSize ? { max: poolSize } : {}) },
  };
}

type MigrationClass = new () => MigrationInterface;

/**
 * The migration classes of migrations/, imported here rather than by TypeORM's glob loader: its
 * import() runs in a scope of its own that Jest's ESM sandbox cannot follow from one test file
 * to the next.
 */
export async function loadMigrations(): Promise<MigrationClass[]> {
  const files = (await readdir(MIGRATIONS_DIR))
    .filter((file) => /^\d+-[\w-]+\.(js|ts)$/.test(file) && !file.endsWith('.d.ts'))
    .sort();
  const modules = await Promise.all(
    files.map((file) => import(new URL(file, MIGRATIONS_DIR).href)),
  );
  return modules.flatMap((module) =>
    Object.values(module as Record<string, unknown>).filter(
      (value): value is MigrationClass => typeof value === 'function',
    ),
  );
}

/** Options with the migrations, for whatever runs or generates them. */
export async function migratingDataSourceOptions(
  databaseUrl: string,
  entities: Entities,
): Promise<DataSourceOptions> {
  return { ...dataSourceOptions(databaseUrl, entities), migrations: await loadMigrations() };
}
