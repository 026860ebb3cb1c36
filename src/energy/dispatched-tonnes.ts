import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toMicro } from '../common/decimal.js';
import { Hub } from '../hubs/hub.entity.js';

/** How many tonnes left a hub, per hub day, for energy per tonne dispatched. */
@Injectable()
export class DispatchedTonnes {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Tonnes (in millionths) of the hub's dispatches not cancelled, by the hub day they left on,
   * from `from` to `to` inclusive, read from the dispatch statistics' day rollups (so they agree
   * with GET /api/stats/dispatches, pending events aside); days without a dispatch are absent.
   * A truck's tonnage is its weighbridge weight when recorded, else its lines' weight.
   */
  async perDay(hub: Hub, from: string, to: string): Promise<Map<string, bigint>> {
    const rows = await this.dataSource.query<{ day: string; tonnes: string }[]>(
      `SELECT day::text, round(sum(tonnage_kg) / 1000, 6)::text AS tonnes
         FROM dispatch_rollup
        WHERE hub_id = $1 AND day BETWEEN $2::date AND $3::date
        GROUP BY day HAVING sum(trucks) > 0`,
      [hub.id, from, to],
    );
    return new Map(rows.map((row) => [row.day, toMicro(row.tonnes)]));
  }
}
