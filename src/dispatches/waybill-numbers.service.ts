import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { localDay } from '../common/time/zoned.js';
import { Hub } from '../hubs/hub.entity.js';

/**
 * Generated waybill numbers: HUB-YEAR-NNNNNN from a counter per hub and year of dispatch (hub
 * time), skipping numbers a waybill typed in by hand already holds.
 *
 * Every generated waybill of a hub updates the same counter row. Inside the dispatch's
 * transaction that row would stay locked until the commit, and the hub's dispatches would queue
 * on it; so a number is taken in a statement of its own, committed at once, on a small pool of
 * its own (a request that holds a connection of the main pool for its transaction must never
 * wait for a second one of that pool: with the pool's size of such requests in flight, all would
 * wait for ever). A dispatch that then fails leaves a gap in the sequence, which the contract
 * allows.
 *
 * The pool's commits do not wait for the WAL flush (synchronous_commit off): a dispatch's own
 * commit flushes the WAL past its number's counter update, so a number on a durable dispatch is
 * durable; a crash can only forget numbers no surviving dispatch holds.
 */
/** The application_name of the pool's connections, as pg_stat_activity shows them. */
export const WAYBILL_CONNECTIONS = 'relief-hub waybill numbers';

@Injectable()
export class WaybillNumbers implements OnApplicationShutdown {
  private readonly logger = new Logger(WaybillNumbers.name);
  private readonly pool: pg.Pool;

  constructor(@InjectDataSource() dataSource: DataSource) {
    const { url } = dataSource.options as { url: string };
    this.pool = new pg.Pool({
      connectionString: url,
      max: 2,
      idleTimeoutMillis: 30_000,
      options: '-c synchronous_commit=off',
      application_name: WAYBILL_CONNECTIONS,
    });
    // An idle connection the server drops (a restart) is reported here; unheard, it would end
    // the process. The pool opens a new one for the next number.
    this.pool.on('error', (error) =>
      this.logger.warn(`A waybill-number connection failed: ${error.message}`),
    );
  }

  async next(hub: Pick<Hub, 'id' | 'code' | 'timeZone'>, dispatchedAt: Date): Promise<string> {
    const year = Number(localDay(dispatchedAt, hub.timeZone).slice(0, 4));
    for (;;) {
      const { rows } = await this.pool.query<{ waybill_no: string; taken: boolean }>(
        `WITH n AS (
           INSERT INTO waybill_counter (hub_id, year, last_value) VALUES ($1, $2, 1)
           ON CONFLICT (hub_id, year) DO UPDATE SET last_value = waybill_counter.last_value + 1
           RETURNING last_value::text AS v
         ), waybill AS (
           SELECT $3 || '-' || $2 || '-' || lpad(v, greatest(6, length(v)), '0') AS no FROM n
         )
         SELECT w.no AS waybill_no,
                EXISTS (SELECT 1 FROM dispatch d WHERE d.hub_id = $1 AND d.waybill_no = w.no) AS taken
           FROM waybill w`,
        [hub.id, year, hub.code],
      );
      if (!rows[0].taken) return rows[0].waybill_no;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
