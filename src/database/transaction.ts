import { Injectable, Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { ChangeNotifications } from './change-notifications.js';
import { beginPipelined, CommitStatement, commitWith } from './run-statement.js';

/** The transaction a request already runs in (the idempotency layer opens one), if any. */
export const transactionContext = new AsyncLocalStorage<EntityManager>();

/** A statement sent with the COMMIT, and what its refusal means to the client. */
interface FinalStatement extends CommitStatement {
  refused?: (error: QueryFailedError) => Error | undefined;
  last: boolean;
}

/** Statements to send with a transaction's COMMIT (atCommit). */
const finalStatements = new WeakMap<EntityManager, FinalStatement[]>();

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock
const ATTEMPTS = 5;

export function isRetryable(error: unknown): boolean {
  const code = (error as QueryFailedError & { driverError?: { code?: string } })?.driverError?.code;
  return error instanceof QueryFailedError && RETRYABLE.has(code ?? '');
}

/** Runs `attempt` again, after a short random pause, when PostgreSQL asks for a retry. */
export async function retryOnConflict<T>(attempt: () => Promise<T>, logger?: Logger): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error) || n >= ATTEMPTS) throw error;
      logger?.warn(`retrying a unit of work (${(error as Error).message}), attempt ${n + 1}`);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * n));
    }
  }
}

/**
 * Runs `work` in a new transaction that is the ambient one inside it, then commits, sending what
 * `atCommit` queued with the COMMIT. What must follow the commit (a job that reads the data) is an
 * outbox event written in the transaction, never a callback: it commits, or vanishes, with the
 * change.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  let end = () => {};
  try {
    const pipelined = await beginPipelined(runner);
    end = pipelined.end;
    const manager = runner.manager;
    const statements: FinalStatement[] = [];
    finalStatements.set(manager, statements);
    const value = await transactionContext.run(manager, () => work(manager));
    await pipelined.begun;
    // Those that lock what every other writer queues on go last, so they hold it for less time.
    statements.sort((a, b) => Number(a.last) - Number(b.last));
    if (statements.length === 0) {
      await runner.commitTransaction();
    } else {
      try {
        await commitWith(runner, statements);
      } catch (error) {
        const index = (error as { statementIndex?: number }).statementIndex;
        const refusal =
          index === undefined ? undefined : statements[index].refused?.(error as QueryFailedError);
        throw refusal ?? error;
      }
    }
    return value;
  } catch (error) {
    // The original error, even when the rollback fails too (the connection is gone).
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    end();
    await runner.release();
  }
}

/**
 * Sends `statement` with the ambient transaction's COMMIT, in one write, after all its other
 * work: for a lock every other writer of the same rows queues on (a hub's stock levels), held
 * from the statement to the commit inside PostgreSQL, never for a round trip to the app. The
 * statement refuses the change by raising an error (`relief_hub_refuse()`, SQLSTATE REFUSED):
 * then nothing commits, and `refused` turns the error into the client's (else it is thrown as
 * it is). Statements are sent in the order they were queued, except that those queued with
 * `last` (a hub's stock: every other dispatch of the hub waits for its lock) follow all others,
 * right before the COMMIT.
 */
export function atCommit(
  manager: EntityManager,
  statement: CommitStatement,
  refused?: (error: QueryFailedError) => Error | undefined,
  { last = false }: { last?: boolean } = {},
): void {
  const statements = finalStatements.get(manager);
  if (!statements) throw new Error('atCommit() needs a transaction opened by inTransaction()');
  statements.push({ ...statement, refused, last });
}

/**
 * The manager to read with: the request's transaction when there is one, else `fallback`. A
 * request that already holds a pooled connection for its transaction must not wait for a second
 * one: with as many such requests in flight as the pool has connections, each would wait for
 * another's, for ever.
 */
export function currentManager(fallback: EntityManager): EntityManager {
  return transactionContext.getStore() ?? fallback;
}

/**
 * The one way to write in a transaction: joins the request's transaction when there is one,
 * otherwise opens its own and retries it whole on deadlock or serialization failure. Inside
 * `work`, use only the manager it is given.
 *
 * A transaction of its own that sent a change notification (notifyChange) returns only once
 * this process has received it back, so the writer's answer follows every cache's invalidation
 * (see ChangeNotifications.delivered). A joined transaction commits later, with the request's.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: ChangeNotifications,
  ) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const ambient = transactionContext.getStore();
    if (ambient) return work(ambient);
    return retryOnConflict(async () => {
      let committed: EntityManager | undefined;
      const value = await inTransaction(this.dataSource, (manager) => {
        committed = manager;
        return work(manager);
      });
      if (committed) await this.changes.delivered(committed);
      return value;
    }, this.logger);
  }
}
