import { DataSource, EntityManager } from 'typeorm';
import { atCommit, inTransaction, transactionContext } from './transaction.js';

/**
 * A data source whose one connection records what it is sent: each query with whether it went
 * in pipeline mode (sent without waiting for the one before), and the runner's commit and
 * rollback. A
 * statement whose text is 'refuse' fails as relief_hub_refuse() does.
 */
function fakeDataSource(events: string[]): DataSource {
  const client = {
    pipeline: false,
    query(config: { text: string } | string) {
      const text = typeof config === 'string' ? config : config.text;
      events.push(`${text}${client.pipeline ? ' (pipelined)' : ''}`);
      if (text === 'refuse') {
        return Promise.reject(Object.assign(new Error('stock.insufficient'), { code: 'RH409' }));
      }
      return Promise.resolve({ command: text === 'COMMIT' ? 'COMMIT' : 'INSERT', rows: [] });
    },
  };
  const runner = {
    isTransactionActive: false,
    manager: {} as EntityManager,
    async commitTransaction() {
      runner.isTransactionActive = false;
      events.push('commit');
    },
    async rollbackTransaction() {
      runner.isTransactionActive = false;
      events.push('rollback');
    },
    async connect() {
      return client;
    },
    async release() {
      events.push('release');
    },
  };
  return { createQueryRunner: () => runner } as unknown as DataSource;
}

describe('inTransaction and atCommit', () => {
  it('commits the work, the ambient transaction inside it', async () => {
    const events: string[] = [];
    const result = await inTransaction(fakeDataSource(events), async (manager) => {
      expect(transactionContext.getStore()).toBe(manager);
      events.push('work');
      return 42;
    });
    expect(result).toBe(42);
    expect(events).toEqual(['START TRANSACTION (pipelined)', 'work', 'commit', 'release']);
  });

  it('sends the final statements, in order, with the COMMIT in one write', async () => {
    const events: string[] = [];
    await inTransaction(fakeDataSource(events), async (manager) => {
      atCommit(manager, { sql: 'take', parameters: [] });
      atCommit(manager, { sql: 'record', parameters: [] });
      events.push('work');
    });
    expect(events).toEqual([
      'START TRANSACTION (pipelined)',
      'work',
      'take (pipelined)',
      'record (pipelined)',
      'COMMIT (pipelined)',
      'release',
    ]);
  });

  it('sends a statement queued `last` after the others, and maps its refusal to it', async () => {
    const events: string[] = [];
    await expect(
      inTransaction(fakeDataSource(events), async (manager) => {
        atCommit(
          manager,
          { sql: 'refuse', parameters: [] },
          () => new Error('409: the take refused'),
          { last: true },
        );
        atCommit(manager, { sql: 'record', parameters: [] }, () => new Error('not this one'));
      }),
    ).rejects.toThrow('409: the take refused');
    expect(events).toEqual([
      'START TRANSACTION (pipelined)',
      'record (pipelined)',
      'refuse (pipelined)',
      'COMMIT (pipelined)',
      'release',
    ]);
  });

  it("turns a statement's refusal into the client's error; the database rolled back", async () => {
    const events: string[] = [];
    await expect(
      inTransaction(fakeDataSource(events), async (manager) => {
        atCommit(manager, { sql: 'refuse', parameters: [] }, (error) =>
          error.message === 'stock.insufficient' ? new Error('409: not enough stock') : undefined,
        );
      }),
    ).rejects.toThrow('409: not enough stock');
    // PostgreSQL answers the COMMIT of a failed transaction with a rollback: none is sent after.
    expect(events).toEqual([
      'START TRANSACTION (pipelined)',
      'refuse (pipelined)',
      'COMMIT (pipelined)',
      'release',
    ]);
  });

  it('rolls back when the work throws', async () => {
    const events: string[] = [];
    await expect(
      inTransaction(fakeDataSource(events), async () => {
        throw new Error('bad input');
      }),
    ).rejects.toThrow('bad input');
    expect(events).toEqual(['START TRANSACTION (pipelined)', 'rollback', 'release']);
  });

  it('refuses a final statement outside a transaction it opened', () => {
    expect(() => atCommit({} as EntityManager, { sql: 'x', parameters: [] })).toThrow(
      'atCommit() needs a transaction opened by inTransaction()',
    );
  });
});
