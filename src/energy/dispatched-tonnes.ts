import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toMicro } from '../common/decimal.js';
import { endOfDay, startOfDay } from '../common/time/zoned.js';
import { Hub } from '../hubs/hub.entity.js';

/**
 * How many tonnes left a hub, per hub day, for energy per tonne dispatched. Read straight from
 * the dispatch table for now; when dispatch statistics have rollups, this one query moves there.
 */
@Injectable()
export class DispatchedTonnes {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Tonnes (in millionths, i.e. grams) of the hub's dispatches not cancelled, by the hub day
   * they left on, from `from` to `to` inclusive; days without a dispatch are absent. A truck's
   * tonnage is its weighbridge weight when recorded, else its lines' weight.
   */
  async perDay(hub: Hub, from: string, to: string): Promise<Map<string, bigint>> {
    const rows = await this.dataSource.query<{ day: string; tonnes: string }[]>(
      `SELECT (d.dispatched_at AT TIME ZONE $2)::date::text AS day,
              round(sum(COALESCE(d.cargo_weight_kg, d.lines_weight_kg)) / 1000, 6)::text AS tonnes
         FROM dispatch d
        WHERE d.hub_id = $1 AND d.status <> 'CANCELLED'
          AND d.dispatched_at >= $3 AND d.dispatched_at < $4
        GROUP BY 1`,
      [hub.id, hub.timeZone, startOfDay(from, hub.timeZone), endOfDay(to, hub.timeZone)],
    );
    return new Map(rows.map((row) => [row.day, toMicro(row.tonnes)]));
  }
}
