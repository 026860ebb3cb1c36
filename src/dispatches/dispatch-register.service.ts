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
  /** As the delivery counted them; null until the dispatch is delivered. */
  receivedQuantity: string | null;
  damagedQuantity: string | null;
  missingQuantity: string | null;
}

/** A dispatch of the register; its tonnage is `tonnageKg()` of it. */
export interface RegisterDispatch extends WeighedDispatch {
  id: string;
  waybillNo: string;
  dispatchedAt: Date;
  /** The destination's code and name. */
  destination: string;
  destinationName: string;
  truckPlate: string;
  trailerPlate: string | null;
  consignee: string | null;
  emergency: string | null;
  carrier: string | null;
  driverName: string | null;
  status: DispatchStatus;
  /** The dispatch's own distance, fuel and emissions (numeric strings), null when unknown. */
  distanceKm: string | null;
  fuelLitres: string | null;
  co2eKg: string | null;
  emissionMethod: 'fuel' | 'default' | null;
}

const BATCH = 1000;

/**
 * The dispatch register: a hub's dispatches not cancelled, in the order they left (then by
 * waybill), optionally with their lines. The weekly report lists its trucks, the export writes
 * it line by line. Read in keyset batches and handed on as they come, so a year of dispatches is
 * never held in memory.
 */
@Injectable()
export class DispatchRegisterService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async *dispatches(hub: Hub, filter: RegisterFilter): AsyncGenerator<RegisterDispatch> {
    for await (const batch of this.batches(hub, filter)) yield* batch;
  }

  /** The same dispatches, each with its lines (a second query per batch, by dispatch id). */
  async *withLines(
    hub: Hub,
    filter: RegisterFilter,
  ): AsyncGenerator<RegisterDispatch & { lines: RegisterLine[] }> {
    for await (const batch of this.batches(hub, filter)) {
      const rows: (RegisterLine & { dispatchId: string })[] = await this.dataSource.query(
        `SELECT l.dispatch_id AS "dispatchId", l.line_no AS "lineNo", i.sku,
                l.quantity::text, l.unit_weight_kg::text AS "unitWeightKg",
                l.weight_kg::text AS "weightKg", l.volume_m3::text AS "volumeM3",
                l.received_quantity::text AS "receivedQuantity",
                l.damaged_quantity::text AS "damagedQuantity",
                l.missing_quantity::text AS "missingQuantity"
           FROM dispatch_line l JOIN item i ON i.id = l.item_id
          WHERE l.dispatch_id = ANY($1::uuid[])
          ORDER BY l.dispatch_id, l.line_no`,
        [batch.map((d) => d.id)],
      );
      const lines = new Map<string, RegisterLine[]>();
      for (const { dispatchId, ...line } of rows) {
        let list = lines.get(dispatchId);
        if (!list) lines.set(dispatchId, (list = []));
        list.push(line);
      }
      for (const d of batch) yield { ...d, lines: lines.get(d.id) ?? [] };
    }
  }

  /** THE register query: which dispatches, in which order. */
  private async *batches(hub: Hub, filter: RegisterFilter): AsyncGenerator<RegisterDispatch[]> {
    let after: RegisterDispatch | undefined;
    const from = filter.from ? startOfDay(filter.from, hub.timeZone) : null;
    const to = filter.to ? endOfDay(filter.to, hub.timeZone) : null;
    for (;;) {
      // "dispatched_at >= $5" is implied by the keyset comparison; said apart, it lets the index
      // scan start at the last batch's time rather than at `from`.
      const batch: RegisterDispatch[] = await this.dataSource.query(
        `SELECT d.id, d.waybill_no AS "waybillNo", d.dispatched_at AS "dispatchedAt",
                dest.code AS destination, dest.name AS "destinationName",
                d.truck_plate AS "truckPlate", d.trailer_plate AS "trailerPlate", d.consignee,
                d.cargo_weight_kg::text AS "cargoWeightKg", d.lines_weight_kg::text AS "linesWeightKg",
                d.emergency, d.carrier, d.driver_name AS "driverName", d.status,
                d.distance_km::text AS "distanceKm", d.fuel_litres::text AS "fuelLitres",
                d.co2e_kg::text AS "co2eKg", d.emission_method AS "emissionMethod"
           FROM dispatch d JOIN destination dest ON dest.id = d.destination_id
          WHERE d.hub_id = $1 AND ${dispatchNotCancelledSql('d')}
            AND ($2::timestamptz IS NULL OR d.dispatched_at >= $2)
            AND ($3::timestamptz IS NULL OR d.dispatched_at < $3)
            AND ($4::int IS NULL OR d.destination_id = $4)
            AND ($5::timestamptz IS NULL OR d.dispatched_at >= $5)
            AND ($5::timestamptz IS NULL OR (d.dispatched_at, d.waybill_no) > ($5, $6::text))
          ORDER BY d.dispatched_at, d.waybill_no
          LIMIT ${BATCH}`,
        [
          hub.id,
          from,
          to,
          filter.destinationId ?? null,
          after?.dispatchedAt ?? null,
          after?.waybillNo ?? null,
        ],
      );
      if (batch.length > 0) yield batch;
      if (batch.length < BATCH) return;
      after = batch[batch.length - 1];
    }
  }
}
