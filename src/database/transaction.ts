import { Injectable, Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { ChangeNotifications } from './change-notifications.js';

/** The transaction a request already runs in (the idempotency layer opens one), if any. */
export const transactionContext = new AsyncLocalStorage<EntityManager>();

/** Statements to run last in a transaction, just before it commits. */
const finalSteps = new WeakMap<EntityManager, (() => Promise<unknown>)[]>();

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
 * Runs `work` in a new transaction that is the ambient one inside it, then what `beforeCommit`
 * queued. What must follow the commit (a job that reads the data) is an outbox event written in
 * the transaction, never a callback: it commits, or vanishes, with the change.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction((manager) => {
    const steps: (() => Promise<unknown>)[] = [];
    finalSteps.set(manager, steps);
    return transactionContext.run(manager, async () => {
      const value = await work(manager);
      for (const step of steps) await step();
      return value;
    });
  });
}

/**
 * Runs `step` in the ambient transaction after all its other work, just before the commit; if it
 * throws, the whole transaction rolls back and the error is the transaction's. For a lock every
 * other writer of the same rows queues on (a hub's stock levels): taken last, it is held for one
 * statement and the commit rather than for every round trip the rest of the work needs.
 */
export function beforeCommit(manager: EntityManager, step: () => Promise<unknown>): void {
  const steps = finalSteps.get(manager);
  if (!steps) throw new Error('beforeCommit() needs a transaction opened by inTransaction()');
  steps.push(step);
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
