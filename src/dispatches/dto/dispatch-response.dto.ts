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
    recordedAt: dispatch.recordedAt.toISOString(),
    recordedBy: mapActor(dispatch.recordedBy),
    cancelledAt: dispatch.cancelledAt?.toISOString() ?? null,
    cancelReason: dispatch.cancelReason,
    delivery: dispatch.deliveredAt
      ? { deliveredAt: dispatch.deliveredAt.toISOString(), note: dispatch.deliveryNote }
      : null,
  };
}
