import { createHash } from 'node:crypto';
import type { ClientBase } from 'pg';
import { EntityManager, QueryFailedError } from 'typeorm';

/** Statement names by text: a name is the text's hash, so equal texts share one. */
const names = new Map<string, string>();

function nameOf(sql: string): string {
  let name = names.get(sql);
  if (name === undefined) {
    name = `rh_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * Runs a statement in the manager's transaction and returns its rows and affected count.
 *
 * The statement is prepared on its connection the first time it runs there (pg's named
 * statements) and executed by name after that: the hot paths' statements (a dispatch, its stock
 * take, the idempotency record) are large CTEs whose planning cost PostgreSQL more CPU than
 * running them, and a prepared statement is parsed once per connection and, after a few runs,
 * planned once. Errors are TypeORM's QueryFailedError, as from `manager.query`.
 */
export async function runStatement<Row = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<{ rows: Row[]; affected: number }> {
  if (!manager.queryRunner) throw new Error('runStatement() needs a transaction manager');
  const client = (await manager.queryRunner.connect()) as ClientBase;
  try {
    const result = await client.query({ name: nameOf(sql), text: sql, values: parameters });
    return { rows: result.rows as Row[], affected: result.rowCount ?? result.rows.length };
  } catch (error) {
    throw new QueryFailedError(sql, parameters, error as Error);
  }
}
