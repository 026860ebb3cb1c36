import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dispatchNotCancelledSql, WeighedDispatch } from '../common/dispatch-rules.js';
import { endOfDay, startOfDay } from '../common/time/zoned.js';
import { Hub } from '../hubs/hub.entity.js';
import { DispatchStatus } from './dispatch-status.js';

/** Which of a hub's dispatches: days of dispatch in hub time, both ends included. */
export interface RegisterFilter {
  from?: string;
  to?: string;
  destinationId?: number;
}

/** A line as the truck left, exact decimals as numeric strings. */
export interface RegisterLine {
  lineNo: number;
  sku: string;
  quantity: string;
  unitWeightKg: string;
  weightKg: string;
  volumeM3: string;
}

/** A dispatch of the register with its lines; its tonnage is `tonnageKg()` of it. */
export interface RegisterDispatch extends WeighedDispatch {
  id: string;
  waybillNo: string;
  dispatchedAt: Date;
  /** The destination's code. */
  destination: string;
  truckPlate: string;
  emergency: string | null;
  carrier: string | null;
  driverName: string | null;
  status: DispatchStatus;
  lines: RegisterLine[];
}

interface LineRow {
  id: string;
  dispatched_at: Date;
  waybill_no: string;
  destination: string;
  truck_plate: string;
  cargo_weight_kg: string | null;
  lines_weight_kg: string;
  emergency: string | null;
  carrier: string | null;
  driver_name: string | null;
  status: DispatchStatus;
  line_no: number;
  sku: string;
  quantity: string;
  unit_weight_kg: string;
  weight_kg: string;
  volume_m3: string;
}

const BATCH = 2000;

/**
 * The dispatch register: a hub's dispatches not cancelled, with their lines, in the order they
 * left (then by waybill). The export writes it line by line, the weekly report lists its
 * trucks. Read in keyset batches and handed on as they come, so a year of dispatches is never
 * held in memory.
 */
@Injectable()
export class DispatchRegisterService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async *dispatches(hub: Hub, filter: RegisterFilter): AsyncGenerator<RegisterDispatch> {
    let current: RegisterDispatch | undefined;
    for await (const row of this.lines(hub, filter)) {
      if (current?.id !== row.id) {
        if (current) yield current;
        current = {
          id: row.id,
          waybillNo: row.waybill_no,
          dispatchedAt: row.dispatched_at,
          destination: row.destination,
          truckPlate: row.truck_plate,
          cargoWeightKg: row.cargo_weight_kg,
          linesWeightKg: row.lines_weight_kg,
          emergency: row.emergency,
          carrier: row.carrier,
          driverName: row.driver_name,
          status: row.status,
          lines: [],
        };
      }
      current.lines.push({
        lineNo: row.line_no,
        sku: row.sku,
        quantity: row.quantity,
        unitWeightKg: row.unit_weight_kg,
        weightKg: row.weight_kg,
        volumeM3: row.volume_m3,
      });
    }
    if (current) yield current;
  }

  /** One row per line; a dispatch's lines come together, as (waybill, line) is unique. */
  private async *lines(hub: Hub, filter: RegisterFilter): AsyncGenerator<LineRow> {
    let after: LineRow | undefined;
    const from = filter.from ? startOfDay(filter.from, hub.timeZone) : null;
    const to = filter.to ? endOfDay(filter.to, hub.timeZone) : null;
    for (;;) {
      const batch: LineRow[] = await this.dataSource.query(
        `SELECT d.id, d.dispatched_at, d.waybill_no, dest.code AS destination, d.truck_plate,
                d.cargo_weight_kg::text, d.lines_weight_kg::text, d.emergency, d.carrier,
                d.driver_name, d.status, l.line_no, i.sku, l.quantity::text,
                l.unit_weight_kg::text, l.weight_kg::text, l.volume_m3::text
           FROM dispatch d
           JOIN dispatch_line l ON l.dispatch_id = d.id
           JOIN destination dest ON dest.id = d.destination_id
           JOIN item i ON i.id = l.item_id
          WHERE d.hub_id = $1 AND ${dispatchNotCancelledSql('d')}
            AND ($2::timestamptz IS NULL OR d.dispatched_at >= $2)
            AND ($3::timestamptz IS NULL OR d.dispatched_at < $3)
            AND ($4::int IS NULL OR d.destination_id = $4)
            AND ($5::timestamptz IS NULL
                 OR (d.dispatched_at, d.waybill_no, l.line_no) > ($5, $6::text, $7::int))
          ORDER BY d.dispatched_at, d.waybill_no, l.line_no
          LIMIT ${BATCH}`,
        [
          hub.id,
          from,
          to,
          filter.destinationId ?? null,
          after?.dispatched_at ?? null,
          after?.waybill_no ?? null,
          after?.line_no ?? null,
        ],
      );
      yield* batch;
      if (batch.length < BATCH) return;
      after = batch[batch.length - 1];
    }
  }
}
