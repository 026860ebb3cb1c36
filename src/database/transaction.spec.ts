import { DataSource, EntityManager } from 'typeorm';
import { beforeCommit, inTransaction, transactionContext } from './transaction.js';

/** A data source whose transactions record when they commit, and roll back on an error. */
function fakeDataSource(events: string[]): DataSource {
  return {
    async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
      const result = await work({} as EntityManager);
      events.push('commit');
      return result;
    },
  } as unknown as DataSource;
}

describe('inTransaction and beforeCommit', () => {
  it('runs the final steps after the work, in order, just before the commit', async () => {
    const events: string[] = [];
    const result = await inTransaction(fakeDataSource(events), async (manager) => {
      expect(transactionContext.getStore()).toBe(manager);
      beforeCommit(manager, async () => events.push('first step'));
      beforeCommit(manager, async () => events.push('second step'));
      events.push('work');
      return 42;
    });
    expect(result).toBe(42);
    expect(events).toEqual(['work', 'first step', 'second step', 'commit']);
  });

  it('fails the whole transaction when a final step throws', async () => {
    const events: string[] = [];
    await expect(
      inTransaction(fakeDataSource(events), async (manager) => {
        beforeCommit(manager, async () => {
          throw new Error('not enough stock');
        });
        events.push('work');
      }),
    ).rejects.toThrow('not enough stock');
    expect(events).toEqual(['work']);
  });

  it('refuses a final step outside a transaction it opened', () => {
    expect(() => beforeCommit({} as EntityManager, async () => undefined)).toThrow(
      'beforeCommit() needs a transaction opened by inTransaction()',
    );
  });
});
