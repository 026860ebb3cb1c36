import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { afterCommit, inTransaction, transactionContext } from './transaction.js';

/** A data source whose transactions only record when they commit. */
function fakeDataSource(events: string[]): DataSource {
  return {
    async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
      const result = await work({} as EntityManager);
      events.push('commit');
      return result;
    },
  } as unknown as DataSource;
}

describe('afterCommit', () => {
  // A failing callback is logged; the test needs no console noise for it.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));

  it('runs queued callbacks once the transaction has committed, in order', async () => {
    const events: string[] = [];
    const result = await inTransaction(fakeDataSource(events), async (manager) => {
      expect(transactionContext.getStore()).toBe(manager);
      afterCommit(() => events.push('first'));
      afterCommit(() => events.push('second'));
      events.push('work');
      return 42;
    });
    expect(result).toBe(42);
    expect(events).toEqual(['work', 'commit', 'first', 'second']);
  });

  it('never runs them when the transaction rolls back', async () => {
    const events: string[] = [];
    await expect(
      inTransaction(fakeDataSource(events), async () => {
        afterCommit(() => events.push('callback'));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(events).toEqual([]);
  });

  it('keeps a failing callback from failing the committed work or the others', async () => {
    const events: string[] = [];
    await inTransaction(fakeDataSource(events), async () => {
      afterCommit(() => {
        throw new Error('queue down');
      });
      afterCommit(() => events.push('next'));
    });
    expect(events).toEqual(['commit', 'next']);
  });

  it('runs at once outside a transaction', () => {
    const events: string[] = [];
    afterCommit(() => events.push('now'));
    expect(events).toEqual(['now']);
  });
});
