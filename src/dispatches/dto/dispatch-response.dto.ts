import { ratio, roundDecimal, roundMicro, toMicro } from '../../common/decimal.js';
import { tonnageKg } from '../../common/dispatch-rules.js';
import { Actor, mapActor } from '../../auth/dto/actor.dto.js';
import type { ImportResult } from '../dispatch-import.service.js';
import { DispatchLine } from '../dispatch-line.entity.js';
import { DispatchStatus } from '../dispatch-status.js';
import { Dispatch } from '../dispatch.entity.js';

/** What POST /api/dispatches/import did. */
export class ImportResultResponse implements ImportResult {
  dispatches: number;
  lines: number;
  /** Waybills the hub had already, left as they were. */
  skipped: number;
}

/** A standard 13.6 m tilt semi-trailer (planning figures of FACTS.md). */
export const SEMI_TRAILER = { payloadKg: 22_000, volumeM3: 82 };

export class DispatchLineResponse {
  sku: string;
  quantity: number;
  /** The catalogue's unit weight when the truck left. */
  unitWeightKg: number;
  unitVolumeM3: number;
  weightKg: number;
  volumeM3: number;
  receivedQuantity: number | null;
  damagedQuantity: number | null;
  missingQuantity: number | null;
}

export class LoadFactor {
  /** Tonnage over a semi-trailer's 22,000 kg payload. */
  weight: number;
  /** Volume over a semi-trailer's 82 m3. */
  volume: number;
}

/** A truck's transport emissions (ISO 14083 / GLEC), as computed when it was recorded. */
export class EmissionsResponse {
  /** The distance counted, km. */
  distanceKm: number;
  /** The truck's tonnes x the distance. */
  tonneKm: number;
  /** kg CO2e, well-to-wheel. */
  co2eKg: number;
  /** `fuel`: the carrier's litres x the diesel factor; `default`: tonne-km x the intensity. */
  method: 'fuel' | 'default';
  /** Where the distance comes from: "given on the dispatch", or "route: ..." with its basis. */
  basis: string | null;
  /** The carrier's litres, when given. */
  fuelLitres: number | null;
}

/** A kit the truck carried, as it was when the truck left. */
export class DispatchKitResponse {
  code: string;
  /** Kits: households equipped. */
  quantity: number;
  /** People one kit served then. */
  householdSize: number;
}

export class DeliveryResponse {
  deliveredAt: string;
  note: string | null;
}

export class DispatchResponse {
  id: string;
  waybillNo: string;
  hub: string;
  destination: string;
  status: DispatchStatus;
  dispatchedAt: string;
  truckPlate: string;
  trailerPlate: string | null;
  driverName: string | null;
  driverPhone: string | null;
  carrier: string | null;
  consignee: string | null;
  emergency: string | null;
  /** The release order (id) it loaded against, or null. */
  release: string | null;
  historical: boolean;
  /** The weighbridge's net cargo weight, when recorded. */
  cargoWeightKg: number | null;
  /** Kit lines expanded into their components, merged with item lines of the same SKU. */
  lines: DispatchLineResponse[];
  /** The kits the lines came from (empty when none). */
  kits: DispatchKitResponse[];
  /** Households equipped: the kits carried. */
  households: number;
  /** Sum of the lines' weights. */
  totalWeightKg: number;
  totalVolumeM3: number;
  /** The truck's tonnage: the weighbridge figure when given, else the lines' weight. */
  tonnes: number;
  loadFactor: LoadFactor;
  /** Null when no distance is known (none given and no route of the hub to the destination). */
  emissions: EmissionsResponse | null;
  recordedAt: string;
  recordedBy: Actor;
  cancelledAt: string | null;
  cancelReason: string | null;
  delivery: DeliveryResponse | null;
}

/** A dispatch with what the response names: hub and destination codes, SKUs, the recorder. */
export type DispatchView = Dispatch & {
  hub: { code: string };
  destination: { code: string };
  recordedBy: { id: string; name: string };
};
export type DispatchLineView = DispatchLine & { item: { sku: string } };

export function mapDispatch(
  dispatch: DispatchView,
  lines: DispatchLineView[],
  kits: DispatchKitResponse[],
): DispatchResponse {
  const tonnage = toMicro(tonnageKg(dispatch));
  const volume = toMicro(dispatch.volumeM3);
  return {
    id: dispatch.id,
    waybillNo: dispatch.waybillNo,
    hub: dispatch.hub.code,
    destination: dispatch.destination.code,
    status: dispatch.status,
    dispatchedAt: dispatch.dispatchedAt.toISOString(),
    truckPlate: dispatch.truckPlate,
    trailerPlate: dispatch.trailerPlate,
    driverName: dispatch.driverName,
    driverPhone: dispatch.driverPhone,
    carrier: dispatch.carrier,
    consignee: dispatch.consignee,
    emergency: dispatch.emergency,
    release: dispatch.releaseId ?? null,
    historical: dispatch.historical,
    cargoWeightKg: dispatch.cargoWeightKg === null ? null : roundDecimal(dispatch.cargoWeightKg),
    lines: lines.map((line) => ({
      sku: line.item.sku,
      quantity: line.quantity,
      unitWeightKg: Number(line.unitWeightKg),
      unitVolumeM3: Number(line.unitVolumeM3),
      weightKg: roundDecimal(line.weightKg),
      volumeM3: roundDecimal(line.volumeM3),
      receivedQuantity: line.receivedQuantity,
      damagedQuantity: line.damagedQuantity,
      missingQuantity: line.missingQuantity,
    })),
    kits: kits.map((k) => ({ code: k.code, quantity: k.quantity, householdSize: k.householdSize })),
    households: dispatch.households,
    totalWeightKg: roundDecimal(dispatch.linesWeightKg),
    totalVolumeM3: roundMicro(volume),
    tonnes: ratio(tonnage, toMicro(1000)),
    loadFactor: {
      weight: ratio(tonnage, toMicro(SEMI_TRAILER.payloadKg)),
      volume: ratio(volume, toMicro(SEMI_TRAILER.volumeM3)),
    },
    emissions: mapEmissions(dispatch),
    recordedAt: dispatch.recordedAt.toISOString(),
    recordedBy: mapActor(dispatch.recordedBy),
    cancelledAt: dispatch.cancelledAt?.toISOString() ?? null,
    cancelReason: dispatch.cancelReason,
    delivery: dispatch.deliveredAt
      ? { deliveredAt: dispatch.deliveredAt.toISOString(), note: dispatch.deliveryNote }
      : null,
  };
}

export function mapEmissions(
  dispatch: Pick<
    Dispatch,
    'distanceKm' | 'distanceBasis' | 'fuelLitres' | 'tonneKm' | 'co2eKg' | 'emissionMethod'
  >,
): EmissionsResponse | null {
  if (dispatch.distanceKm === null || dispatch.co2eKg === null || dispatch.tonneKm === null) {
    return null;
  }
  return {
    distanceKm: roundDecimal(dispatch.distanceKm),
    tonneKm: roundDecimal(dispatch.tonneKm),
    co2eKg: roundDecimal(dispatch.co2eKg),
    method: dispatch.emissionMethod!,
    basis: dispatch.distanceBasis,
    fuelLitres: dispatch.fuelLitres === null ? null : roundDecimal(dispatch.fuelLitres),
  };
}
