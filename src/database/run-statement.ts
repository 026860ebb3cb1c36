import { EntityManager } from 'typeorm';

/** Runs a statement in the manager's transaction and returns its rows and affected count. */
export async function runStatement<Row = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<{ rows: Row[]; affected: number }> {
  if (!manager.queryRunner) throw new Error('runStatement() needs a transaction manager');
  const result = await manager.queryRunner.query(sql, parameters, true);
  return { rows: result.records as Row[], affected: result.affected ?? result.records.length };
}
