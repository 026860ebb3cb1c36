import { EntityManager } from 'typeorm';
import { runStatement } from '../database/run-statement.js';
import { OutboxEventType } from '../outbox/outbox-event.entity.js';
import type { EmissionColumns } from './dispatch-emissions.js';
import type { WaybillSequence } from './waybill-numbers.service.js';

/** A dispatch as it is first written, recorded live or imported from history. */
export interface NewDispatch extends EmissionColumns {
  id: string;
  hubId: number;
  /** As typed; null for a number from `waybillSequence`. */
  waybillNo: string | null;
  waybillSequence?: WaybillSequence | null;
  destinationId: number;
  dispatchedAt: Date;
  truckPlate: string;
  trailerPlate: string | null;
  driverName: string | null;
  driverPhone: string | null;
  carrier: string | null;
  consignee: string | null;
  emergency: string | null;
  /** Weighbridge figure, as given. */
  cargoWeightKg: string | null;
  linesWeightKg: string;
  volumeM3: string;
  historical: boolean;
  importId: string | null;
  recordedById: string;
  /** The release order it loaded against, if any. */
  releaseId?: string | null;
  /** In line order; weights and volumes are snapshots of the catalogue's unit figures. */
  lines: { itemId: number; quantity: number; unitWeightKg: string; unitVolumeM3: string }[];
  /** Kits carried, as taken (none for history): their lines are among `lines`. */
  kits?: { kitId: number; quantity: number; kitVersion: number; householdSize: number }[];
}

/** A dispatch as stored: its generated waybill number and the time it was recorded. */
export interface StoredDispatch {
  waybillNo: string;
  recordedAt: Date;
}

/**
 * Writes dispatches, their lines and kits, DISPATCHED, in one statement, with an outbox event
 * per dispatch when `event` is given (the same insert OutboxService.record makes, in the same
 * round trip). A dispatch whose waybill number its hub already holds (committed, or by a
 * transaction that then commits) is skipped with its lines; a generated number is then spent
 * (the caller takes the next). Returns the dispatches stored by id.
 */
export async function insertDispatches(
  manager: EntityManager,
  dispatches: NewDispatch[],
  event?: OutboxEventType.DispatchRecorded,
): Promise<Map<string, StoredDispatch>> {
  if (dispatches.length === 0) return new Map();
  const column = <T>(pick: (d: NewDispatch) => T) => dispatches.map(pick);
  const lines = dispatches.flatMap((d) =>
    d.lines.map((line, i) => ({ dispatchId: d.id, lineNo: i + 1, ...line })),
  );
  const kits = dispatches.flatMap((d) =>
    (d.kits ?? []).map((kit) => ({ dispatchId: d.id, ...kit })),
  );
  const households = (d: NewDispatch) => (d.kits ?? []).reduce((sum, k) => sum + k.quantity, 0);
  const { rows } = await runStatement<{ id: string; recorded_at: Date; waybill_no: string }>(
    manager,
    `WITH stored AS (
       INSERT INTO dispatch
         (id, hub_id, waybill_no, destination_id, status, dispatched_at, truck_plate, trailer_plate,
          driver_name, driver_phone, carrier, consignee, emergency, cargo_weight_kg,
          lines_weight_kg, volume_m3, historical, import_id, recorded_by_id, distance_km,
          distance_basis, fuel_litres, tonne_km, co2e_kg, emission_method, households, release_id)
       SELECT v.id, v.hub_id,
              COALESCE(v.waybill_no, v.waybill_prefix || lpad(g.n, greatest(6, length(g.n)), '0')),
              v.destination_id, 'DISPATCHED', v.dispatched_at,
              v.truck_plate, v.trailer_plate, v.driver_name, v.driver_phone, v.carrier,
              v.consignee, v.emergency, v.cargo_weight_kg, v.lines_weight_kg, v.volume_m3,
              v.historical, v.import_id, v.recorded_by_id, v.distance_km, v.distance_basis,
              v.fuel_litres, v.tonne_km, v.co2e_kg, v.emission_method, v.households, v.release_id
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::timestamptz[], $6::text[],
                     $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                     $13::numeric[], $14::numeric[], $15::numeric[], $16::boolean[], $17::uuid[],
                     $18::uuid[], $25::numeric[], $26::text[], $27::numeric[], $28::numeric[],
                     $29::numeric[], $30::text[], $31::bigint[], $37::uuid[], $38::text[],
                     $39::text[])
           AS v(id, hub_id, waybill_no, destination_id, dispatched_at, truck_plate, trailer_plate,
                driver_name, driver_phone, carrier, consignee, emergency, cargo_weight_kg,
                lines_weight_kg, volume_m3, historical, import_id, recorded_by_id, distance_km,
                distance_basis, fuel_litres, tonne_km, co2e_kg, emission_method, households,
                release_id, waybill_sequence, waybill_prefix)
         LEFT JOIN LATERAL (
           SELECT nextval(v.waybill_sequence::regclass)::text AS n
            WHERE v.waybill_sequence IS NOT NULL
         ) g ON true
       ON CONFLICT (hub_id, waybill_no) DO NOTHING
       RETURNING id, hub_id, recorded_at, waybill_no
     ), stored_events AS (
       INSERT INTO outbox_event (type, hub_id, payload)
       SELECT $40::outbox_event_type, s.hub_id, jsonb_build_object('dispatchId', s.id)
         FROM stored s
        WHERE $40::outbox_event_type IS NOT NULL
     ), stored_lines AS (
       INSERT INTO dispatch_line
         (dispatch_id, line_no, item_id, quantity, unit_weight_kg, unit_volume_m3, weight_kg,
          volume_m3)
       SELECT l.dispatch_id, l.line_no, l.item_id, l.quantity, l.unit_weight_kg, l.unit_volume_m3,
              l.quantity * l.unit_weight_kg, l.quantity * l.unit_volume_m3
         FROM unnest($19::uuid[], $20::smallint[], $21::int[], $22::bigint[], $23::numeric[],
                     $24::numeric[])
           AS l(dispatch_id, line_no, item_id, quantity, unit_weight_kg, unit_volume_m3)
         JOIN stored s ON s.id = l.dispatch_id
     ), stored_kits AS (
       INSERT INTO dispatch_kit (dispatch_id, kit_id, quantity, kit_version, household_size)
       SELECT k.dispatch_id, k.kit_id, k.quantity, k.kit_version, k.household_size
         FROM unnest($32::uuid[], $33::int[], $34::bigint[], $35::int[], $36::smallint[])
           AS k(dispatch_id, kit_id, quantity, kit_version, household_size)
         JOIN stored s ON s.id = k.dispatch_id
     )
     SELECT id, recorded_at, waybill_no FROM stored`,
    [
      column((d) => d.id),
      column((d) => d.hubId),
      column((d) => d.waybillNo),
      column((d) => d.destinationId),
      column((d) => d.dispatchedAt),
      column((d) => d.truckPlate),
      column((d) => d.trailerPlate),
      column((d) => d.driverName),
      column((d) => d.driverPhone),
      column((d) => d.carrier),
      column((d) => d.consignee),
      column((d) => d.emergency),
      column((d) => d.cargoWeightKg),
      column((d) => d.linesWeightKg),
      column((d) => d.volumeM3),
      column((d) => d.historical),
      column((d) => d.importId),
      column((d) => d.recordedById),
      lines.map((l) => l.dispatchId),
      lines.map((l) => l.lineNo),
      lines.map((l) => l.itemId),
      lines.map((l) => l.quantity),
      lines.map((l) => l.unitWeightKg),
      lines.map((l) => l.unitVolumeM3),
      column((d) => d.distanceKm),
      column((d) => d.distanceBasis),
      column((d) => d.fuelLitres),
      column((d) => d.tonneKm),
      column((d) => d.co2eKg),
      column((d) => d.emissionMethod),
      column(households),
      kits.map((k) => k.dispatchId),
      kits.map((k) => k.kitId),
      kits.map((k) => k.quantity),
      kits.map((k) => k.kitVersion),
      kits.map((k) => k.householdSize),
      column((d) => d.releaseId ?? null),
      column((d) => d.waybillSequence?.sequence ?? null),
      column((d) => d.waybillSequence?.prefix ?? null),
      event ?? null,
    ],
  );
  return new Map(
    rows.map((row) => [row.id, { recordedAt: row.recorded_at, waybillNo: row.waybill_no }]),
  );
}
