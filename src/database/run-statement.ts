import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { ClientBase, QueryConfig, QueryResult } from 'pg';
import { EntityManager, QueryFailedError, QueryRunner } from 'typeorm';

/** Statement names by text: a name is the text's hash, so equal texts share one. */
const names = new Map<string, string>();

function prepared(sql: string, parameters: unknown[]): QueryConfig {
  let name = names.get(sql);
  if (name === undefined) {
    name = `rh_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return { name, text: sql, values: parameters };
}

function clientOf(runner: QueryRunner): Promise<ClientBase> {
  return runner.connect() as Promise<ClientBase>;
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
  const client = await clientOf(manager.queryRunner);
  try {
    const result = await client.query(prepared(sql, parameters));
    return { rows: result.rows as Row[], affected: result.rowCount ?? result.rows.length };
  } catch (error) {
    throw new QueryFailedError(sql, parameters, error as Error);
  }
}

/** TypeORM's runner, told that its transaction began or ended without it. */
function setTransactionState(runner: QueryRunner, active: boolean): void {
  Object.assign(runner, { isTransactionActive: active, transactionDepth: active ? 1 : 0 });
}

/**
 * Holds back the connection's writes until the returned function is called, then sends what was
 * queued meanwhile in one write (the socket's cork). pg writes each query as soon as it is
 * queued, and a connection with TCP_NODELAY sends each write as a segment of its own: on a
 * loopback every segment wakes the backend, which reads and answers it alone. Corks nest (pg
 * corks each query's own messages), so this may be called around any number of queries.
 */
function holdWrites(client: ClientBase): () => void {
  const stream = (client as ClientBase & { connection?: { stream?: Partial<Duplex> } }).connection
    ?.stream;
  if (!stream?.cork || !stream.uncork) return () => undefined;
  stream.cork();
  let held = true;
  return () => {
    if (held) stream.uncork!();
    held = false;
  };
}

/**
 * Opens the runner's transaction without a round trip of its own: START TRANSACTION is held
 * back until the promise jobs queued meanwhile have run, so that the transaction's first
 * statement, when only promise jobs stand before it, goes out in the same write. The
 * connection is in pg's pipeline mode until the transaction ends (commitWith, or the returned
 * `end` after a plain commit or a rollback); its queries still run one after another, each
 * awaited by its caller. `begun` settles with the START TRANSACTION.
 */
export async function beginPipelined(
  runner: QueryRunner,
): Promise<{ begun: Promise<unknown>; end: () => void }> {
  const client = (await clientOf(runner)) as ClientBase & { pipeline: boolean };
  client.pipeline = true;
  const send = holdWrites(client);
  const begun = client.query('START TRANSACTION');
  begun.catch(() => undefined); // awaited before the commit; a failure also fails what follows
  // A tick queued from a promise job runs once every promise job queued so far has run: the
  // work's first statement, when nothing but promise jobs stands before it.
  process.nextTick(send);
  setTransactionState(runner, true);
  return { begun, end: () => (client.pipeline = false) };
}

/** A statement to send with the COMMIT; it refuses by raising an error (nothing commits). */
export interface CommitStatement {
  sql: string;
  parameters: unknown[];
}

/** SQLSTATE of `relief_hub_refuse()`: a statement sent with the COMMIT refusing the change. */
export const REFUSED = 'RH409';

/**
 * Sends `statements` and COMMIT in one write, on a transaction opened by beginPipelined() (its
 * connection in pg's pipeline mode), and ends the runner's transaction: committed when every
 * statement succeeded, else rolled back (PostgreSQL answers the COMMIT of a failed transaction
 * with a rollback). Rows and locks a
 * statement takes are held only until PostgreSQL reaches the COMMIT, not for a round trip to the
 * app and a turn of its event loop. Throws the first statement's error (QueryFailedError) with
 * the index of the statement that failed.
 */
export async function commitWith(
  runner: QueryRunner,
  statements: CommitStatement[],
): Promise<void> {
  const client = await clientOf(runner);
  // The connection is in pipeline mode (beginPipelined): no query waits for the one before, and
  // all go out in one write.
  const send = holdWrites(client);
  let sent: Promise<QueryResult>[];
  try {
    sent = [
      ...statements.map((s) => client.query(prepared(s.sql, s.parameters))),
      client.query('COMMIT'),
    ];
  } finally {
    send();
  }
  const settled = await Promise.allSettled(sent);
  // PostgreSQL ended the transaction either way; TypeORM's runner must not end it again.
  setTransactionState(runner, false);
  const failed = settled.findIndex((s) => s.status === 'rejected');
  if (failed >= 0 && failed < statements.length) {
    const { sql, parameters } = statements[failed];
    const error = new QueryFailedError(
      sql,
      parameters,
      (settled[failed] as PromiseRejectedResult).reason as Error,
    );
    throw Object.assign(error, { statementIndex: failed });
  }
  const commit = settled[statements.length];
  if (commit.status === 'rejected') {
    throw new QueryFailedError('COMMIT', [], commit.reason as Error);
  }
  if (commit.value.command !== 'COMMIT') throw new Error(`COMMIT answered ${commit.value.command}`);
}
