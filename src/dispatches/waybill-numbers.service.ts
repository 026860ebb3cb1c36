import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { localDay } from '../common/time/zoned.js';
import { Hub } from '../hubs/hub.entity.js';

/** Where a generated waybill number comes from: `prefix` and the next value of `sequence`. */
export interface WaybillSequence {
  /** A PostgreSQL sequence per hub and year of dispatch (hub time): `waybill_<hub id>_<year>`. */
  sequence: string;
  /** `TMZ-2026-`: the number is the prefix and the value, padded to six digits. */
  prefix: string;
}

/** The sequence's name; both parts are integers, so it needs no quoting. */
export function waybillSequenceName(hubId: number, year: number): string {
  if (!Number.isInteger(hubId) || !Number.isInteger(year)) throw new Error('Bad waybill sequence');
  return `waybill_${hubId}_${year}`;
}

/**
 * Generated waybill numbers: HUB-YEAR-NNNNNN from a sequence per hub and year of dispatch (hub
 * time), its next value taken in the statement that writes the dispatch (dispatch.writer.ts).
 * A sequence is never locked by the transaction that takes a value, so the hub's dispatches do
 * not queue on it, and it costs no round trip of its own; a dispatch that fails leaves a gap,
 * which the contract allows. A number a waybill typed in by hand already holds is skipped: the
 * writer finds it taken and the dispatch takes the next.
 *
 * A hub's first dispatch of a year creates the year's sequence, in a statement of its own on a
 * small pool of its own (a request that holds a connection of the main pool for its transaction
 * must never wait for a second one of that pool: with the pool's size of such requests in
 * flight, all would wait for ever); sequences known to exist are remembered.
 */
/** The application_name of the pool's connections, as pg_stat_activity shows them. */
export const WAYBILL_CONNECTIONS = 'relief-hub waybill numbers';

@Injectable()
export class WaybillNumbers implements OnApplicationShutdown {
  private readonly logger = new Logger(WaybillNumbers.name);
  private readonly pool: pg.Pool;
  private readonly created = new Set<string>();

  constructor(@InjectDataSource() dataSource: DataSource) {
    const { url } = dataSource.options as { url: string };
    this.pool = new pg.Pool({
      connectionString: url,
      max: 1,
      idleTimeoutMillis: 10_000,
      application_name: WAYBILL_CONNECTIONS,
    });
    // An idle connection the server drops (a restart) is reported here; unheard, it would end
    // the process. The pool opens a new one when it is next needed.
    this.pool.on('error', (error) =>
      this.logger.warn(`A waybill-number connection failed: ${error.message}`),
    );
  }

  async sequenceFor(
    hub: Pick<Hub, 'id' | 'code' | 'timeZone'>,
    dispatchedAt: Date,
  ): Promise<WaybillSequence> {
    const year = Number(localDay(dispatchedAt, hub.timeZone).slice(0, 4));
    const sequence = waybillSequenceName(hub.id, year);
    if (!this.created.has(sequence)) {
      try {
        await this.pool.query(`CREATE SEQUENCE IF NOT EXISTS ${sequence} AS bigint MINVALUE 1`);
      } catch (error) {
        // Two processes creating it at once: one of them is told it already exists.
        const code = (error as { code?: string }).code;
        if (code !== '23505' && code !== '42P07') throw error;
      }
      this.created.add(sequence);
    }
    return { sequence, prefix: `${hub.code}-${year}-` };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
